#ifndef RIVULET_API_NATIVE_OPENAPI_DOCUMENT_H_
#define RIVULET_API_NATIVE_OPENAPI_DOCUMENT_H_
#include <string_view>
namespace rivulet::api::native {
// Served at GET /v1/openapi.json; must list every route (test/api/native_openapi_test.cc enforces it).
inline constexpr std::string_view kOpenApiDocument = R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "Rivulet native API",
    "version": "0.1.0",
    "description": "Rivulet's own API under `/v1` (contacts, events, workspaces and credentials) and the system endpoints (`/healthz`, `/readyz`, `/metrics`, `POST /oauth/token`). This document is served at `GET /v1/openapi.json`.\n\n## Authentication\nEvery `/v1` operation except `GET /v1/openapi.json` needs a credential, in one of two forms:\n- `Authorization: Bearer <token>`, where the token is an OAuth2 access token from `POST /oauth/token` (`rvt_…`) or an API key (`rvk_…`).\n- The `PublicKey` and `SecretKey` headers of a key pair. When a `PublicKey` header is present the key pair is used (and `Authorization` is not looked at); both headers are then required.\n\nMissing, wrong or revoked credentials and expired access tokens are 401 `unauthenticated` with `WWW-Authenticate: Bearer`.\n\n## Workspaces\nContact and event operations act on one workspace. A credential bound to exactly one workspace acts on it; otherwise (a credential bound to several workspaces, or an admin credential, which is bound to none) name the workspace by its uuid in the optional `X-Rivulet-Workspace` header. A malformed uuid, or no header when one is needed: 400 `invalid_argument`; an unknown workspace: 404 `not_found`; a workspace the credential may not act on: 403 `permission_denied`. Admin credentials may act on any workspace. Workspace and credential management (`/v1/workspaces…`, `/v1/credentials/{id}`) needs an admin credential (403 `permission_denied` otherwise) and does not use the header.\n\n## Request bodies\nEvery operation that reads a body accepts `application/json` (also `text/json`, or no `Content-Type`), `application/x-www-form-urlencoded` and `multipart/form-data`; any other type is 415 `unsupported_media_type`. A blank body (other than multipart) is an empty object. JSON must be valid UTF-8 and nested at most 32 levels (configurable). Form bodies (and query strings) use PHP bracket notation: `attributes[plan]=pro`, `tags[]=vip&tags[]=beta` (or `tags[0]=vip&tags[1]=beta`), `contact[email]=ada@example.com`, `data[order][id]=42`, `events[0][type]=signup`. Form values are always strings: where a number or boolean is expected its text is accepted (`limit=10`, `subscribed=true` or `1`), but attribute and event data values stay strings. A form may hold at most 1,000 fields (413). A multipart part with a filename becomes an object `{\"filename\",\"content_type\",\"content\"}` and must be UTF-8 text. Bodies are limited to 1 MiB by default (configurable); `POST /v1/events` allows 8 MiB and `POST /v1/contacts/batch` 32 MiB; a larger body is 413 `payload_too_large`. Unknown fields are rejected with 400 unless an operation says otherwise.\n\n## Errors\nErrors use one envelope: `{\"error\":{\"code\":\"…\",\"message\":\"…\",\"fields\":{\"<field path>\":\"<problem>\"},\"request_id\":\"…\"}}`. `fields` is present only when specific fields are at fault, keyed by path (`email`, `contacts[3].email`, `events[0].contact`). The code determines the HTTP status: `invalid_argument` 400, `unauthenticated` 401, `permission_denied` 403, `not_found` 404, `already_exists` 409, `failed_precondition` 409, `payload_too_large` 413, `unsupported_media_type` 415, `resource_exhausted` 429 (the write queue is full; retry later), `internal` 500, `unavailable` 503 (retry later; also when a handler times out). An unknown path is 404 `not_found`. A known path with a method it does not support is 405 with an `Allow` header listing the methods it supports, in the path's usual error body (see the `MethodNotAllowed` response). `POST /oauth/token` answers with the RFC 6749 error body instead (`OAuthError`).\n\n## Request ids\nEvery response from the router or a handler carries `X-Request-Id`: the request's own `X-Request-Id` header when it is at most 64 characters of `[A-Za-z0-9-_.]`, otherwise a generated id. Error envelopes repeat it as `request_id`. (Errors for malformed or oversized requests and handler time-outs have no request id.)\n\n## Pagination\nContact and event lists are ordered by creation and paginated by key: pass the previous page's `next_cursor` as `cursor`. `next_cursor` is null when the page held fewer than `limit` items; a full last page is followed by an empty one.\n\n## Timestamps\nResponses give times in UTC with milliseconds (`2024-05-10T12:47:38.123Z`). Inputs accept RFC 3339 / ISO-8601 date-times (`YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]`, a space may replace `T`, no zone means UTC) and plain dates (`YYYY-MM-DD`, midnight UTC)."
  },
  "tags": [
    {"name": "Contacts", "description": "People in a workspace, their attributes, tags and subscriptions."},
    {"name": "Events", "description": "Things that happened to contacts; idempotent ingestion."},
    {"name": "Workspaces", "description": "Tenants. Admin credentials only."},
    {"name": "Credentials", "description": "OAuth2 clients, API keys and key pairs. Admin credentials only."},
    {"name": "System", "description": "Health, readiness, metrics and this document. No authentication."},
    {"name": "OAuth", "description": "The OAuth2 client-credentials grant (RFC 6749 §4.4)."}
  ],
  "security": [{"bearer": []}, {"PublicKey": [], "SecretKey": []}],
  "paths": {
    "/v1/contacts": {
      "get": {
        "tags": ["Contacts"],
        "operationId": "listContacts",
        "summary": "List contacts",
        "description": "Contacts of the workspace in creation order, optionally filtered; filters combine with AND. Unknown query parameters are 400.",
        "parameters": [
          {"$ref": "#/components/parameters/WorkspaceHeader"},
          {
            "name": "email",
            "in": "query",
            "description": "Only the contact with this e-mail address (normalised: trimmed, lowercased).",
            "schema": {"type": "string", "maxLength": 320}
          },
          {
            "name": "phone",
            "in": "query",
            "description": "Only the contact with this phone number (normalised as on input).",
            "schema": {"type": "string", "maxLength": 64}
          },
          {
            "name": "external_id",
            "in": "query",
            "description": "Only the contact with this external id (matched exactly).",
            "schema": {"type": "string", "maxLength": 255}
          },
          {
            "name": "tag",
            "in": "query",
            "description": "Only contacts carrying this tag.",
            "schema": {"type": "string", "maxLength": 64}
          },
          {
            "name": "updated_after",
            "in": "query",
            "description": "Only contacts updated strictly after this ISO-8601 date-time or date.",
            "schema": {"type": "string", "maxLength": 64},
            "example": "2024-05-01T00:00:00Z"
          },
          {"$ref": "#/components/parameters/Limit"},
          {"$ref": "#/components/parameters/Cursor"}
        ],
        "responses": {
          "200": {
            "description": "A page of contacts.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContactPage"}}}
          },
          "400": {
            "description": "invalid_argument: an unknown query parameter, a malformed filter, `limit` outside 1..1000 or a bad `cursor`; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {
            "description": "permission_denied: the credential may not act on the workspace named in X-Rivulet-Workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "post": {
        "tags": ["Contacts"],
        "operationId": "createContact",
        "summary": "Create a contact",
        "description": "Creates a new contact; no identifier is required (a uuid is generated unless given). Fails with 409 when one of its identifiers belongs to another contact. Emits a `contact_created` event in the same transaction. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": false,
          "description": "The new contact. A blank body creates a contact with no identifiers but its uuid.",
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ContactInput"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/ContactInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/ContactInput"}}
          }
        },
        "responses": {
          "201": {
            "description": "Created. `created` is true.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/ContactChange"},
                "example": {
                  "contact": {
                    "uuid": "0190a6f4-3c2e-7d1a-9b4f-5e6d7c8b9a01",
                    "email": "ada@example.com",
                    "phone": "+31612345678",
                    "external_id": "user-1842",
                    "attributes": {"first_name": "Ada", "plan": "pro"},
                    "tags": ["beta", "vip"],
                    "timezone": "Europe/Amsterdam",
                    "subscriptions": {"email": {"subscribed": false, "at": 1715345258123}},
                    "created_at": "2024-05-10T12:47:38.123Z",
                    "updated_at": "2024-05-10T12:47:38.123Z"
                  },
                  "created": true
                }
              }
            }
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {
            "description": "permission_denied: the credential may not act on the workspace named in X-Rivulet-Workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "409": {
            "description": "already_exists: the uuid, e-mail, phone or external id belongs to another contact.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/contacts/upsert": {
      "post": {
        "tags": ["Contacts"],
        "operationId": "upsertContact",
        "summary": "Create or update a contact",
        "description": "Finds the contact by the first identifier present, in the order uuid, external_id, email, phone, and applies the other fields to it; creates it when none matches. At least one identifier is required. A change emits `contact_updated` (or `contact_created`). Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": true,
          "description": "The contact: at least one of uuid, email, phone, external_id.",
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ContactInput"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/ContactInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/ContactInput"}}
          }
        },
        "responses": {
          "200": {
            "description": "An existing contact matched; it was updated (or nothing changed). `created` is false.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContactChange"}}}
          },
          "201": {
            "description": "No contact matched; it was created. `created` is true.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContactChange"}}}
          },
          "400": {
            "description": "invalid_argument: a malformed or unknown field, or no identifier (reported on field `contact`); or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {
            "description": "permission_denied: the credential may not act on the workspace named in X-Rivulet-Workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "409": {
            "description": "already_exists: an identifier being set belongs to another contact.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/contacts/batch": {
      "post": {
        "tags": ["Contacts"],
        "operationId": "upsertContactsBatch",
        "summary": "Upsert up to 10,000 contacts",
        "description": "Upserts every contact as `POST /v1/contacts/upsert` does, in one transaction: all or none. Each item needs an identifier. The body may be up to 32 MiB. Fields other than `contacts` are ignored. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": true,
          "description": "The contacts.",
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ContactBatchInput"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/ContactBatchInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/ContactBatchInput"}}
          }
        },
        "responses": {
          "200": {
            "description": "Every contact was upserted.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/ContactBatchResult"},
                "example": {
                  "created": 1,
                  "updated": 1,
                  "contacts": [
                    {"uuid": "0190a6f4-3c2e-7d1a-9b4f-5e6d7c8b9a01", "created": false},
                    {"uuid": "0190a6f6-1111-7222-8333-444455556666", "created": true}
                  ]
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: `contacts` is missing or not an array, or an item is invalid or has no identifier (field `contacts[i]…`); or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {
            "description": "permission_denied: the credential may not act on the workspace named in X-Rivulet-Workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "409": {
            "description": "already_exists: an item conflicts with another contact's identifier (field `contacts[i]`). Nothing was stored.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {
            "description": "payload_too_large: more than 10,000 contacts (field `contacts`), or the body exceeds 32 MiB.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/contacts/{ref}": {
      "parameters": [{"$ref": "#/components/parameters/ContactRef"}],
      "get": {
        "tags": ["Contacts"],
        "operationId": "getContact",
        "summary": "Get a contact",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "responses": {
          "200": {
            "description": "The contact.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/ContactResponse"},
                "example": {
                  "contact": {
                    "uuid": "0190a6f4-3c2e-7d1a-9b4f-5e6d7c8b9a01",
                    "email": "ada@example.com",
                    "phone": "+31612345678",
                    "external_id": "user-1842",
                    "attributes": {"first_name": "Ada", "plan": "pro"},
                    "tags": ["beta", "vip"],
                    "timezone": "Europe/Amsterdam",
                    "subscriptions": {"email": {"subscribed": false, "at": 1715345258123}},
                    "created_at": "2024-05-10T12:47:38.123Z",
                    "updated_at": "2024-05-10T12:47:38.123Z"
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: `ref` is not a contact reference (field `ref`); or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {
            "description": "permission_denied: the credential may not act on the workspace named in X-Rivulet-Workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "404": {
            "description": "not_found: no such contact in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "patch": {
        "tags": ["Contacts"],
        "operationId": "updateContact",
        "summary": "Update a contact",
        "description": "Applies the given fields; absent fields are left as they are. The uuid cannot be changed. A change emits a `contact_updated` event. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": false,
          "description": "The fields to change (`uuid` is rejected). A blank body changes nothing.",
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ContactInput"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/ContactInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/ContactInput"}}
          }
        },
        "responses": {
          "200": {
            "description": "The contact after the change. `created` is false.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContactChange"}}}
          },
          "400": {
            "description": "invalid_argument: a bad `ref`, a malformed or unknown field, or `uuid` given (\"cannot be changed\"); or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {
            "description": "permission_denied: the credential may not act on the workspace named in X-Rivulet-Workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "404": {
            "description": "not_found: no such contact in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "409": {
            "description": "already_exists: another contact already has one of these identifiers.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "delete": {
        "tags": ["Contacts"],
        "operationId": "deleteContact",
        "summary": "Erase a contact",
        "description": "Erases the contact and every event about it (GDPR erasure).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "responses": {
          "204": {"description": "Erased."},
          "400": {
            "description": "invalid_argument: `ref` is not a contact reference (field `ref`); or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {
            "description": "permission_denied: the credential may not act on the workspace named in X-Rivulet-Workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "404": {
            "description": "not_found: no such contact in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/contacts/{ref}/subscriptions": {
      "parameters": [{"$ref": "#/components/parameters/ContactRef"}],
      "post": {
        "tags": ["Contacts"],
        "operationId": "setContactSubscription",
        "summary": "Subscribe or unsubscribe a contact",
        "description": "Sets the contact's subscription to a channel, or, when `group` is given, its membership of that unsubscribe group (`subscriptions.groups`). A change emits a `contact_updated` event. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": true,
          "description": "The subscription change.",
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/SubscriptionInput"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/SubscriptionInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/SubscriptionInput"}}
          }
        },
        "responses": {
          "200": {
            "description": "The contact after the change. `created` is false.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContactChange"}}}
          },
          "400": {
            "description": "invalid_argument: a bad `ref`, `channel` not email or sms, `subscribed` missing or not a boolean, or an unknown field; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {
            "description": "permission_denied: the credential may not act on the workspace named in X-Rivulet-Workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "404": {
            "description": "not_found: no such contact in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/contacts/{ref}/events": {
      "parameters": [{"$ref": "#/components/parameters/ContactRef"}],
      "get": {
        "tags": ["Contacts", "Events"],
        "operationId": "listContactEvents",
        "summary": "List a contact's events",
        "description": "The contact's events in the order they were stored. Other query parameters are ignored.",
        "parameters": [
          {"$ref": "#/components/parameters/WorkspaceHeader"},
          {"$ref": "#/components/parameters/EventType"},
          {"$ref": "#/components/parameters/Limit"},
          {"$ref": "#/components/parameters/Cursor"}
        ],
        "responses": {
          "200": {
            "description": "A page of events.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventPage"}}}
          },
          "400": {
            "description": "invalid_argument: a bad `ref`, `limit` outside 1..1000, or a non-integer `cursor`; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {
            "description": "permission_denied: the credential may not act on the workspace named in X-Rivulet-Workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "404": {
            "description": "not_found: no such contact in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/events": {
      "get": {
        "tags": ["Events"],
        "operationId": "listEvents",
        "summary": "List events",
        "description": "Events of the workspace in the order they were stored, including the `contact_created` and `contact_updated` events Rivulet emits. Unknown query parameters are 400.",
        "parameters": [
          {"$ref": "#/components/parameters/WorkspaceHeader"},
          {"$ref": "#/components/parameters/EventType"},
          {"$ref": "#/components/parameters/Limit"},
          {"$ref": "#/components/parameters/Cursor"}
        ],
        "responses": {
          "200": {
            "description": "A page of events.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/EventPage"},
                "example": {
                  "data": [
                    {
                      "uuid": "0190a6f5-0a11-7c3d-8e2f-1a2b3c4d5e6f",
                      "type": "order_placed",
                      "contact_uuid": "0190a6f4-3c2e-7d1a-9b4f-5e6d7c8b9a01",
                      "data": {"order_id": "A-1001", "total": 42.5},
                      "occurred_at": "2024-05-10T12:45:00.000Z",
                      "received_at": "2024-05-10T12:47:38.123Z",
                      "idempotency_key": "order-A-1001"
                    }
                  ],
                  "next_cursor": null
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: an unknown query parameter, `limit` outside 1..1000 or a non-integer `cursor`; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {
            "description": "permission_denied: the credential may not act on the workspace named in X-Rivulet-Workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "post": {
        "tags": ["Events"],
        "operationId": "ingestEvents",
        "summary": "Record one event or a batch",
        "description": "Records one event, or `{\"events\":[…]}` with 1 to 1,000 events (then `events` must be the only field), in one transaction: all or none. The answer comes after the commit. An event whose idempotency key was seen before in the workspace is not stored again: the stored event is returned with `duplicate: true`. For a single event the `Idempotency-Key` header is used when the body has no `idempotency_key`. The body may be up to 8 MiB. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [
          {"$ref": "#/components/parameters/WorkspaceHeader"},
          {"$ref": "#/components/parameters/IdempotencyKey"}
        ],
        "requestBody": {
          "required": true,
          "description": "One event, or a batch.",
          "content": {
            "application/json": {
              "schema": {
                "oneOf": [
                  {"$ref": "#/components/schemas/EventInput"},
                  {"$ref": "#/components/schemas/EventBatchInput"}
                ]
              }
            },
            "application/x-www-form-urlencoded": {
              "schema": {
                "oneOf": [
                  {"$ref": "#/components/schemas/EventInput"},
                  {"$ref": "#/components/schemas/EventBatchInput"}
                ]
              }
            },
            "multipart/form-data": {
              "schema": {
                "oneOf": [
                  {"$ref": "#/components/schemas/EventInput"},
                  {"$ref": "#/components/schemas/EventBatchInput"}
                ]
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Every event repeated an idempotency key; nothing new was stored. Same shapes as 201, each with `duplicate: true`.",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {"$ref": "#/components/schemas/EventIngested"},
                    {"$ref": "#/components/schemas/EventsIngested"}
                  ]
                }
              }
            }
          },
          "201": {
            "description": "At least one event was stored. `{\"event\":…}` for a single event, `{\"events\":[…]}` for a batch, in input order.",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {"$ref": "#/components/schemas/EventIngested"},
                    {"$ref": "#/components/schemas/EventsIngested"}
                  ]
                },
                "example": {
                  "event": {
                    "uuid": "0190a6f5-0a11-7c3d-8e2f-1a2b3c4d5e6f",
                    "type": "order_placed",
                    "contact_uuid": "0190a6f4-3c2e-7d1a-9b4f-5e6d7c8b9a01",
                    "occurred_at": "2024-05-10T12:45:00.000Z",
                    "idempotency_key": "order-A-1001",
                    "duplicate": false
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: a malformed or unknown field (paths like `events[2].type`), no contact given, an empty `events` array, `events` not the only field, or an `Idempotency-Key` header over 255 bytes; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {
            "description": "permission_denied: the credential may not act on the workspace named in X-Rivulet-Workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "404": {
            "description": "not_found: a contact referenced by uuid alone does not exist (field `events[i].contact`), or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "409": {
            "description": "already_exists: the contact identifiers given conflict with another contact. Nothing was stored.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {
            "description": "payload_too_large: more than 1,000 events (field `events`), or the body exceeds 8 MiB.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/workspaces": {
      "get": {
        "tags": ["Workspaces"],
        "operationId": "listWorkspaces",
        "summary": "List workspaces",
        "description": "Every workspace, in creation order (not paginated).",
        "responses": {
          "200": {
            "description": "The workspaces.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WorkspaceList"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/AdminOnly"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "post": {
        "tags": ["Workspaces"],
        "operationId": "createWorkspace",
        "summary": "Create a workspace",
        "description": "Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "requestBody": {
          "required": true,
          "description": "The new workspace.",
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/WorkspaceInput"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/WorkspaceInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/WorkspaceInput"}}
          }
        },
        "responses": {
          "201": {
            "description": "Created.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WorkspaceResponse"}}}
          },
          "400": {
            "description": "invalid_argument: `name` missing or longer than 200 bytes, `uuid` not a uuid, or an unknown field.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/AdminOnly"},
          "409": {
            "description": "already_exists: a workspace with this uuid exists.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/workspaces/{uuid}": {
      "parameters": [{"$ref": "#/components/parameters/WorkspaceUuid"}],
      "get": {
        "tags": ["Workspaces"],
        "operationId": "getWorkspace",
        "summary": "Get a workspace",
        "responses": {
          "200": {
            "description": "The workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WorkspaceResponse"}}}
          },
          "400": {
            "description": "invalid_argument: `uuid` is not a uuid (field `uuid`).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/AdminOnly"},
          "404": {
            "description": "not_found: no such workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/workspaces/{uuid}/credentials": {
      "parameters": [{"$ref": "#/components/parameters/WorkspaceUuid"}],
      "get": {
        "tags": ["Credentials"],
        "operationId": "listWorkspaceCredentials",
        "summary": "List a workspace's credentials",
        "description": "The credentials of every principal bound to the workspace, revoked ones included, in creation order. Secrets are never shown again.",
        "responses": {
          "200": {
            "description": "The credentials.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CredentialList"}}}
          },
          "400": {
            "description": "invalid_argument: `uuid` is not a uuid (field `uuid`).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/AdminOnly"},
          "404": {
            "description": "not_found: no such workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "post": {
        "tags": ["Credentials"],
        "operationId": "createWorkspaceCredential",
        "summary": "Issue a credential for a workspace",
        "description": "Creates a new (non-admin) principal bound to the workspace and one credential of the given kind. The secret is in this response only. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "requestBody": {
          "required": true,
          "description": "The kind of credential.",
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/CredentialInput"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/CredentialInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/CredentialInput"}}
          }
        },
        "responses": {
          "201": {
            "description": "Issued. Keep the secret: it cannot be retrieved later.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/CredentialCreatedResponse"},
                "example": {
                  "credential": {
                    "id": 12,
                    "kind": "apikey",
                    "label": "CRM sync",
                    "created_at": "2024-05-10T12:47:38.123Z",
                    "key_prefix": "rvk_AbCdEfGh",
                    "revoked_at": null,
                    "api_key": "rvk_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd"
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: `uuid` is not a uuid, `kind` missing or not oauth, apikey or keypair, `label` over 200 bytes, or an unknown field.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/AdminOnly"},
          "404": {
            "description": "not_found: no such workspace.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/credentials/{id}": {
      "parameters": [{"$ref": "#/components/parameters/CredentialId"}],
      "delete": {
        "tags": ["Credentials"],
        "operationId": "revokeCredential",
        "summary": "Revoke a credential",
        "description": "Revokes the credential and every access token issued to it. Revoking a revoked credential succeeds and keeps the first `revoked_at`.",
        "responses": {
          "204": {"description": "Revoked."},
          "400": {
            "description": "invalid_argument: `id` is not a positive integer (field `id`).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/AdminOnly"},
          "404": {
            "description": "not_found: no such credential.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/openapi.json": {
      "get": {
        "tags": ["System"],
        "operationId": "getOpenApiDocument",
        "summary": "This OpenAPI document",
        "security": [],
        "responses": {
          "200": {
            "description": "This document (OpenAPI 3.0.3).",
            "content": {"application/json": {"schema": {"type": "object"}}}
          }
        }
      }
    },
    "/healthz": {
      "get": {
        "tags": ["System"],
        "operationId": "getHealth",
        "summary": "Liveness",
        "description": "Answers as long as the process serves HTTP.",
        "security": [],
        "responses": {
          "200": {
            "description": "Alive.",
            "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/Health"}, "example": {"status": "ok"}}
            }
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "tags": ["System"],
        "operationId": "getReadiness",
        "summary": "Readiness",
        "description": "Checks that the database answers a read.",
        "security": [],
        "responses": {
          "200": {
            "description": "Ready.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/Readiness"},
                "example": {"database": "ok", "write_queue_depth": 0, "status": "ready"}
              }
            }
          },
          "503": {
            "description": "The database read failed; `database` holds the error message.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": ["System"],
        "operationId": "getMetrics",
        "summary": "Prometheus metrics",
        "description": "Prometheus text exposition format 0.0.4 (`Content-Type: text/plain; version=0.0.4; charset=utf-8`): `rivulet_http_requests_total` and `rivulet_http_request_duration_seconds` by route pattern, open connections, in-flight requests and database gauges (`rivulet_db_*`).",
        "security": [],
        "responses": {"200": {"description": "The metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
      }
    },
    "/oauth/token": {
      "post": {
        "tags": ["OAuth"],
        "operationId": "issueToken",
        "summary": "Issue an access token",
        "description": "OAuth2 client-credentials grant (RFC 6749 §4.4). The client id and secret travel in the body (a form, JSON, or multipart); HTTP Basic client authentication is not read. Fields other than grant_type, client_id and client_secret are ignored. Use the token as `Authorization: Bearer <access_token>` until it expires. Errors use the RFC 6749 §5.2 body, never the native envelope.",
        "security": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/TokenRequest"}},
            "application/json": {"schema": {"$ref": "#/components/schemas/TokenRequest"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/TokenRequest"}}
          }
        },
        "responses": {
          "200": {
            "description": "Issued.",
            "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControlNoStore"}},
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/TokenResponse"},
                "example": {
                  "token_type": "Bearer",
                  "expires_in": 3600,
                  "access_token": "rvt_Q2hhbmdlTWVBbHJlYWR5SXRJc0p1c3RBbkV4YW1wbGVUb2tlbg"
                }
              }
            }
          },
          "400": {
            "description": "`invalid_request` (malformed body, a field of the wrong type or too long, `grant_type` missing) or `unsupported_grant_type` (`grant_type` is not `client_credentials`).",
            "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControlNoStore"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}
          },
          "401": {
            "description": "`invalid_client`: `client_id` or `client_secret` missing, unknown, wrong, revoked, or not an OAuth client.",
            "headers": {
              "Cache-Control": {"$ref": "#/components/headers/CacheControlNoStore"},
              "WWW-Authenticate": {"description": "`Basic realm=\"rivulet\"`.", "schema": {"type": "string"}}
            },
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}
          },
          "413": {
            "description": "`invalid_request`: the body or its form fields exceed the limits.",
            "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControlNoStore"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}
          },
          "415": {
            "description": "`invalid_request`: unsupported Content-Type.",
            "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControlNoStore"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}
          },
          "500": {
            "description": "`server_error`.",
            "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControlNoStore"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}
          },
          "503": {
            "description": "`server_error`: the store is unavailable; retry later.",
            "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControlNoStore"}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}
          }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Contact": {
        "type": "object",
        "description": "A person in a workspace. Its uuid is unique across workspaces; email, phone and external_id are unique within the workspace.",
        "required": [
          "uuid",
          "email",
          "phone",
          "external_id",
          "attributes",
          "tags",
          "timezone",
          "subscriptions",
          "created_at",
          "updated_at"
        ],
        "properties": {
          "uuid": {"type": "string", "format": "uuid", "example": "0190a6f4-3c2e-7d1a-9b4f-5e6d7c8b9a01"},
          "email": {"type": "string", "nullable": true, "description": "Lowercased.", "example": "ada@example.com"},
          "phone": {
            "type": "string",
            "nullable": true,
            "description": "Normalised: an optional leading `+` and 6 to 20 digits.",
            "example": "+31612345678"
          },
          "external_id": {
            "type": "string",
            "nullable": true,
            "description": "The contact's id in another system.",
            "example": "user-1842"
          },
          "attributes": {"type": "object", "additionalProperties": true, "description": "Free-form attributes."},
          "tags": {"type": "array", "items": {"type": "string"}, "description": "Sorted, without duplicates."},
          "timezone": {
            "type": "string",
            "nullable": true,
            "description": "IANA time zone name; null means the workspace default.",
            "example": "Europe/Amsterdam"
          },
          "subscriptions": {"$ref": "#/components/schemas/Subscriptions"},
          "created_at": {"type": "string", "format": "date-time", "example": "2024-05-10T12:47:38.123Z"},
          "updated_at": {"type": "string", "format": "date-time", "example": "2024-05-10T12:47:38.123Z"}
        },
        "example": {
          "uuid": "0190a6f4-3c2e-7d1a-9b4f-5e6d7c8b9a01",
          "email": "ada@example.com",
          "phone": "+31612345678",
          "external_id": "user-1842",
          "attributes": {"first_name": "Ada", "plan": "pro"},
          "tags": ["beta", "vip"],
          "timezone": "Europe/Amsterdam",
          "subscriptions": {"email": {"subscribed": false, "at": 1715345258123}},
          "created_at": "2024-05-10T12:47:38.123Z",
          "updated_at": "2024-05-10T12:47:38.123Z"
        }
      },
      "Subscriptions": {
        "type": "object",
        "description": "Subscription state. A channel without an entry counts as subscribed; so does a group without an entry.",
        "properties": {
          "email": {"$ref": "#/components/schemas/ChannelSubscription"},
          "sms": {"$ref": "#/components/schemas/ChannelSubscription"},
          "groups": {
            "type": "object",
            "additionalProperties": {"type": "boolean"},
            "description": "Unsubscribe group name → subscribed."
          }
        }
      },
      "ChannelSubscription": {
        "type": "object",
        "required": ["subscribed", "at"],
        "properties": {
          "subscribed": {"type": "boolean"},
          "at": {
            "type": "integer",
            "format": "int64",
            "description": "When it was last set, in milliseconds since the Unix epoch."
          }
        }
      },
      "ContactInput": {
        "type": "object",
        "additionalProperties": false,
        "description": "A contact's fields, as given to create, upsert, batch and update. Every field is optional (upsert and batch items need an identifier); a null value is the same as leaving the field out. Identifiers are validated and normalised.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Create, upsert, batch: the contact's uuid (generated when absent; upsert matches on it first). Rejected by PATCH."
          },
          "email": {
            "type": "string",
            "maxLength": 320,
            "description": "Trimmed and lowercased; one `@` with text on both sides, no spaces, at most 254 bytes after trimming."
          },
          "phone": {
            "type": "string",
            "maxLength": 64,
            "description": "Spaces, dashes, dots and parentheses are dropped; an optional leading `+` and 6 to 20 digits remain."
          },
          "external_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "description": "1 to 255 bytes of printable text after trimming."
          },
          "attributes": {
            "type": "object",
            "additionalProperties": true,
            "description": "Merged key by key into the stored attributes; a null value deletes the key. At most 64 KiB serialized."
          },
          "tags": {
            "type": "array",
            "maxItems": 100,
            "items": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$"},
            "description": "Replaces the whole tag set."
          },
          "add_tags": {
            "type": "array",
            "maxItems": 100,
            "items": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$"},
            "description": "Tags to add."
          },
          "remove_tags": {
            "type": "array",
            "maxItems": 100,
            "items": {"type": "string", "maxLength": 64},
            "description": "Tags to remove (applied after `tags` and `add_tags`)."
          },
          "timezone": {
            "type": "string",
            "maxLength": 64,
            "description": "An IANA time zone name; an empty string reverts to the workspace default.",
            "example": "Europe/Amsterdam"
          }
        },
        "example": {
          "email": "Ada@Example.com",
          "external_id": "user-1842",
          "attributes": {"first_name": "Ada", "plan": "pro"},
          "add_tags": ["vip"]
        }
      },
      "ContactIdentifiers": {
        "type": "object",
        "additionalProperties": false,
        "description": "Identifies a contact; validated and normalised as in ContactInput.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Create, upsert, batch: the contact's uuid (generated when absent; upsert matches on it first). Rejected by PATCH."
          },
          "email": {
            "type": "string",
            "maxLength": 320,
            "description": "Trimmed and lowercased; one `@` with text on both sides, no spaces, at most 254 bytes after trimming."
          },
          "phone": {
            "type": "string",
            "maxLength": 64,
            "description": "Spaces, dashes, dots and parentheses are dropped; an optional leading `+` and 6 to 20 digits remain."
          },
          "external_id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 255,
            "description": "1 to 255 bytes of printable text after trimming."
          }
        }
      },
      "ContactResponse": {
        "type": "object",
        "required": ["contact"],
        "properties": {"contact": {"$ref": "#/components/schemas/Contact"}}
      },
      "ContactChange": {
        "type": "object",
        "required": ["contact", "created"],
        "properties": {
          "contact": {"$ref": "#/components/schemas/Contact"},
          "created": {"type": "boolean", "description": "True when this request created the contact."}
        }
      },
      "ContactBatchInput": {
        "type": "object",
        "required": ["contacts"],
        "properties": {
          "contacts": {
            "type": "array",
            "maxItems": 10000,
            "items": {"$ref": "#/components/schemas/ContactInput"},
            "description": "Contacts to upsert; each needs an identifier."
          }
        }
      },
      "ContactBatchResult": {
        "type": "object",
        "required": ["created", "updated", "contacts"],
        "properties": {
          "created": {"type": "integer", "format": "int64", "description": "Contacts created."},
          "updated": {
            "type": "integer",
            "format": "int64",
            "description": "Existing contacts that changed (unchanged ones count in neither)."
          },
          "contacts": {
            "type": "array",
            "description": "One item per input, in input order.",
            "items": {
              "type": "object",
              "required": ["uuid", "created"],
              "properties": {"uuid": {"type": "string", "format": "uuid"}, "created": {"type": "boolean"}}
            }
          }
        }
      },
      "SubscriptionInput": {
        "type": "object",
        "additionalProperties": false,
        "required": ["channel", "subscribed"],
        "properties": {
          "channel": {"type": "string", "enum": ["email", "sms"]},
          "subscribed": {"type": "boolean", "description": "Forms may send `true`/`false` or `1`/`0`."},
          "group": {
            "type": "string",
            "maxLength": 64,
            "description": "An unsubscribe group: when given, the group's entry in `subscriptions.groups` is set instead of the channel's state."
          }
        },
        "example": {"channel": "email", "subscribed": false}
      },
      "ContactPage": {
        "type": "object",
        "required": ["data", "next_cursor"],
        "properties": {
          "data": {"type": "array", "items": {"$ref": "#/components/schemas/Contact"}},
          "next_cursor": {"$ref": "#/components/schemas/NextCursor"}
        }
      },
      "NextCursor": {
        "type": "string",
        "nullable": true,
        "pattern": "^[0-9]+$",
        "description": "Pass as `cursor` for the next page; null when this page held fewer than `limit` items.",
        "example": "1842"
      },
      "Event": {
        "type": "object",
        "required": ["uuid", "type", "contact_uuid", "data", "occurred_at", "received_at", "idempotency_key"],
        "properties": {
          "uuid": {"type": "string", "format": "uuid"},
          "type": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$", "example": "order_placed"},
          "contact_uuid": {"type": "string", "format": "uuid"},
          "data": {"type": "object", "additionalProperties": true},
          "occurred_at": {"type": "string", "format": "date-time", "example": "2024-05-10T12:47:38.123Z"},
          "received_at": {"type": "string", "format": "date-time", "example": "2024-05-10T12:47:38.123Z"},
          "idempotency_key": {"type": "string", "nullable": true}
        },
        "example": {
          "uuid": "0190a6f5-0a11-7c3d-8e2f-1a2b3c4d5e6f",
          "type": "order_placed",
          "contact_uuid": "0190a6f4-3c2e-7d1a-9b4f-5e6d7c8b9a01",
          "data": {"order_id": "A-1001", "total": 42.5},
          "occurred_at": "2024-05-10T12:45:00.000Z",
          "received_at": "2024-05-10T12:47:38.123Z",
          "idempotency_key": "order-A-1001"
        }
      },
      "EventInput": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "description": "One event. Give the contact as `contact_uuid` or as `contact` identifiers (at least one is required; `contact_uuid` wins over `contact.uuid`). A contact given by uuid alone must exist (404). Otherwise it is matched by its first identifier in the order uuid, external_id, email, phone, the other identifiers given are stored on it, and it is created (with a `contact_created` event) when nothing matches.",
        "properties": {
          "type": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_.:-]{1,64}$",
            "description": "1 to 64 of `[A-Za-z0-9_.:-]`.",
            "example": "order_placed"
          },
          "contact": {"$ref": "#/components/schemas/ContactIdentifiers"},
          "contact_uuid": {"type": "string", "format": "uuid"},
          "data": {
            "type": "object",
            "additionalProperties": true,
            "description": "At most 64 KiB serialized. Defaults to `{}`."
          },
          "occurred_at": {
            "type": "string",
            "maxLength": 64,
            "description": "ISO-8601 date-time or date; defaults to the time received.",
            "example": "2024-05-10T14:45:00+02:00"
          },
          "idempotency_key": {
            "type": "string",
            "maxLength": 255,
            "description": "Unique per workspace: a repeated key returns the stored event with `duplicate: true`. Empty means none."
          }
        },
        "example": {
          "type": "order_placed",
          "contact": {"email": "ada@example.com"},
          "data": {"order_id": "A-1001", "total": 42.5},
          "idempotency_key": "order-A-1001"
        }
      },
      "EventBatchInput": {
        "type": "object",
        "additionalProperties": false,
        "required": ["events"],
        "properties": {
          "events": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1000,
            "items": {"$ref": "#/components/schemas/EventInput"}
          }
        }
      },
      "IngestedEvent": {
        "type": "object",
        "description": "The acknowledgement of an ingested event, sent after its commit: its identity without its data (read the event back with GET /v1/events).",
        "required": ["uuid", "type", "contact_uuid", "occurred_at", "idempotency_key", "duplicate"],
        "properties": {
          "uuid": {"type": "string", "format": "uuid"},
          "type": {"type": "string"},
          "contact_uuid": {"type": "string", "format": "uuid"},
          "occurred_at": {"type": "string", "format": "date-time"},
          "idempotency_key": {"type": "string", "nullable": true},
          "duplicate": {
            "type": "boolean",
            "description": "True when the idempotency key was seen before: this is the stored event and nothing new was stored."
          }
        }
      },
      "EventIngested": {
        "type": "object",
        "required": ["event"],
        "properties": {"event": {"$ref": "#/components/schemas/IngestedEvent"}}
      },
      "EventsIngested": {
        "type": "object",
        "required": ["events"],
        "properties": {"events": {"type": "array", "items": {"$ref": "#/components/schemas/IngestedEvent"}}}
      },
      "EventPage": {
        "type": "object",
        "required": ["data", "next_cursor"],
        "properties": {
          "data": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
          "next_cursor": {"$ref": "#/components/schemas/NextCursor"}
        }
      },
      "Workspace": {
        "type": "object",
        "required": ["uuid", "name", "active", "created_at"],
        "properties": {
          "uuid": {"type": "string", "format": "uuid"},
          "name": {"type": "string", "example": "Demo"},
          "active": {"type": "boolean"},
          "created_at": {"type": "string", "format": "date-time", "example": "2024-05-10T12:47:38.123Z"}
        }
      },
      "WorkspaceInput": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "properties": {
          "name": {"type": "string", "minLength": 1, "maxLength": 200},
          "uuid": {"type": "string", "format": "uuid", "description": "Generated when absent."}
        }
      },
      "WorkspaceResponse": {
        "type": "object",
        "required": ["workspace"],
        "properties": {"workspace": {"$ref": "#/components/schemas/Workspace"}}
      },
      "WorkspaceList": {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Workspace"}}}
      },
      "Credential": {
        "type": "object",
        "required": ["id", "kind", "label", "created_at", "revoked_at"],
        "properties": {
          "id": {"type": "integer", "format": "int64", "minimum": 1},
          "kind": {"type": "string", "enum": ["oauth", "apikey", "keypair"]},
          "label": {"type": "string"},
          "created_at": {"type": "string", "format": "date-time", "example": "2024-05-10T12:47:38.123Z"},
          "client_id": {
            "type": "string",
            "description": "oauth only: the OAuth2 client_id (the id as text).",
            "example": "12"
          },
          "key_prefix": {
            "type": "string",
            "description": "apikey only: the first 12 characters of the key.",
            "example": "rvk_AbCdEfGh"
          },
          "public_key": {
            "type": "string",
            "description": "keypair only: the PublicKey header value.",
            "example": "pk_0123456789abcdef0123456789abcdef"
          },
          "revoked_at": {"type": "string", "format": "date-time", "nullable": true}
        }
      },
      "CredentialInput": {
        "type": "object",
        "additionalProperties": false,
        "required": ["kind"],
        "properties": {
          "kind": {
            "type": "string",
            "enum": ["oauth", "apikey", "keypair"],
            "description": "oauth: an OAuth2 client for `POST /oauth/token`; apikey: a bearer API key; keypair: PublicKey/SecretKey headers."
          },
          "label": {"type": "string", "maxLength": 200}
        },
        "example": {"kind": "apikey", "label": "CRM sync"}
      },
      "CredentialCreated": {
        "description": "A credential with its secret, shown only once: `client_secret` for oauth, `api_key` for apikey, `secret_key` for keypair.",
        "allOf": [
          {"$ref": "#/components/schemas/Credential"},
          {
            "type": "object",
            "properties": {
              "client_secret": {"type": "string", "description": "oauth only."},
              "api_key": {
                "type": "string",
                "description": "apikey only: the whole key (`rvk_…`), used as a bearer token."
              },
              "secret_key": {"type": "string", "description": "keypair only: the SecretKey header value (`sk_…`)."}
            }
          }
        ]
      },
      "CredentialCreatedResponse": {
        "type": "object",
        "required": ["credential"],
        "properties": {"credential": {"$ref": "#/components/schemas/CredentialCreated"}}
      },
      "CredentialList": {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Credential"}}}
      },
      "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
          "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
              "code": {
                "type": "string",
                "enum": [
                  "invalid_argument",
                  "not_found",
                  "already_exists",
                  "unauthenticated",
                  "permission_denied",
                  "failed_precondition",
                  "payload_too_large",
                  "unsupported_media_type",
                  "resource_exhausted",
                  "unavailable",
                  "internal"
                ],
                "description": "Determines the status: invalid_argument 400, unauthenticated 401, permission_denied 403, not_found 404, already_exists 409, failed_precondition 409, payload_too_large 413, unsupported_media_type 415, resource_exhausted 429, internal 500, unavailable 503."
              },
              "message": {"type": "string"},
              "fields": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Field path → problem; present only when specific fields are at fault."
              },
              "request_id": {
                "type": "string",
                "description": "The request's X-Request-Id (absent for malformed or oversized requests and handler time-outs)."
              }
            }
          }
        },
        "example": {
          "error": {
            "code": "invalid_argument",
            "message": "email is not an e-mail address",
            "fields": {"email": "is not an e-mail address"},
            "request_id": "7d1a-9b4f-5e6d7c8b9a01"
          }
        }
      },
      "TokenRequest": {
        "type": "object",
        "required": ["grant_type", "client_id", "client_secret"],
        "properties": {
          "grant_type": {"type": "string", "enum": ["client_credentials"]},
          "client_id": {
            "oneOf": [{"type": "string", "maxLength": 64}, {"type": "integer", "format": "int64", "minimum": 1}],
            "description": "The OAuth client credential's id; a JSON number is accepted too."
          },
          "client_secret": {"type": "string", "maxLength": 512}
        }
      },
      "TokenResponse": {
        "type": "object",
        "required": ["token_type", "expires_in", "access_token"],
        "properties": {
          "token_type": {"type": "string", "enum": ["Bearer"]},
          "expires_in": {
            "type": "integer",
            "format": "int64",
            "description": "Seconds until the token expires (3600 unless configured otherwise)."
          },
          "access_token": {"type": "string", "description": "`rvt_…`; send as `Authorization: Bearer <access_token>`."}
        }
      },
      "OAuthError": {
        "type": "object",
        "required": ["error", "error_description"],
        "description": "RFC 6749 §5.2 error body.",
        "properties": {
          "error": {
            "type": "string",
            "enum": ["invalid_request", "invalid_client", "unsupported_grant_type", "server_error"]
          },
          "error_description": {"type": "string"}
        },
        "example": {"error": "invalid_client", "error_description": "invalid credentials"}
      },
      "Health": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["ok"]}}},
      "Readiness": {
        "type": "object",
        "required": ["status", "database", "write_queue_depth"],
        "properties": {
          "status": {"type": "string", "enum": ["ready", "unavailable"]},
          "database": {"type": "string", "description": "`ok`, or the error the database read gave."},
          "write_queue_depth": {"type": "integer", "format": "int64", "description": "Writes queued for the next group commit."}
        }
      }
    },
    "parameters": {
      "ContactRef": {
        "name": "ref",
        "in": "path",
        "required": true,
        "description": "The contact: its uuid, an e-mail address (bare, or `email:…`), `phone:…` or `external_id:…`. Percent-encode reserved characters (`+` is taken literally in the path); `/` cannot be used.",
        "schema": {"type": "string"},
        "examples": {
          "uuid": {"value": "0190a6f4-3c2e-7d1a-9b4f-5e6d7c8b9a01"},
          "email": {"value": "ada@example.com"},
          "emailPrefixed": {"value": "email:ada@example.com"},
          "phone": {"value": "phone:+31612345678"},
          "externalId": {"value": "external_id:user-1842"}
        }
      },
      "WorkspaceUuid": {
        "name": "uuid",
        "in": "path",
        "required": true,
        "description": "The workspace's uuid.",
        "schema": {"type": "string", "format": "uuid"}
      },
      "CredentialId": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "The credential's id.",
        "schema": {"type": "integer", "format": "int64", "minimum": 1}
      },
      "Limit": {
        "name": "limit",
        "in": "query",
        "description": "Page size.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}
      },
      "Cursor": {
        "name": "cursor",
        "in": "query",
        "description": "`next_cursor` of the previous page; absent for the first page.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"}
      },
      "EventType": {
        "name": "type",
        "in": "query",
        "description": "Only events of this type.",
        "schema": {"type": "string", "maxLength": 64}
      },
      "WorkspaceHeader": {
        "name": "X-Rivulet-Workspace",
        "in": "header",
        "required": false,
        "description": "The uuid of the workspace to act on. Needed when the credential is bound to several workspaces or is an admin credential; otherwise its only workspace is used.",
        "schema": {"type": "string", "format": "uuid"}
      },
      "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": false,
        "description": "For a single event without `idempotency_key`: used as its key. At most 255 bytes. Ignored for batches.",
        "schema": {"type": "string", "maxLength": 255}
      }
    },
    "responses": {
      "BadRequest": {
        "description": "invalid_argument: a malformed body or query, an unknown or invalid field (see `error.fields`), or a workspace header problem (malformed uuid, or needed and missing).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      },
      "Unauthorized": {
        "description": "unauthenticated: missing, malformed, wrong or revoked credentials, or an expired access token.",
        "headers": {"WWW-Authenticate": {"description": "`Bearer`.", "schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      },
      "AdminOnly": {
        "description": "permission_denied: the operation needs an admin credential.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      },
      "PayloadTooLarge": {
        "description": "payload_too_large: the body exceeds the limit (1 MiB by default), or a form has more than 1,000 fields.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      },
      "UnsupportedMediaType": {
        "description": "unsupported_media_type: the Content-Type is not JSON, x-www-form-urlencoded or multipart/form-data.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      },
      "MethodNotAllowed": {
        "description": "The path exists, but not with this method. Not listed per operation: any method a path does not document gets it. The body is the path's usual error body (code `invalid_argument`; `/oauth/token` uses the RFC 6749 body).",
        "headers": {
          "Allow": {"description": "The methods the path supports, e.g. `POST, GET`.", "schema": {"type": "string"}}
        },
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      },
      "OtherError": {
        "description": "resource_exhausted 429 (the write queue is full; retry later), internal 500, or unavailable 503 (retry later; also a handler time-out).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      }
    },
    "headers": {
      "CacheControlNoStore": {"description": "`no-store`.", "schema": {"type": "string", "enum": ["no-store"]}}
    },
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "`Authorization: Bearer <token>`: an OAuth2 access token from `POST /oauth/token` (`rvt_…`) or an API key (`rvk_…`)."
      },
      "PublicKey": {
        "type": "apiKey",
        "in": "header",
        "name": "PublicKey",
        "description": "The public half of a key pair (`pk_…`); send with SecretKey."
      },
      "SecretKey": {
        "type": "apiKey",
        "in": "header",
        "name": "SecretKey",
        "description": "The secret half of a key pair (`sk_…`); send with PublicKey."
      }
    }
  }
})json";
}
#endif
