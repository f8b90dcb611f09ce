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
    "description": "Rivulet's own API under `/v1` (contacts, events, automations and their tokens, senders, templates, channel settings, bounce reports, workspaces and credentials), the public tracking links under `/t` that sent e-mails carry, and the system endpoints (`/healthz`, `/readyz`, `/metrics`, `POST /oauth/token`). This document is served at `GET /v1/openapi.json`.\n\n## Authentication\nEvery `/v1` operation except `GET /v1/openapi.json` needs a credential, in one of two forms:\n- `Authorization: Bearer <token>`, where the token is an OAuth2 access token from `POST /oauth/token` (`rvt_…`) or an API key (`rvk_…`).\n- The `PublicKey` and `SecretKey` headers of a key pair. When a `PublicKey` header is present the key pair is used (and `Authorization` is not looked at); both headers are then required.\n\nMissing, wrong or revoked credentials and expired access tokens are 401 `unauthenticated` with `WWW-Authenticate: Bearer`.\n\n## Workspaces\nContact, event, automation, token, sender, template, setting and bounce operations act on one workspace. A credential bound to exactly one workspace acts on it; otherwise (a credential bound to several workspaces, or an admin credential, which is bound to none) name the workspace by its uuid in the optional `X-Rivulet-Workspace` header. A malformed uuid, or no header when one is needed: 400 `invalid_argument`; an unknown workspace: 404 `not_found`; a workspace the credential may not act on: 403 `permission_denied`. Admin credentials may act on any workspace. Workspace and credential management (`/v1/workspaces…`, `/v1/credentials/{id}`) needs an admin credential (403 `permission_denied` otherwise) and does not use the header.\n\n## Request bodies\nEvery operation that reads a body accepts `application/json` (also `text/json`, or no `Content-Type`), `application/x-www-form-urlencoded` and `multipart/form-data`; any other type is 415 `unsupported_media_type`. A blank body (other than multipart) is an empty object. JSON must be valid UTF-8 and nested at most 32 levels (configurable). Form bodies (and query strings) use PHP bracket notation: `attributes[plan]=pro`, `tags[]=vip&tags[]=beta` (or `tags[0]=vip&tags[1]=beta`), `contact[email]=ada@example.com`, `data[order][id]=42`, `events[0][type]=signup`. Form values are always strings: where a number or boolean is expected its text is accepted (`limit=10`, `subscribed=true` or `1`), but attribute and event data values stay strings. A form may hold at most 1,000 fields (413). A multipart part with a filename becomes an object `{\"filename\",\"content_type\",\"content\"}` and must be UTF-8 text. Bodies are limited to 1 MiB by default (configurable); `POST /v1/events` allows 8 MiB, `POST /v1/automations` and `PUT /v1/automations/{uuid}` 4 MiB and `POST /v1/contacts/batch` 32 MiB; a larger body is 413 `payload_too_large`. Unknown fields are rejected with 400 unless an operation says otherwise.\n\n## Errors\nErrors use one envelope: `{\"error\":{\"code\":\"…\",\"message\":\"…\",\"fields\":{\"<field path>\":\"<problem>\"},\"request_id\":\"…\"}}`. `fields` is present only when specific fields are at fault, keyed by path (`email`, `contacts[3].email`, `events[0].contact`, `steps.<step uuid>`). The code determines the HTTP status: `invalid_argument` 400, `unauthenticated` 401, `permission_denied` 403, `not_found` 404, `already_exists` 409, `failed_precondition` 409, `payload_too_large` 413, `unsupported_media_type` 415, `resource_exhausted` 429 (the write queue is full; retry later), `internal` 500, `unavailable` 503 (retry later; also when a handler times out). An unknown path is 404 `not_found`. A known path with a method it does not support is 405 with an `Allow` header listing the methods it supports, in the path's usual error body (see the `MethodNotAllowed` response). `POST /oauth/token` answers with the RFC 6749 error body instead (`OAuthError`).\n\n## Request ids\nEvery response from the router or a handler carries `X-Request-Id`: the request's own `X-Request-Id` header when it is at most 64 characters of `[A-Za-z0-9-_.]`, otherwise a generated id. Error envelopes repeat it as `request_id`. (Errors for malformed or oversized requests and handler time-outs have no request id.)\n\n## Pagination\nContact, event and automation lists are ordered by creation and paginated by key: pass the previous page's `next_cursor` as `cursor`. `next_cursor` is null when the page held fewer than `limit` items; a full last page is followed by an empty one. Senders, templates and settings are listed whole.\n\n## Timestamps\nResponses give times in UTC with milliseconds (`2024-05-10T12:47:38.123Z`). Inputs accept RFC 3339 / ISO-8601 date-times (`YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]`, a space may replace `T`, no zone means UTC) and plain dates (`YYYY-MM-DD`, midnight UTC).\n\n## Automations\nAn automation (schema `Automation`) is a graph of steps joined by connections; each contact's run through it is a token. A token starts at the entry step (the one step without incoming connections), runs it, and follows the connection from that step whose `branch` names the outcome; when there is none the token ends, COMPLETED (ERROR for the `error` branch). More than 64 steps in a row without waiting end it in ERROR. Tokens start with `POST /v1/automations/{uuid}/tokens`, or when a recorded event matches one of the automation's `triggers`. Messages (e-mails, SMS, webhook calls) go through an outbox with retries: up to 8 attempts, backing off from 5 seconds to an hour; SMTP 4xx, HTTP 408, 425, 429 and 5xx and network errors are retried, other failures are final.\n\nThe lifecycle, moved by `POST /v1/automations/{uuid}/status`: DRAFT → COMMITTED or TO_DELETE; COMMITTED → RUNNING, DRAFT or TO_DELETE; RUNNING → PAUSED, TO_ARCHIVE or ERROR; PAUSED → RUNNING, TO_ARCHIVE, DRAFT or TO_DELETE; ERROR → PAUSED, DRAFT, TO_ARCHIVE or TO_DELETE; ARCHIVED → TO_DELETE. Any other move is 409 `failed_precondition`. Only RUNNING automations run tokens and are entered by triggers; COMMITTED and PAUSED ones accept enrollments, whose tokens wait. Only DRAFT and PAUSED automations can be replaced, and a RUNNING one cannot be deleted.\n\nCreate and replace check only the document's shape; moving to COMMITTED or RUNNING validates the automation: at least one step and exactly one entry step, every step reachable from it, step settings that fit their type (see the `…Step` schemas), branches that fit each step type with every AB variant connected, no branch connected twice and no step connected to itself, AB weights summing to 100, conditions and templates that parse, senders and templates that exist in the workspace, valid trigger event types, `end_date` after `start_date`, and no cycle without a wait step.\n\n## Conditions\nTrigger and exit conditions and WAIT_AND_CHECK and WAIT_FOR_TRIGGER steps use one JSON condition language (schema `Condition`): `{\"all\": [c, …]}` (true when every c is; `[]` is true), `{\"any\": [c, …]}` (`[]` is false), `{\"not\": c}`, and leaves `{\"field\": \"<path>\", \"op\": \"<op>\", \"value\": <json>}`; at most 16 levels and 256 nodes. A path is dot-separated keys into the context (`contact.attributes.plan`, `event.data.total`, `messages.<step uuid>.opened`); a segment of digits also indexes an array (`event.data.items.0.sku`); keys that contain a dot cannot be addressed. Operators: `eq`, `neq`: JSON equality; numbers compare by value (1 equals 1.0) but never equal a string (\"1\"). `gt`, `gte`, `lt`, `lte`: two numbers numerically, two strings bytewise, anything else is false. `contains`: a string field holds the string value, or an array field holds an element equal to the value; case-sensitive. `in`: the value is an array holding the field's value. `exists`: the field is present and not null; with `\"value\": false`, absent or null. `before`, `after`: the field is an ISO-8601 date-time or date, or a number of Unix milliseconds; the value an ISO-8601 time, or `now`, `now-7d`, `now+2h`, `now-30m`, `now-45s`, `now+1w` relative to the time of evaluation; a field that is not a time makes both false. A missing field makes every operator false except `neq` and `exists` with `false`, which are true. Trigger and WAIT_FOR_TRIGGER conditions see `{\"contact\", \"event\"}` for the event at hand; exit and WAIT_AND_CHECK conditions see the token's context (see Templates) without `unsubscribe_url`.\n\n## Templates\nSubjects, HTML and text bodies, SMS texts and webhook bodies are Mustache templates, rendered against the token's context:\n```\n{\n  \"contact\": {…its attributes…, \"attributes\": {…}, \"uuid\", \"email\", \"phone\", \"external_id\", \"tags\": […], \"timezone\"},\n  \"event\": {\"type\", \"uuid\", \"data\": {…}, \"occurred_at\": <Unix ms>},\n  \"run\": {\"data\": …},\n  \"token\": {\"uuid\"},\n  \"automation\": {\"uuid\", \"name\"},\n  \"messages\": {\"<step uuid>\": {\"delivered\", \"opened\", \"clicked\", \"bounced\", \"unsubscribed\"}},\n  \"unsubscribe_url\": \"…\"\n}\n```\nThe contact's attributes appear at its top level (`{{contact.first_name}}`) and under `attributes`; its own fields win over attributes of the same name. `event` is the event that started the token, or the one that ended a WAIT_FOR_TRIGGER step by `triggered`; `{}` for a token started through the API. `run.data` is the enrollment's `data` (`{}` for a triggered token). `messages` holds this token's messages by step, as booleans (`delivered`: sent). `unsubscribe_url` is the message's own signed unsubscribe link, in message templates only. Names are dot-separated paths (a digit segment indexes an array); the first segment is looked up from the innermost section outwards. `{{x}}` escapes HTML in HTML bodies only; `{{{x}}}` and `{{& x}}` never escape. Strings render as they are, integers without a fraction, other numbers in shortest form, booleans as true or false, objects and arrays as compact JSON, null and missing names as nothing. A section is skipped for a missing name, null, false, \"\" and [], repeats over a non-empty array, and otherwise renders once with the value as the current item (`{{.}}`); inverted sections, comments and set-delimiter tags work as in the Mustache spec; partials are rejected. A template is at most 256 KiB and renders at most 1 MiB. One that does not parse is reported at validation; one that fails to render ends the token in ERROR.\n\n## Tracking\nSent e-mails carry links outside `/v1` that are served without credentials (tag Tracking): the open pixel `/t/o/<message uuid>.gif`, click redirects `/t/c/<message uuid>?u=<target>` and the unsubscribe page `/t/u/<message uuid>`, each signed in `s` (HMAC-SHA256 under a key Rivulet keeps in its database). They start with the configured public base URL. Their errors, 404 and 405 included, are small HTML pages rather than the JSON envelope."
  },
  "tags": [
    {"name": "Contacts", "description": "People in a workspace, their attributes, tags and subscriptions."},
    {"name": "Events", "description": "Things that happened to contacts; idempotent ingestion."},
    {"name": "Workspaces", "description": "Tenants. Admin credentials only."},
    {"name": "Credentials", "description": "OAuth2 clients, API keys and key pairs. Admin credentials only."},
    {"name": "System", "description": "Health, readiness, metrics and this document. No authentication."},
    {"name": "OAuth", "description": "The OAuth2 client-credentials grant (RFC 6749 §4.4)."},
    {
      "name": "Automations",
      "description": "Journeys: steps joined by connections, entered by triggers or enrollment; their lifecycle and counters."
    },
    {"name": "Tokens", "description": "One contact's run through one automation."},
    {"name": "Senders", "description": "From identities for e-mail steps."},
    {"name": "Templates", "description": "Reusable message bodies (Mustache)."},
    {
      "name": "Settings",
      "description": "Channel settings: SMTP, SMS gateway, webhook signing. Secrets are masked in responses."
    },
    {"name": "Bounces", "description": "Bounce reports from mail servers and ESP webhooks."},
    {
      "name": "Tracking",
      "description": "The signed links in sent e-mails: open pixel, click redirect, unsubscribe. Outside `/v1`, no credentials; errors are HTML pages."
    }
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
    "/v1/automations": {
      "get": {
        "tags": ["Automations"],
        "operationId": "listAutomations",
        "summary": "List automations",
        "description": "Automations of the workspace in creation order, optionally only those in some statuses. Unknown query parameters are 400.",
        "parameters": [
          {"$ref": "#/components/parameters/WorkspaceHeader"},
          {
            "name": "status",
            "in": "query",
            "description": "Only automations in one of these statuses: repeat the parameter (`status=RUNNING&status=PAUSED`) or use brackets (`status[]=RUNNING&status[]=PAUSED`).",
            "style": "form",
            "explode": true,
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/AutomationStatus"}}
          },
          {"$ref": "#/components/parameters/Limit"},
          {"$ref": "#/components/parameters/Cursor"}
        ],
        "responses": {
          "200": {
            "description": "A page of automations.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AutomationPage"}}}
          },
          "400": {
            "description": "invalid_argument: an unknown query parameter, a `status` that is not an automation status (field `status`), `limit` outside 1..1000 or a non-integer `cursor`; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "post": {
        "tags": ["Automations"],
        "operationId": "createAutomation",
        "summary": "Create an automation",
        "description": "Stores a new automation in status DRAFT. `status`, `created_at`, `updated_at` and `statistics` in the body are ignored, so that a document read from this API can be posted again. Only the document's shape is checked here (field types and lengths, step types, uuids, a known `timezone`); the graph and the step settings are validated when the automation moves to COMMITTED or RUNNING (see `POST /v1/automations/{uuid}/status`). Steps without a uuid get one. The body may be up to 4 MiB. Form bodies are parsed too (see Request bodies), but form values are strings, which the step settings that take numbers (`delay_seconds`, `weight`, `credits`…) reject when the automation is validated: send JSON.",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": true,
          "description": "The automation document.",
          "content": {
            "application/json": {
              "schema": {"$ref": "#/components/schemas/AutomationInput"},
              "example": {
                "name": "Welcome",
                "description": "Greets new pro sign-ups; texts those who do not open the mail within two days.",
                "timezone": "Europe/Amsterdam",
                "triggers": [
                  {
                    "event_type": "signup",
                    "condition": {"field": "event.data.plan", "op": "in", "value": ["pro", "team"]}
                  }
                ],
                "unique_token": true,
                "exit_condition": {"field": "contact.attributes.churned", "op": "eq", "value": true},
                "unsubscribe_group": "onboarding",
                "steps": [
                  {
                    "uuid": "0190a700-0001-7000-8000-000000000001",
                    "type": "CLAB_CAMPAIGN",
                    "name": "Welcome mail",
                    "settings": {
                      "sender_uuid": "0190a6ff-5555-7000-8000-000000000005",
                      "template_uuid": "0190a6ff-6666-7000-8000-000000000006"
                    }
                  },
                  {
                    "uuid": "0190a700-0002-7000-8000-000000000002",
                    "type": "WAIT_AND_CHECK",
                    "name": "Opened within two days?",
                    "settings": {
                      "delay_seconds": 172800,
                      "condition": {
                        "field": "messages.0190a700-0001-7000-8000-000000000001.opened",
                        "op": "eq",
                        "value": true
                      }
                    }
                  },
                  {
                    "uuid": "0190a700-0003-7000-8000-000000000003",
                    "type": "TAG",
                    "name": "Engaged",
                    "settings": {"add": ["engaged"]}
                  },
                  {
                    "uuid": "0190a700-0004-7000-8000-000000000004",
                    "type": "CLAB_CAMPAIGN_SMS",
                    "name": "Nudge",
                    "settings": {
                      "text": "Hi {{contact.first_name}}, your {{event.data.plan}} account is ready: {{automation.name}}"
                    }
                  }
                ],
                "connections": [
                  {
                    "from": "0190a700-0001-7000-8000-000000000001",
                    "to": "0190a700-0002-7000-8000-000000000002",
                    "branch": "default"
                  },
                  {
                    "from": "0190a700-0002-7000-8000-000000000002",
                    "to": "0190a700-0003-7000-8000-000000000003",
                    "branch": "yes"
                  },
                  {
                    "from": "0190a700-0002-7000-8000-000000000002",
                    "to": "0190a700-0004-7000-8000-000000000004",
                    "branch": "no"
                  }
                ]
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created, in status DRAFT.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/AutomationResponse"},
                "example": {
                  "automation": {
                    "uuid": "0190a700-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
                    "name": "Welcome",
                    "description": "Greets new pro sign-ups; texts those who do not open the mail within two days.",
                    "category": "Custom",
                    "author": "",
                    "status": "DRAFT",
                    "timezone": "Europe/Amsterdam",
                    "start_date": null,
                    "end_date": null,
                    "triggers": [
                      {
                        "event_type": "signup",
                        "condition": {"field": "event.data.plan", "op": "in", "value": ["pro", "team"]}
                      }
                    ],
                    "unique_token": true,
                    "allow_reentry": true,
                    "exit_condition": {"field": "contact.attributes.churned", "op": "eq", "value": true},
                    "unsubscribe_group": "onboarding",
                    "steps": [
                      {
                        "uuid": "0190a700-0001-7000-8000-000000000001",
                        "type": "CLAB_CAMPAIGN",
                        "name": "Welcome mail",
                        "settings": {
                          "sender_uuid": "0190a6ff-5555-7000-8000-000000000005",
                          "template_uuid": "0190a6ff-6666-7000-8000-000000000006"
                        }
                      },
                      {
                        "uuid": "0190a700-0002-7000-8000-000000000002",
                        "type": "WAIT_AND_CHECK",
                        "name": "Opened within two days?",
                        "settings": {
                          "delay_seconds": 172800,
                          "condition": {
                            "field": "messages.0190a700-0001-7000-8000-000000000001.opened",
                            "op": "eq",
                            "value": true
                          }
                        }
                      },
                      {
                        "uuid": "0190a700-0003-7000-8000-000000000003",
                        "type": "TAG",
                        "name": "Engaged",
                        "settings": {"add": ["engaged"]}
                      },
                      {
                        "uuid": "0190a700-0004-7000-8000-000000000004",
                        "type": "CLAB_CAMPAIGN_SMS",
                        "name": "Nudge",
                        "settings": {
                          "text": "Hi {{contact.first_name}}, your {{event.data.plan}} account is ready: {{automation.name}}"
                        }
                      }
                    ],
                    "connections": [
                      {
                        "from": "0190a700-0001-7000-8000-000000000001",
                        "to": "0190a700-0002-7000-8000-000000000002",
                        "branch": "default"
                      },
                      {
                        "from": "0190a700-0002-7000-8000-000000000002",
                        "to": "0190a700-0003-7000-8000-000000000003",
                        "branch": "yes"
                      },
                      {
                        "from": "0190a700-0002-7000-8000-000000000002",
                        "to": "0190a700-0004-7000-8000-000000000004",
                        "branch": "no"
                      }
                    ],
                    "created_at": "2024-05-10T12:47:38.123Z",
                    "updated_at": "2024-05-10T12:47:38.123Z"
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: a malformed or unknown field (paths like `steps[2].type`, `triggers[0].event_type`, `connections[1].from`), `name` missing or over 200 bytes, an unknown step type or time zone, a date that is not ISO-8601, `settings` or a condition that is not an object, or more than 20 triggers, 500 steps or 2,000 connections; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "409": {
            "description": "already_exists: an automation with this uuid exists.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {
            "description": "payload_too_large: the body exceeds 4 MiB, or a form has more than 1,000 fields.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/automations/{uuid}": {
      "parameters": [{"$ref": "#/components/parameters/AutomationUuid"}],
      "get": {
        "tags": ["Automations"],
        "operationId": "getAutomation",
        "summary": "Get an automation",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "responses": {
          "200": {
            "description": "The automation.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/AutomationResponse"},
                "example": {
                  "automation": {
                    "uuid": "0190a700-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
                    "name": "Welcome",
                    "description": "Greets new pro sign-ups; texts those who do not open the mail within two days.",
                    "category": "Custom",
                    "author": "",
                    "status": "DRAFT",
                    "timezone": "Europe/Amsterdam",
                    "start_date": null,
                    "end_date": null,
                    "triggers": [
                      {
                        "event_type": "signup",
                        "condition": {"field": "event.data.plan", "op": "in", "value": ["pro", "team"]}
                      }
                    ],
                    "unique_token": true,
                    "allow_reentry": true,
                    "exit_condition": {"field": "contact.attributes.churned", "op": "eq", "value": true},
                    "unsubscribe_group": "onboarding",
                    "steps": [
                      {
                        "uuid": "0190a700-0001-7000-8000-000000000001",
                        "type": "CLAB_CAMPAIGN",
                        "name": "Welcome mail",
                        "settings": {
                          "sender_uuid": "0190a6ff-5555-7000-8000-000000000005",
                          "template_uuid": "0190a6ff-6666-7000-8000-000000000006"
                        }
                      },
                      {
                        "uuid": "0190a700-0002-7000-8000-000000000002",
                        "type": "WAIT_AND_CHECK",
                        "name": "Opened within two days?",
                        "settings": {
                          "delay_seconds": 172800,
                          "condition": {
                            "field": "messages.0190a700-0001-7000-8000-000000000001.opened",
                            "op": "eq",
                            "value": true
                          }
                        }
                      },
                      {
                        "uuid": "0190a700-0003-7000-8000-000000000003",
                        "type": "TAG",
                        "name": "Engaged",
                        "settings": {"add": ["engaged"]}
                      },
                      {
                        "uuid": "0190a700-0004-7000-8000-000000000004",
                        "type": "CLAB_CAMPAIGN_SMS",
                        "name": "Nudge",
                        "settings": {
                          "text": "Hi {{contact.first_name}}, your {{event.data.plan}} account is ready: {{automation.name}}"
                        }
                      }
                    ],
                    "connections": [
                      {
                        "from": "0190a700-0001-7000-8000-000000000001",
                        "to": "0190a700-0002-7000-8000-000000000002",
                        "branch": "default"
                      },
                      {
                        "from": "0190a700-0002-7000-8000-000000000002",
                        "to": "0190a700-0003-7000-8000-000000000003",
                        "branch": "yes"
                      },
                      {
                        "from": "0190a700-0002-7000-8000-000000000002",
                        "to": "0190a700-0004-7000-8000-000000000004",
                        "branch": "no"
                      }
                    ],
                    "created_at": "2024-05-10T12:47:38.123Z",
                    "updated_at": "2024-05-10T12:47:38.123Z"
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: `uuid` is not a uuid (field `uuid`); or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: no such automation in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "put": {
        "tags": ["Automations"],
        "operationId": "replaceAutomation",
        "summary": "Replace an automation",
        "description": "Replaces the automation's document: everything but its `uuid` (the path's; one in the body is ignored), `status` and `created_at`. Only a DRAFT or PAUSED automation can be replaced. Checked as on create; the graph is validated on the next move to COMMITTED or RUNNING. Fields left out take their defaults and steps without a uuid get a new one: when replacing a PAUSED automation, keep the uuids of the steps tokens stand on, or those tokens end in ERROR when they resume. The body may be up to 4 MiB. Form bodies are parsed too (see Request bodies), but form values are strings, which the step settings that take numbers (`delay_seconds`, `weight`, `credits`…) reject when the automation is validated: send JSON.",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": true,
          "description": "The new document.",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AutomationInput"}}}
        },
        "responses": {
          "200": {
            "description": "The automation after the change.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AutomationResponse"}}}
          },
          "400": {
            "description": "invalid_argument: a malformed or unknown field (paths like `steps[2].type`, `triggers[0].event_type`, `connections[1].from`), `name` missing or over 200 bytes, an unknown step type or time zone, a date that is not ISO-8601, `settings` or a condition that is not an object, or more than 20 triggers, 500 steps or 2,000 connections, or a bad `uuid`; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: no such automation in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "409": {
            "description": "failed_precondition: the automation is neither DRAFT nor PAUSED (\"a RUNNING automation cannot be edited; pause it first\").",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {
            "description": "payload_too_large: the body exceeds 4 MiB, or a form has more than 1,000 fields.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "delete": {
        "tags": ["Automations"],
        "operationId": "deleteAutomation",
        "summary": "Delete an automation",
        "description": "Deletes the automation with its tokens and their messages. A RUNNING automation must be paused first.",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "responses": {
          "204": {"description": "Deleted."},
          "400": {
            "description": "invalid_argument: `uuid` is not a uuid (field `uuid`); or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: no such automation in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "409": {
            "description": "failed_precondition: the automation is RUNNING; pause it first.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/automations/{uuid}/status": {
      "parameters": [{"$ref": "#/components/parameters/AutomationUuid"}],
      "post": {
        "tags": ["Automations"],
        "operationId": "changeAutomationStatus",
        "summary": "Change an automation's status or name",
        "description": "Moves the automation along its lifecycle and/or renames it; both fields are optional (a blank body changes only `updated_at`). The legal moves are listed under Automations above; asking for the current status is no move (nothing is validated), any other illegal move is 409. Moving to COMMITTED or RUNNING validates the automation, its step settings and the senders and templates they name first: every problem is reported in `error.fields`, keyed `steps.<step uuid>` for a step's problems (joined with `; `) and `automation` for the others, and nothing changes. PAUSED → RUNNING with `remove_expired_customers: true` first exits the tokens whose wait ended while the automation was paused (counted as `exited`). TO_ARCHIVE exits every active token and answers with the automation in ARCHIVED; TO_DELETE deletes the automation with its tokens and messages and answers with its last state, in TO_DELETE. Once RUNNING, the tokens that are due run. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": false,
          "description": "The change.",
          "content": {
            "application/json": {
              "schema": {"$ref": "#/components/schemas/AutomationStatusChange"},
              "example": {"status": "RUNNING"}
            },
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/AutomationStatusChange"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/AutomationStatusChange"}}
          }
        },
        "responses": {
          "200": {
            "description": "The automation after the change.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AutomationResponse"}}}
          },
          "400": {
            "description": "invalid_argument: the automation cannot run (fields `steps.<step uuid>` and `automation`, see the example); `status` not an automation status, `name` empty or over 200 bytes, `remove_expired_customers` not a boolean, an unknown field or a bad `uuid`; or a workspace header problem.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "example": {
                  "error": {
                    "code": "invalid_argument",
                    "message": "the automation cannot run: trigger event type 'sign up' is invalid (and 1 more problems)",
                    "fields": {
                      "automation": "trigger event type 'sign up' is invalid",
                      "steps.0190a700-0002-7000-8000-000000000002": "branch 'maybe' does not fit a WAIT_AND_CHECK step (allowed: yes, no)"
                    },
                    "request_id": "7d1a-9b4f-5e6d7c8b9a01"
                  }
                }
              }
            }
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: no such automation in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "409": {
            "description": "failed_precondition: the move is not legal (field `status`: `illegal transition`), e.g. DRAFT → RUNNING without COMMITTED.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "example": {
                  "error": {
                    "code": "failed_precondition",
                    "message": "cannot change status from DRAFT to RUNNING",
                    "fields": {"status": "illegal transition"},
                    "request_id": "7d1a-9b4f-5e6d7c8b9a01"
                  }
                }
              }
            }
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/automations/{uuid}/statistics": {
      "parameters": [{"$ref": "#/components/parameters/AutomationUuid"}],
      "get": {
        "tags": ["Automations"],
        "operationId": "getAutomationStatistics",
        "summary": "An automation's counters",
        "description": "The automation's counters and each step's. The engine moves them in the same transactions as the changes they count. A counter that never moved is absent, and so is a step without counters.",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "responses": {
          "200": {
            "description": "The counters.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/AutomationStatistics"},
                "example": {
                  "automation": {
                    "entered": 120,
                    "completed": 97,
                    "exited": 3,
                    "errors": 1,
                    "sent": 184,
                    "delivered": 184,
                    "opens": 131,
                    "unique_opens": 88,
                    "clicks": 40,
                    "unique_clicks": 31,
                    "bounces": 2,
                    "unsubscribes": 1
                  },
                  "steps": {
                    "0190a700-0001-7000-8000-000000000001": {
                      "entered": 120,
                      "completed": 118,
                      "sent": 118,
                      "delivered": 118,
                      "errors": 1,
                      "opens": 131,
                      "unique_opens": 88,
                      "clicks": 40,
                      "unique_clicks": 31,
                      "bounces": 2,
                      "unsubscribes": 1
                    },
                    "0190a700-0002-7000-8000-000000000002": {"entered": 118, "completed": 99},
                    "0190a700-0003-7000-8000-000000000003": {"entered": 63, "completed": 63},
                    "0190a700-0004-7000-8000-000000000004": {
                      "entered": 36,
                      "completed": 36,
                      "sent": 34,
                      "delivered": 34,
                      "skipped": 2
                    }
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: `uuid` is not a uuid (field `uuid`); or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: no such automation in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/automations/{uuid}/tokens": {
      "parameters": [{"$ref": "#/components/parameters/AutomationUuid"}],
      "post": {
        "tags": ["Automations", "Tokens"],
        "operationId": "enrollContact",
        "summary": "Enroll a contact",
        "description": "Starts a token of the automation for one contact at the entry step, with `data` as its run data (`run.data` in templates and conditions; its `event` is empty). The contact is found by its first identifier that matches, in the order uuid, external_id, email, phone, and is not changed; when none matches it is created with the identifiers given (with a `contact_created` event), except that a contact given by uuid alone must exist. The token is due at once (at `start_date` when that is later) and runs when the automation is RUNNING; in a COMMITTED or PAUSED automation it waits until then. In this response `contact_uuid` is an empty string: read the token with `GET /v1/tokens/{uuid}` for it. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": true,
          "description": "The contact and the run data.",
          "content": {
            "application/json": {
              "schema": {"$ref": "#/components/schemas/EnrollmentInput"},
              "example": {"contact": {"email": "ada@example.com"}, "data": {"coupon": "WELCOME10"}}
            },
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/EnrollmentInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/EnrollmentInput"}}
          }
        },
        "responses": {
          "201": {
            "description": "Started: `status` ACTIVE, `phase` enter, `wake_at` when it is due.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/AutomationTokenResponse"},
                "example": {
                  "token": {
                    "uuid": "0190a702-2b3c-7d4e-8f50-6a7b8c9d0e1f",
                    "automation_uuid": "0190a700-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
                    "contact_uuid": "",
                    "status": "ACTIVE",
                    "step_uuid": "0190a700-0001-7000-8000-000000000001",
                    "phase": "enter",
                    "wake_at": "2024-05-10T12:47:38.123Z",
                    "run_data": {"coupon": "WELCOME10"},
                    "entered_at": "2024-05-10T12:47:38.123Z",
                    "step_entered_at": "2024-05-10T12:47:38.123Z",
                    "error_message": null,
                    "error_at": null
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: `contact` missing, not an object or without an identifier (field `contact`), a malformed identifier (`contact.email`…), a field other than `contact` and `data` (or other than uuid, email, phone and external_id inside `contact`), `data` over 65,536 bytes serialized (field `data`), or a bad `uuid`; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: no such automation, or a contact given by uuid alone does not exist, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "409": {
            "description": "failed_precondition: the contact may not enter: the automation is not RUNNING, COMMITTED or PAUSED (\"automation is DRAFT; it takes no customers\"), its `end_date` has passed (\"automation has ended\"), it has no entry step, `unique_token` is set and the contact entered before (\"contact already entered this automation (uniqueToken)\"), or `allow_reentry` is false and the contact has an active token (\"contact is already in this automation\").",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/tokens/{uuid}": {
      "parameters": [{"$ref": "#/components/parameters/TokenUuid"}],
      "get": {
        "tags": ["Tokens"],
        "operationId": "getToken",
        "summary": "Get a token",
        "description": "One contact's run through an automation, with the messages its steps queued, oldest first.",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "responses": {
          "200": {
            "description": "The token.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/AutomationTokenDetailResponse"},
                "example": {
                  "token": {
                    "uuid": "0190a702-2b3c-7d4e-8f50-6a7b8c9d0e1f",
                    "automation_uuid": "0190a700-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
                    "contact_uuid": "0190a6f4-3c2e-7d1a-9b4f-5e6d7c8b9a01",
                    "status": "ACTIVE",
                    "step_uuid": "0190a700-0002-7000-8000-000000000002",
                    "phase": "waiting",
                    "wake_at": "2024-05-12T12:47:38.123Z",
                    "run_data": {"coupon": "WELCOME10"},
                    "entered_at": "2024-05-10T12:47:38.123Z",
                    "step_entered_at": "2024-05-10T12:47:38.123Z",
                    "error_message": null,
                    "error_at": null,
                    "messages": [
                      {
                        "uuid": "0190a703-3c4d-7e5f-8061-7a8b9c0d1e2f",
                        "step_uuid": "0190a700-0001-7000-8000-000000000001",
                        "channel": "email",
                        "status": "sent",
                        "attempts": 1,
                        "last_error": ""
                      }
                    ]
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: `uuid` is not a uuid (field `uuid`); or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: no such token in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/senders": {
      "get": {
        "tags": ["Senders"],
        "operationId": "listSenders",
        "summary": "List senders",
        "description": "Every sender of the workspace, in creation order (not paginated). Query parameters are ignored.",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "responses": {
          "200": {
            "description": "The senders.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/SenderList"},
                "example": {
                  "data": [
                    {
                      "uuid": "0190a6ff-5555-7000-8000-000000000005",
                      "name": "Support",
                      "from_name": "Acme Support",
                      "from_address": "support@acme.example",
                      "reply_to": "help@acme.example",
                      "created_at": "2024-05-10T12:47:38.123Z"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: a workspace header problem (malformed uuid, or needed and missing).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "post": {
        "tags": ["Senders"],
        "operationId": "createSender",
        "summary": "Create a sender",
        "description": "Stores a From identity for e-mail steps (their `sender_uuid`). Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": true,
          "description": "The sender.",
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/SenderInput"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/SenderInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/SenderInput"}}
          }
        },
        "responses": {
          "201": {
            "description": "Created.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/SenderResponse"},
                "example": {
                  "sender": {
                    "uuid": "0190a6ff-5555-7000-8000-000000000005",
                    "name": "Support",
                    "from_name": "Acme Support",
                    "from_address": "support@acme.example",
                    "reply_to": "help@acme.example",
                    "created_at": "2024-05-10T12:47:38.123Z"
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: `name` missing or over 200 bytes, `from_address` missing or not an e-mail address, `reply_to` not an e-mail address, `from_name` over 200 bytes or with a line break, or an unknown field; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/templates": {
      "get": {
        "tags": ["Templates"],
        "operationId": "listTemplates",
        "summary": "List templates",
        "description": "Every template of the workspace, in creation order (not paginated). Query parameters are ignored.",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "responses": {
          "200": {
            "description": "The templates.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MessageTemplateList"}}}
          },
          "400": {
            "description": "invalid_argument: a workspace header problem (malformed uuid, or needed and missing).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "post": {
        "tags": ["Templates"],
        "operationId": "createTemplate",
        "summary": "Create a template",
        "description": "Stores a reusable message body. E-mail steps use e-mail templates through `template_uuid`; SMS templates are stored and served, but CLAB_CAMPAIGN_SMS steps carry their text inline. Subject, HTML and text are Mustache templates (see Templates) and must parse. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": true,
          "description": "The template.",
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/MessageTemplateInput"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/MessageTemplateInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/MessageTemplateInput"}}
          }
        },
        "responses": {
          "201": {
            "description": "Created.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/MessageTemplateResponse"},
                "example": {
                  "template": {
                    "uuid": "0190a6ff-6666-7000-8000-000000000006",
                    "name": "Welcome",
                    "kind": "email",
                    "subject": "Welcome, {{contact.first_name}}!",
                    "html": "<p>Hi {{contact.first_name}},</p><p>Welcome aboard.</p><p><a href=\"{{{unsubscribe_url}}}\">Unsubscribe</a></p>",
                    "text": "",
                    "created_at": "2024-05-10T12:47:38.123Z",
                    "updated_at": "2024-05-10T12:47:38.123Z"
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: `name` missing or over 200 bytes, `kind` not email or sms, a part the kind needs missing (an e-mail needs `subject` and `html` or `text`, field `subject`; an SMS needs `text`), a part that does not parse as a template (field `subject`, `html` or `text`), a part too long, or an unknown field; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/templates/{uuid}": {
      "parameters": [{"$ref": "#/components/parameters/TemplateUuid"}],
      "get": {
        "tags": ["Templates"],
        "operationId": "getTemplate",
        "summary": "Get a template",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "responses": {
          "200": {
            "description": "The template.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/MessageTemplateResponse"},
                "example": {
                  "template": {
                    "uuid": "0190a6ff-6666-7000-8000-000000000006",
                    "name": "Welcome",
                    "kind": "email",
                    "subject": "Welcome, {{contact.first_name}}!",
                    "html": "<p>Hi {{contact.first_name}},</p><p>Welcome aboard.</p><p><a href=\"{{{unsubscribe_url}}}\">Unsubscribe</a></p>",
                    "text": "",
                    "created_at": "2024-05-10T12:47:38.123Z",
                    "updated_at": "2024-05-10T12:47:38.123Z"
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: `uuid` is not a uuid (field `uuid`); or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: no such template in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "put": {
        "tags": ["Templates"],
        "operationId": "replaceTemplate",
        "summary": "Replace a template",
        "description": "Replaces the template's name, kind and parts; fields left out become empty (`kind`: email). Messages queued from then on use the new version. The body is checked before the template is looked up. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": true,
          "description": "The new template.",
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/MessageTemplateInput"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/MessageTemplateInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/MessageTemplateInput"}}
          }
        },
        "responses": {
          "200": {
            "description": "The template after the change.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MessageTemplateResponse"}}}
          },
          "400": {
            "description": "invalid_argument: `name` missing or over 200 bytes, `kind` not email or sms, a part the kind needs missing (an e-mail needs `subject` and `html` or `text`, field `subject`; an SMS needs `text`), a part that does not parse as a template (field `subject`, `html` or `text`), a part too long, or an unknown field, or a bad `uuid`; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: no such template in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/settings": {
      "get": {
        "tags": ["Settings"],
        "operationId": "listSettings",
        "summary": "List channel settings",
        "description": "Every setting of the workspace in creation order (not paginated), secrets masked. Query parameters are ignored.",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "responses": {
          "200": {
            "description": "The settings.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/SettingList"},
                "example": {
                  "data": [
                    {
                      "uuid": "0190a6ff-7777-7000-8000-000000000007",
                      "label": "Mail relay",
                      "category": "INTEGRATION",
                      "type": "SMTP",
                      "value": {
                        "url": "smtp://mail.acme.example:587",
                        "username": "rivulet",
                        "password": "********",
                        "tls": "required"
                      }
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: a workspace header problem (malformed uuid, or needed and missing).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "post": {
        "tags": ["Settings"],
        "operationId": "createSetting",
        "summary": "Create a channel setting",
        "description": "Stores a channel setting. Delivery uses the oldest setting of each type: SMTP for e-mail steps, SMS_GATEWAY for SMS steps, WEBHOOK_SIGNING to sign webhook steps; CLAB_API_SOAP and HUB values are stored as given. A value field sent as `********` is stored as it is (only PUT restores masked secrets). The answer masks secrets. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": true,
          "description": "The setting.",
          "content": {
            "application/json": {
              "schema": {"$ref": "#/components/schemas/SettingInput"},
              "example": {
                "label": "Mail relay",
                "type": "SMTP",
                "value": {
                  "url": "smtp://mail.acme.example:587",
                  "username": "rivulet",
                  "password": "s3cret-app-password",
                  "tls": "required"
                }
              }
            },
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/SettingInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/SettingInput"}}
          }
        },
        "responses": {
          "201": {
            "description": "Created (secrets masked).",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/SettingResponse"},
                "example": {
                  "setting": {
                    "uuid": "0190a6ff-7777-7000-8000-000000000007",
                    "label": "Mail relay",
                    "category": "INTEGRATION",
                    "type": "SMTP",
                    "value": {
                      "url": "smtp://mail.acme.example:587",
                      "username": "rivulet",
                      "password": "********",
                      "tls": "required"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "description": "invalid_argument: `type` missing or not a setting type (field `type`), `category` not INTEGRATION, `value` not an object or over 65,536 bytes, a value that breaks its type's rules (fields `value.url`, `value.tls`, `value.body`, `value.secret`), a field too long, or an unknown field; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/settings/{uuid}": {
      "parameters": [{"$ref": "#/components/parameters/SettingUuid"}],
      "put": {
        "tags": ["Settings"],
        "operationId": "replaceSetting",
        "summary": "Replace a channel setting",
        "description": "Replaces the setting's label, category, type and value (a label left out becomes empty). A top-level value field, or a value in `headers`, sent as `********` keeps the value stored under that name, so that a setting read from this API can be edited and sent back. The value is validated as sent, before masked fields are restored: a WEBHOOK_SIGNING `secret` sent back masked is too short (400), so send it in full. The setting is looked up before the body is checked. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": true,
          "description": "The new setting.",
          "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/SettingInput"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/SettingInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/SettingInput"}}
          }
        },
        "responses": {
          "200": {
            "description": "The setting after the change (secrets masked).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SettingResponse"}}}
          },
          "400": {
            "description": "invalid_argument: `type` missing or not a setting type (field `type`), `category` not INTEGRATION, `value` not an object or over 65,536 bytes, a value that breaks its type's rules (fields `value.url`, `value.tls`, `value.body`, `value.secret`), a field too long, or an unknown field, or a bad `uuid`; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: no such setting in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      },
      "delete": {
        "tags": ["Settings"],
        "operationId": "deleteSetting",
        "summary": "Delete a channel setting",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "responses": {
          "204": {"description": "Deleted."},
          "400": {
            "description": "invalid_argument: `uuid` is not a uuid (field `uuid`); or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: no such setting in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "default": {"$ref": "#/components/responses/OtherError"}
        }
      }
    },
    "/v1/bounces": {
      "post": {
        "tags": ["Bounces"],
        "operationId": "recordBounce",
        "summary": "Report a bounce",
        "description": "For mail servers and ESP webhooks: records that an e-mail Rivulet sent bounced. The message is marked bounced (`messages.<step uuid>.bounced` in its token's context) and counted in `bounces` of its step and automation, once: later reports of the same message are accepted and change nothing. The token is not moved. Name the message by its Message-ID (`<uuid>@rivulet`, angle brackets optional) or by its uuid; `message_uuid` wins when both are given. `type` and `reason` are accepted and ignored. Also accepted as application/x-www-form-urlencoded or multipart/form-data with PHP bracket notation (values arrive as strings).",
        "parameters": [{"$ref": "#/components/parameters/WorkspaceHeader"}],
        "requestBody": {
          "required": true,
          "description": "The bounced message.",
          "content": {
            "application/json": {
              "schema": {"$ref": "#/components/schemas/BounceInput"},
              "example": {
                "message_id": "<0190a703-3c4d-7e5f-8061-7a8b9c0d1e2f@rivulet>",
                "type": "hard",
                "reason": "550 5.1.1 user unknown"
              }
            },
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/BounceInput"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/BounceInput"}}
          }
        },
        "responses": {
          "202": {
            "description": "Recorded.",
            "content": {
              "application/json": {
                "schema": {"$ref": "#/components/schemas/BounceRecorded"},
                "example": {"recorded": true}
              }
            }
          },
          "400": {
            "description": "invalid_argument: no field names a message Rivulet sent (field `message_id`), `message_id` over 300 bytes or `message_uuid` over 64, a field that is not a string, or an unknown field; or a workspace header problem.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/WorkspaceForbidden"},
          "404": {
            "description": "not_found: no such message in the workspace, or the workspace named in X-Rivulet-Workspace does not exist.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {"$ref": "#/components/responses/PayloadTooLarge"},
          "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
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
    },
    "/t/o/{file}": {
      "get": {
        "tags": ["Tracking"],
        "operationId": "trackOpen",
        "summary": "Open pixel",
        "description": "The pixel HTML e-mails carry. Always answers with a transparent 1×1 GIF. When the signature is valid the open is recorded: `opens` counts every load, `unique_opens` the first, which also sets `messages.<step uuid>.opened` in the token's context. An invalid signature or an unknown message records nothing.",
        "security": [],
        "parameters": [
          {
            "name": "file",
            "in": "path",
            "required": true,
            "description": "The message's uuid followed by `.gif` (the suffix may be left out).",
            "schema": {"type": "string"},
            "example": "0190a703-3c4d-7e5f-8061-7a8b9c0d1e2f.gif"
          },
          {"$ref": "#/components/parameters/LinkSignature"}
        ],
        "responses": {
          "200": {
            "description": "The pixel.",
            "headers": {
              "Cache-Control": {"description": "`no-store, no-cache, must-revalidate`.", "schema": {"type": "string"}}
            },
            "content": {"image/gif": {"schema": {"type": "string", "format": "binary"}}}
          }
        }
      }
    },
    "/t/c/{uuid}": {
      "get": {
        "tags": ["Tracking"],
        "operationId": "trackClick",
        "summary": "Click redirect",
        "description": "A tracked link. When an HTML e-mail is queued, every `href` to an http(s) URL becomes such a link. Records the click (`clicks`; the first also counts `unique_clicks`, and `unique_opens` when the message had not been opened, and sets `messages.<step uuid>.clicked` and `.opened`) and redirects to `u`. The signature covers the message uuid and `u`, so the target cannot be changed: no open redirect. A valid link to an unknown message still redirects.",
        "security": [],
        "parameters": [
          {"$ref": "#/components/parameters/MessageUuid"},
          {
            "name": "u",
            "in": "query",
            "required": true,
            "description": "The target: an http:// or https:// URL without line breaks.",
            "schema": {"type": "string"},
            "example": "https://acme.example/start"
          },
          {"$ref": "#/components/parameters/LinkSignature"}
        ],
        "responses": {
          "302": {
            "description": "Redirect to `u`.",
            "headers": {
              "Location": {"description": "`u`.", "schema": {"type": "string"}},
              "Cache-Control": {"$ref": "#/components/headers/CacheControlNoStore"}
            }
          },
          "400": {"$ref": "#/components/responses/TrackingInvalidLink"}
        }
      }
    },
    "/t/u/{uuid}": {
      "parameters": [
        {"$ref": "#/components/parameters/MessageUuid"},
        {"$ref": "#/components/parameters/LinkSignature"}
      ],
      "get": {
        "tags": ["Tracking"],
        "operationId": "showUnsubscribePage",
        "summary": "Unsubscribe page",
        "description": "Where `{{unsubscribe_url}}` and the e-mail's `List-Unsubscribe` header lead. Asks for confirmation with a form that POSTs to the same URL: a GET never unsubscribes, since mail scanners follow links.",
        "security": [],
        "responses": {
          "200": {
            "description": "The confirmation page.",
            "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControlNoStore"}},
            "content": {"text/html": {"schema": {"type": "string"}}}
          },
          "400": {"$ref": "#/components/responses/TrackingInvalidLink"}
        }
      },
      "post": {
        "tags": ["Tracking"],
        "operationId": "unsubscribe",
        "summary": "Unsubscribe",
        "description": "The one-click unsubscribe of RFC 8058 (e-mails carry `List-Unsubscribe-Post: List-Unsubscribe=One-Click`) and the page's form. Sets the contact's e-mail subscription to false and, when the message's automation has an `unsubscribe_group`, that group to false; marks the message unsubscribed and counts `unsubscribes` once per message. The body (`List-Unsubscribe=One-Click`) is not read. A valid link to an unknown message is answered as a success.",
        "security": [],
        "responses": {
          "200": {
            "description": "\"You are unsubscribed\" (also when already unsubscribed).",
            "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControlNoStore"}},
            "content": {"text/html": {"schema": {"type": "string"}}}
          },
          "400": {"$ref": "#/components/responses/TrackingInvalidLink"},
          "503": {
            "description": "The change could not be stored; try again (an HTML page).",
            "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControlNoStore"}},
            "content": {"text/html": {"schema": {"type": "string"}}}
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
        "description": "One event. Give the contact as `contact_uuid` or as `contact` identifiers (at least one is required; `contact_uuid` wins over `contact.uuid`). A contact given by uuid alone must exist (404). Otherwise it is the first contact that matches one of its identifiers, in the order uuid, external_id, email, phone, and is not changed; when nothing matches it is created with the identifiers given (with a `contact_created` event).",
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
      },
      "AutomationStatus": {
        "type": "string",
        "enum": ["DRAFT", "COMMITTED", "RUNNING", "PAUSED", "TO_ARCHIVE", "ARCHIVED", "ERROR", "TO_DELETE"],
        "description": "DRAFT: being built (the only status a new automation has). COMMITTED: validated, not running yet. RUNNING: tokens run and triggers enroll contacts. PAUSED: tokens stay where they are until it runs again. ARCHIVED: every token exited; kept as history. ERROR: stopped from RUNNING by a client; tokens do not run. TO_ARCHIVE and TO_DELETE are requests, never stored: TO_ARCHIVE archives (the automation becomes ARCHIVED), TO_DELETE deletes it. The legal moves are listed under Automations above and in `x-transitions` (status → the statuses it may move to; TO_ARCHIVE → ARCHIVED happens within the TO_ARCHIVE move).",
        "x-transitions": {
          "DRAFT": ["COMMITTED", "TO_DELETE"],
          "COMMITTED": ["RUNNING", "DRAFT", "TO_DELETE"],
          "RUNNING": ["PAUSED", "TO_ARCHIVE", "ERROR"],
          "PAUSED": ["RUNNING", "TO_ARCHIVE", "DRAFT", "TO_DELETE"],
          "TO_ARCHIVE": ["ARCHIVED"],
          "ARCHIVED": ["TO_DELETE"],
          "ERROR": ["PAUSED", "DRAFT", "TO_ARCHIVE", "TO_DELETE"],
          "TO_DELETE": []
        }
      },
      "StepType": {
        "type": "string",
        "enum": [
          "CLAB_CAMPAIGN",
          "CLAB_CAMPAIGN_SMS",
          "WEBHOOK",
          "TAG",
          "WAIT",
          "FROM_LAST_STEP",
          "WAIT_AND_CHECK",
          "WAIT_FOR_TRIGGER",
          "AB_TEST",
          "NO_ACTION",
          "ISSUE_CREDITS"
        ],
        "description": "CLAB_CAMPAIGN: send an e-mail. CLAB_CAMPAIGN_SMS: send an SMS. WEBHOOK: call a URL. TAG: change the contact's tags and attributes. WAIT: wait. FROM_LAST_STEP: wait, measured from entering the step. WAIT_AND_CHECK: wait, then branch on a condition. WAIT_FOR_TRIGGER: wait for an event, with a timeout. AB_TEST: split tokens between variants. NO_ACTION: do nothing. ISSUE_CREDITS: add credits to the contact. See the `…Step` schemas for each type's settings and branches."
      },
      "Automation": {
        "type": "object",
        "description": "The canonical automation document (also what `rivulet automation apply` reads). Steps always have their uuid here; step `settings` are returned as they were given.",
        "required": [
          "uuid",
          "name",
          "description",
          "category",
          "author",
          "status",
          "timezone",
          "start_date",
          "end_date",
          "triggers",
          "unique_token",
          "allow_reentry",
          "exit_condition",
          "unsubscribe_group",
          "audience_id",
          "steps",
          "connections",
          "created_at",
          "updated_at"
        ],
        "properties": {
          "uuid": {"type": "string", "format": "uuid"},
          "name": {"type": "string", "minLength": 1, "maxLength": 200},
          "description": {"type": "string"},
          "category": {"type": "string", "description": "Free text; `Custom` unless given."},
          "author": {"type": "string"},
          "status": {"$ref": "#/components/schemas/AutomationStatus"},
          "timezone": {
            "type": "string",
            "description": "IANA time zone: for waits with `timezone: automation`, and for `contact` when the contact has none.",
            "example": "Europe/Amsterdam"
          },
          "start_date": {
            "type": "string",
            "format": "date-time",
            "nullable": true,
            "description": "Tokens enrolled before it wait until it."
          },
          "end_date": {
            "type": "string",
            "format": "date-time",
            "nullable": true,
            "description": "After it no contact enters (409 on enrollment, triggers are ignored) and tokens exit when they next move."
          },
          "triggers": {"type": "array", "items": {"$ref": "#/components/schemas/Trigger"}},
          "unique_token": {"type": "boolean", "description": "A contact enters at most once, ever."},
          "allow_reentry": {
            "type": "boolean",
            "description": "true: a contact may enter any time, even while it has an active token. false: not while it has an active token."
          },
          "exit_condition": {
            "allOf": [{"$ref": "#/components/schemas/Condition"}],
            "nullable": true,
            "description": "Checked against the token's context each time the token is about to run a step; when it holds the token exits (`exited`). Null: none."
          },
          "unsubscribe_group": {
            "type": "string",
            "description": "E-mail and SMS steps skip contacts unsubscribed from this group (`subscriptions.groups`); the unsubscribe link unsubscribes from it as well as from e-mail. Empty: none."
          },
          "audience_id": {
            "type": "integer",
            "nullable": true,
            "description": "The workspace audience (an AllsTechnology contact type or segment: a saved condition over `contact`) the automation targets. When the automation goes RUNNING every matching contact is enrolled, and each contact created or updated later that matches is enrolled too, subject to `unique_token` and `allow_reentry`. Null: none."
          },
          "steps": {"type": "array", "items": {"$ref": "#/components/schemas/Step"}},
          "connections": {"type": "array", "items": {"$ref": "#/components/schemas/Connection"}},
          "created_at": {"type": "string", "format": "date-time", "example": "2024-05-10T12:47:38.123Z"},
          "updated_at": {"type": "string", "format": "date-time", "example": "2024-05-10T12:47:38.123Z"}
        },
        "example": {
          "uuid": "0190a700-1a2b-7c3d-8e4f-5a6b7c8d9e0f",
          "name": "Welcome",
          "description": "Greets new pro sign-ups; texts those who do not open the mail within two days.",
          "category": "Custom",
          "author": "",
          "status": "DRAFT",
          "timezone": "Europe/Amsterdam",
          "start_date": null,
          "end_date": null,
          "triggers": [
            {"event_type": "signup", "condition": {"field": "event.data.plan", "op": "in", "value": ["pro", "team"]}}
          ],
          "unique_token": true,
          "allow_reentry": true,
          "exit_condition": {"field": "contact.attributes.churned", "op": "eq", "value": true},
          "unsubscribe_group": "onboarding",
          "steps": [
            {
              "uuid": "0190a700-0001-7000-8000-000000000001",
              "type": "CLAB_CAMPAIGN",
              "name": "Welcome mail",
              "settings": {
                "sender_uuid": "0190a6ff-5555-7000-8000-000000000005",
                "template_uuid": "0190a6ff-6666-7000-8000-000000000006"
              }
            },
            {
              "uuid": "0190a700-0002-7000-8000-000000000002",
              "type": "WAIT_AND_CHECK",
              "name": "Opened within two days?",
              "settings": {
                "delay_seconds": 172800,
                "condition": {
                  "field": "messages.0190a700-0001-7000-8000-000000000001.opened",
                  "op": "eq",
                  "value": true
                }
              }
            },
            {
              "uuid": "0190a700-0003-7000-8000-000000000003",
              "type": "TAG",
              "name": "Engaged",
              "settings": {"add": ["engaged"]}
            },
            {
              "uuid": "0190a700-0004-7000-8000-000000000004",
              "type": "CLAB_CAMPAIGN_SMS",
              "name": "Nudge",
              "settings": {
                "text": "Hi {{contact.first_name}}, your {{event.data.plan}} account is ready: {{automation.name}}"
              }
            }
          ],
          "connections": [
            {
              "from": "0190a700-0001-7000-8000-000000000001",
              "to": "0190a700-0002-7000-8000-000000000002",
              "branch": "default"
            },
            {
              "from": "0190a700-0002-7000-8000-000000000002",
              "to": "0190a700-0003-7000-8000-000000000003",
              "branch": "yes"
            },
            {
              "from": "0190a700-0002-7000-8000-000000000002",
              "to": "0190a700-0004-7000-8000-000000000004",
              "branch": "no"
            }
          ],
          "created_at": "2024-05-10T12:47:38.123Z",
          "updated_at": "2024-05-10T12:47:38.123Z"
        }
      },
      "AutomationInput": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "description": "An automation document to create or replace. Every field but `name` is optional; a null value is the same as leaving the field out. The read-only fields of `Automation` are accepted and ignored.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Create: the automation's uuid (generated when absent; 409 when taken). Replace: ignored."
          },
          "name": {"type": "string", "minLength": 1, "maxLength": 200},
          "description": {"type": "string", "maxLength": 4000, "default": ""},
          "category": {"type": "string", "maxLength": 100, "default": "Custom"},
          "author": {"type": "string", "maxLength": 200, "default": ""},
          "timezone": {
            "type": "string",
            "maxLength": 64,
            "default": "UTC",
            "description": "A known IANA time zone name."
          },
          "start_date": {
            "type": "string",
            "maxLength": 64,
            "nullable": true,
            "description": "ISO-8601 date-time or date."
          },
          "end_date": {
            "type": "string",
            "maxLength": 64,
            "nullable": true,
            "description": "ISO-8601 date-time or date; must be after `start_date` (checked at validation)."
          },
          "triggers": {
            "type": "array",
            "maxItems": 20,
            "items": {"$ref": "#/components/schemas/Trigger"},
            "nullable": true
          },
          "unique_token": {"type": "boolean", "default": false},
          "allow_reentry": {"type": "boolean", "default": true},
          "exit_condition": {
            "allOf": [{"$ref": "#/components/schemas/Condition"}],
            "nullable": true,
            "description": "At most 64 KiB serialized."
          },
          "unsubscribe_group": {"type": "string", "maxLength": 64, "default": ""},
          "audience_id": {
            "type": "integer",
            "minimum": 1,
            "nullable": true,
            "description": "An audience of the workspace; checked when the automation is committed or set running."
          },
          "steps": {
            "type": "array",
            "maxItems": 500,
            "items": {"$ref": "#/components/schemas/Step"},
            "nullable": true
          },
          "connections": {
            "type": "array",
            "maxItems": 2000,
            "items": {"$ref": "#/components/schemas/Connection"},
            "nullable": true
          },
          "status": {"description": "Ignored: a new automation is DRAFT; use `POST /v1/automations/{uuid}/status`."},
          "created_at": {"description": "Ignored."},
          "updated_at": {"description": "Ignored."},
          "statistics": {"description": "Ignored."}
        },
        "example": {
          "name": "Welcome",
          "description": "Greets new pro sign-ups; texts those who do not open the mail within two days.",
          "timezone": "Europe/Amsterdam",
          "triggers": [
            {"event_type": "signup", "condition": {"field": "event.data.plan", "op": "in", "value": ["pro", "team"]}}
          ],
          "unique_token": true,
          "exit_condition": {"field": "contact.attributes.churned", "op": "eq", "value": true},
          "unsubscribe_group": "onboarding",
          "steps": [
            {
              "uuid": "0190a700-0001-7000-8000-000000000001",
              "type": "CLAB_CAMPAIGN",
              "name": "Welcome mail",
              "settings": {
                "sender_uuid": "0190a6ff-5555-7000-8000-000000000005",
                "template_uuid": "0190a6ff-6666-7000-8000-000000000006"
              }
            },
            {
              "uuid": "0190a700-0002-7000-8000-000000000002",
              "type": "WAIT_AND_CHECK",
              "name": "Opened within two days?",
              "settings": {
                "delay_seconds": 172800,
                "condition": {
                  "field": "messages.0190a700-0001-7000-8000-000000000001.opened",
                  "op": "eq",
                  "value": true
                }
              }
            },
            {
              "uuid": "0190a700-0003-7000-8000-000000000003",
              "type": "TAG",
              "name": "Engaged",
              "settings": {"add": ["engaged"]}
            },
            {
              "uuid": "0190a700-0004-7000-8000-000000000004",
              "type": "CLAB_CAMPAIGN_SMS",
              "name": "Nudge",
              "settings": {
                "text": "Hi {{contact.first_name}}, your {{event.data.plan}} account is ready: {{automation.name}}"
              }
            }
          ],
          "connections": [
            {
              "from": "0190a700-0001-7000-8000-000000000001",
              "to": "0190a700-0002-7000-8000-000000000002",
              "branch": "default"
            },
            {
              "from": "0190a700-0002-7000-8000-000000000002",
              "to": "0190a700-0003-7000-8000-000000000003",
              "branch": "yes"
            },
            {
              "from": "0190a700-0002-7000-8000-000000000002",
              "to": "0190a700-0004-7000-8000-000000000004",
              "branch": "no"
            }
          ]
        }
      },
      "Trigger": {
        "type": "object",
        "additionalProperties": false,
        "required": ["event_type"],
        "description": "Enrolls the event's contact when an event of `event_type` is recorded and `condition` holds for `{\"contact\": …, \"event\": {\"type\", \"uuid\", \"data\", \"occurred_at\"}}` (RUNNING automations only; the usual entry rules apply, refusals are silent). The event becomes the token's `event`.",
        "properties": {
          "event_type": {
            "type": "string",
            "maxLength": 64,
            "description": "1 to 64 of `[A-Za-z0-9_.:-]` (checked at validation). Rivulet's own `contact_created`, `contact_updated` and `credit_reception_created` events trigger too.",
            "example": "signup"
          },
          "condition": {
            "allOf": [{"$ref": "#/components/schemas/Condition"}],
            "nullable": true,
            "description": "At most 64 KiB serialized. Null or absent: every event of that type."
          }
        }
      },
      "Step": {
        "description": "One step; `type` decides what `settings` hold and which branches leave it. Settings are checked when the automation is validated (moving to COMMITTED or RUNNING); a type's unknown setting is an error then. Templates in settings are Mustache (see Templates).",
        "oneOf": [
          {"$ref": "#/components/schemas/EmailStep"},
          {"$ref": "#/components/schemas/SmsStep"},
          {"$ref": "#/components/schemas/WebhookStep"},
          {"$ref": "#/components/schemas/TagStep"},
          {"$ref": "#/components/schemas/WaitStep"},
          {"$ref": "#/components/schemas/FromLastStepStep"},
          {"$ref": "#/components/schemas/WaitAndCheckStep"},
          {"$ref": "#/components/schemas/WaitForTriggerStep"},
          {"$ref": "#/components/schemas/AbTestStep"},
          {"$ref": "#/components/schemas/NoActionStep"},
          {"$ref": "#/components/schemas/IssueCreditsStep"}
        ],
        "discriminator": {
          "propertyName": "type",
          "mapping": {
            "CLAB_CAMPAIGN": "#/components/schemas/EmailStep",
            "CLAB_CAMPAIGN_SMS": "#/components/schemas/SmsStep",
            "WEBHOOK": "#/components/schemas/WebhookStep",
            "TAG": "#/components/schemas/TagStep",
            "WAIT": "#/components/schemas/WaitStep",
            "FROM_LAST_STEP": "#/components/schemas/FromLastStepStep",
            "WAIT_AND_CHECK": "#/components/schemas/WaitAndCheckStep",
            "WAIT_FOR_TRIGGER": "#/components/schemas/WaitForTriggerStep",
            "AB_TEST": "#/components/schemas/AbTestStep",
            "NO_ACTION": "#/components/schemas/NoActionStep",
            "ISSUE_CREDITS": "#/components/schemas/IssueCreditsStep"
          }
        }
      },
      "EmailStep": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "description": "Sends an e-mail (channel `email`) and waits for its delivery. Branches: `default` once delivered or skipped, `error` when delivery failed for good (without an `error` connection the token ends in ERROR).",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Unique within the automation; generated when absent. Tokens, counters and `messages.<step uuid>` refer to it."
          },
          "type": {"type": "string", "enum": ["CLAB_CAMPAIGN"]},
          "name": {"type": "string", "maxLength": 200, "description": "A label; empty unless given."},
          "settings": {"$ref": "#/components/schemas/EmailSettings"}
        }
      },
      "SmsStep": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "description": "Sends an SMS (channel `sms`) and waits for its delivery. Branches: `default` once delivered or skipped, `error` when delivery failed for good.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Unique within the automation; generated when absent. Tokens, counters and `messages.<step uuid>` refer to it."
          },
          "type": {"type": "string", "enum": ["CLAB_CAMPAIGN_SMS"]},
          "name": {"type": "string", "maxLength": 200, "description": "A label; empty unless given."},
          "settings": {"$ref": "#/components/schemas/SmsSettings"}
        }
      },
      "WebhookStep": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "description": "Calls a URL (channel `webhook`) and waits for the answer. Branches: `default` on a 2xx answer, `error` when the call failed for good.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Unique within the automation; generated when absent. Tokens, counters and `messages.<step uuid>` refer to it."
          },
          "type": {"type": "string", "enum": ["WEBHOOK"]},
          "name": {"type": "string", "maxLength": 200, "description": "A label; empty unless given."},
          "settings": {"$ref": "#/components/schemas/WebhookSettings"}
        }
      },
      "TagStep": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "description": "Changes the contact's tags and attributes. Branch: `default`.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Unique within the automation; generated when absent. Tokens, counters and `messages.<step uuid>` refer to it."
          },
          "type": {"type": "string", "enum": ["TAG"]},
          "name": {"type": "string", "maxLength": 200, "description": "A label; empty unless given."},
          "settings": {"$ref": "#/components/schemas/TagSettings"}
        }
      },
      "WaitStep": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "description": "Waits. Branch: `default`.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Unique within the automation; generated when absent. Tokens, counters and `messages.<step uuid>` refer to it."
          },
          "type": {"type": "string", "enum": ["WAIT"]},
          "name": {"type": "string", "maxLength": 200, "description": "A label; empty unless given."},
          "settings": {"$ref": "#/components/schemas/WaitSettings"}
        }
      },
      "FromLastStepStep": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "description": "Waits, measured from when the token entered this step (as WAIT). Branch: `default`.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Unique within the automation; generated when absent. Tokens, counters and `messages.<step uuid>` refer to it."
          },
          "type": {"type": "string", "enum": ["FROM_LAST_STEP"]},
          "name": {"type": "string", "maxLength": 200, "description": "A label; empty unless given."},
          "settings": {"$ref": "#/components/schemas/WaitSettings"}
        }
      },
      "WaitAndCheckStep": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "description": "Waits, then evaluates `condition` against the token's context. Branches: `yes` when it holds, `no` otherwise.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Unique within the automation; generated when absent. Tokens, counters and `messages.<step uuid>` refer to it."
          },
          "type": {"type": "string", "enum": ["WAIT_AND_CHECK"]},
          "name": {"type": "string", "maxLength": 200, "description": "A label; empty unless given."},
          "settings": {"$ref": "#/components/schemas/WaitAndCheckSettings"}
        }
      },
      "WaitForTriggerStep": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "description": "Waits for an event of the contact, at most `timeout_seconds`. Branches: `triggered` (the event becomes the token's `event`), `timeout`.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Unique within the automation; generated when absent. Tokens, counters and `messages.<step uuid>` refer to it."
          },
          "type": {"type": "string", "enum": ["WAIT_FOR_TRIGGER"]},
          "name": {"type": "string", "maxLength": 200, "description": "A label; empty unless given."},
          "settings": {"$ref": "#/components/schemas/WaitForTriggerSettings"}
        }
      },
      "AbTestStep": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "description": "Sends each token down one variant. Branches: `variant:<name>` for every variant, each of which must be connected.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Unique within the automation; generated when absent. Tokens, counters and `messages.<step uuid>` refer to it."
          },
          "type": {"type": "string", "enum": ["AB_TEST"]},
          "name": {"type": "string", "maxLength": 200, "description": "A label; empty unless given."},
          "settings": {"$ref": "#/components/schemas/AbTestSettings"}
        }
      },
      "NoActionStep": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "description": "Does nothing. Branch: `default`.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Unique within the automation; generated when absent. Tokens, counters and `messages.<step uuid>` refer to it."
          },
          "type": {"type": "string", "enum": ["NO_ACTION"]},
          "name": {"type": "string", "maxLength": 200, "description": "A label; empty unless given."},
          "settings": {"$ref": "#/components/schemas/NoActionSettings"}
        }
      },
      "IssueCreditsStep": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "description": "Adds credits to the contact. Branch: `default`.",
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "Unique within the automation; generated when absent. Tokens, counters and `messages.<step uuid>` refer to it."
          },
          "type": {"type": "string", "enum": ["ISSUE_CREDITS"]},
          "name": {"type": "string", "maxLength": 200, "description": "A label; empty unless given."},
          "settings": {"$ref": "#/components/schemas/IssueCreditsSettings"}
        }
      },
      "WaitSettings": {
        "type": "object",
        "additionalProperties": false,
        "description": "The token sleeps until `delay_seconds` after it entered the step, then (with `at`) until the next matching local time. `{}` waits no time.",
        "properties": {
          "delay_seconds": {
            "type": "integer",
            "format": "int64",
            "minimum": 0,
            "maximum": 315360000,
            "default": 0,
            "description": "How long to wait (at most ten years)."
          },
          "at": {
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
            "description": "Then wait on until the next time of day `HH:MM` (24-hour) in `timezone`; a time skipped by a DST change moves an hour later.",
            "example": "09:30"
          },
          "weekdays": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 7},
            "description": "With `at` (required then): only on these ISO weekdays, 1 = Monday … 7 = Sunday."
          },
          "timezone": {
            "type": "string",
            "maxLength": 64,
            "default": "contact",
            "description": "For `at`: `contact` (the contact's time zone, else the automation's), `automation`, or an IANA name (an unknown name counts as UTC)."
          }
        },
        "example": {"delay_seconds": 86400, "at": "09:30", "weekdays": [1, 2, 3, 4, 5], "timezone": "contact"}
      },
      "WaitAndCheckSettings": {
        "type": "object",
        "additionalProperties": false,
        "required": ["condition"],
        "description": "A wait as in WaitSettings, then `condition` against the token's context: `yes` or `no`.",
        "properties": {
          "delay_seconds": {
            "type": "integer",
            "format": "int64",
            "minimum": 0,
            "maximum": 315360000,
            "default": 0,
            "description": "How long to wait (at most ten years)."
          },
          "at": {
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$",
            "description": "Then wait on until the next time of day `HH:MM` (24-hour) in `timezone`; a time skipped by a DST change moves an hour later.",
            "example": "09:30"
          },
          "weekdays": {
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 7},
            "description": "With `at` (required then): only on these ISO weekdays, 1 = Monday … 7 = Sunday."
          },
          "timezone": {
            "type": "string",
            "maxLength": 64,
            "default": "contact",
            "description": "For `at`: `contact` (the contact's time zone, else the automation's), `automation`, or an IANA name (an unknown name counts as UTC)."
          },
          "condition": {"$ref": "#/components/schemas/Condition"}
        },
        "example": {
          "delay_seconds": 172800,
          "condition": {"field": "messages.0190a700-0001-7000-8000-000000000001.opened", "op": "eq", "value": true}
        }
      },
      "WaitForTriggerSettings": {
        "type": "object",
        "additionalProperties": false,
        "required": ["event_type", "timeout_seconds"],
        "description": "The token waits for an event of `event_type` about its contact for which `condition` holds against `{\"contact\": …, \"event\": {\"type\", \"uuid\", \"data\", \"occurred_at\"}}`; then it follows `triggered`, or `timeout` after `timeout_seconds`.",
        "properties": {
          "event_type": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$", "example": "order_placed"},
          "condition": {"$ref": "#/components/schemas/Condition"},
          "timeout_seconds": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 315360000}
        },
        "example": {
          "event_type": "order_placed",
          "condition": {"field": "event.data.total", "op": "gte", "value": 50},
          "timeout_seconds": 604800
        }
      },
      "EmailSettings": {
        "type": "object",
        "additionalProperties": false,
        "description": "`sender_uuid` or `from_address` is required; a sender replaces `from_name`, `from_address` and `reply_to`. `template_uuid`, or a `subject` with `html` or `text`, is required; the step's own subject, html and text take precedence over the template's, part by part. Subject and text render without escaping, html with HTML escaping; without a text part one is derived from the html. The html gets click tracking on its http(s) links and an open pixel. The e-mail goes to the contact's `email` with `Message-ID: <message uuid@rivulet>` and `List-Unsubscribe` headers, through the workspace's SMTP setting. It is skipped (`skipped`, branch `default`) when the contact has no e-mail address or is unsubscribed from e-mail or from the automation's unsubscribe group.",
        "properties": {
          "sender_uuid": {
            "type": "string",
            "maxLength": 64,
            "description": "A sender of the workspace (must exist when validated)."
          },
          "from_name": {"type": "string", "maxLength": 200},
          "from_address": {"type": "string", "maxLength": 254, "description": "An e-mail address."},
          "reply_to": {"type": "string", "maxLength": 254},
          "template_uuid": {
            "type": "string",
            "maxLength": 64,
            "description": "A template of the workspace (must exist when validated)."
          },
          "subject": {"type": "string", "maxLength": 2000},
          "html": {"type": "string", "maxLength": 262144},
          "text": {"type": "string", "maxLength": 262144}
        },
        "example": {
          "sender_uuid": "0190a6ff-5555-7000-8000-000000000005",
          "template_uuid": "0190a6ff-6666-7000-8000-000000000006",
          "subject": "Welcome, {{contact.first_name}}!"
        }
      },
      "SmsSettings": {
        "type": "object",
        "additionalProperties": false,
        "required": ["text"],
        "description": "Sent to the contact's `phone` through the workspace's SMS_GATEWAY setting; skipped (`skipped`, branch `default`) when the contact has no phone or is unsubscribed from sms or from the automation's unsubscribe group.",
        "properties": {
          "text": {
            "type": "string",
            "minLength": 1,
            "maxLength": 2000,
            "description": "A template, rendered without escaping."
          }
        },
        "example": {"text": "Your code: {{run.data.code}}"}
      },
      "WebhookSettings": {
        "type": "object",
        "additionalProperties": false,
        "required": ["url"],
        "description": "POSTs the rendered `body` to `url` with `headers`, `Content-Type: application/json` unless they set one, `Idempotency-Key` (the same for retries of one message) and, when the workspace has a WEBHOOK_SIGNING setting, `X-Rivulet-Signature`. Without `body` it sends `{\"automation\", \"token\", \"contact\", \"run\", \"event\", \"step\"}` from the token's context (`step`: the step's uuid). Redirects are not followed.",
        "properties": {
          "url": {"type": "string", "maxLength": 2048, "description": "An http:// or https:// URL."},
          "headers": {
            "type": "object",
            "maxProperties": 50,
            "additionalProperties": {"type": "string"},
            "description": "Names of 1 to 100 `[A-Za-z0-9-]`; values without line breaks."
          },
          "body": {"type": "string", "maxLength": 65536, "description": "A template, rendered without escaping."}
        },
        "example": {
          "url": "https://crm.acme.example/hooks/welcome",
          "headers": {"X-Api-Key": "k-123"},
          "body": "{\"email\": \"{{contact.email}}\", \"plan\": \"{{event.data.plan}}\"}"
        }
      },
      "TagSettings": {
        "type": "object",
        "additionalProperties": false,
        "description": "Changes the contact without a `contact_updated` event, so that automations cannot trigger each other endlessly.",
        "properties": {
          "add": {
            "type": "array",
            "maxItems": 100,
            "items": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$"},
            "description": "Tags to add."
          },
          "remove": {
            "type": "array",
            "maxItems": 100,
            "items": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$"},
            "description": "Tags to remove."
          },
          "set_attributes": {
            "type": "object",
            "additionalProperties": true,
            "description": "Merged into the contact's attributes as in ContactInput."
          }
        },
        "example": {"add": ["engaged"], "remove": ["cold"], "set_attributes": {"onboarded": true}}
      },
      "AbTestSettings": {
        "type": "object",
        "additionalProperties": false,
        "required": ["variants"],
        "description": "Each token follows `variant:<name>` of one variant, picked from a hash of the token and step uuids: fixed for a token, spread by weight across tokens. Weights must sum to 100 (checked at validation). The step counts `variant:<name>`.",
        "properties": {
          "variants": {
            "type": "array",
            "minItems": 2,
            "maxItems": 10,
            "items": {
              "type": "object",
              "required": ["name", "weight"],
              "properties": {
                "name": {
                  "type": "string",
                  "pattern": "^[A-Za-z0-9_.:-]{1,32}$",
                  "description": "Unique within the step."
                },
                "weight": {"type": "integer", "minimum": 0, "maximum": 100}
              }
            }
          }
        },
        "example": {"variants": [{"name": "a", "weight": 50}, {"name": "b", "weight": 50}]}
      },
      "NoActionSettings": {
        "type": "object",
        "additionalProperties": false,
        "maxProperties": 0,
        "description": "No settings: `{}`."
      },
      "IssueCreditsSettings": {
        "type": "object",
        "additionalProperties": false,
        "required": ["credits"],
        "description": "Adds `credits` to the contact's integer attribute `credits` (absent or not an integer: 0), then records a `credit_reception_created` event with data `{\"credits\", \"balance\", \"automation_uuid\", \"token_uuid\"}`, which may trigger automations.",
        "properties": {"credits": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 1000000000}},
        "example": {"credits": 100}
      },
      "Connection": {
        "type": "object",
        "additionalProperties": false,
        "required": ["from", "to"],
        "description": "Leads tokens leaving step `from` by `branch` to step `to`. Checked at validation: both steps exist, they differ, the branch fits the `from` step's type, no branch is connected twice, every step is reachable from the entry step, and a cycle passes through a wait step (WAIT, FROM_LAST_STEP, WAIT_AND_CHECK or WAIT_FOR_TRIGGER). A branch without a connection ends the token: COMPLETED, or ERROR for `error`.",
        "properties": {
          "from": {"type": "string", "maxLength": 64, "description": "A step uuid."},
          "to": {"type": "string", "maxLength": 64, "description": "A step uuid."},
          "branch": {
            "type": "string",
            "maxLength": 64,
            "default": "default",
            "description": "`default` (every step but WAIT_AND_CHECK, WAIT_FOR_TRIGGER and AB_TEST), `error` (CLAB_CAMPAIGN, CLAB_CAMPAIGN_SMS, WEBHOOK), `yes` / `no` (WAIT_AND_CHECK), `triggered` / `timeout` (WAIT_FOR_TRIGGER), `variant:<name>` (AB_TEST).",
            "example": "yes"
          }
        }
      },
      "Condition": {
        "description": "A boolean expression over a JSON context (see Conditions above): `{\"all\": [c, …]}`, `{\"any\": [c, …]}`, `{\"not\": c}` or a leaf `{\"field\", \"op\", \"value\"}`. At most 16 levels deep and 256 nodes.",
        "oneOf": [
          {"$ref": "#/components/schemas/ConditionAll"},
          {"$ref": "#/components/schemas/ConditionAny"},
          {"$ref": "#/components/schemas/ConditionNot"},
          {"$ref": "#/components/schemas/ConditionLeaf"}
        ],
        "example": {
          "all": [
            {"field": "contact.attributes.plan", "op": "eq", "value": "pro"},
            {"not": {"field": "contact.tags", "op": "contains", "value": "churned"}},
            {"field": "event.occurred_at", "op": "after", "value": "now-7d"}
          ]
        }
      },
      "ConditionAll": {
        "type": "object",
        "additionalProperties": false,
        "required": ["all"],
        "properties": {
          "all": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Condition"},
            "description": "True when every condition holds (`[]`: true)."
          }
        }
      },
      "ConditionAny": {
        "type": "object",
        "additionalProperties": false,
        "required": ["any"],
        "properties": {
          "any": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Condition"},
            "description": "True when some condition holds (`[]`: false)."
          }
        }
      },
      "ConditionNot": {
        "type": "object",
        "additionalProperties": false,
        "required": ["not"],
        "properties": {"not": {"$ref": "#/components/schemas/Condition"}}
      },
      "ConditionLeaf": {
        "type": "object",
        "additionalProperties": false,
        "required": ["field", "op"],
        "properties": {
          "field": {
            "type": "string",
            "minLength": 1,
            "maxLength": 1024,
            "description": "A dot-separated path into the context; a segment of digits also indexes an array. No empty segments.",
            "example": "event.data.items.0.sku"
          },
          "op": {
            "type": "string",
            "enum": ["eq", "neq", "gt", "gte", "lt", "lte", "contains", "in", "exists", "before", "after"]
          },
          "value": {
            "description": "Required except for `exists` (an optional boolean, default true). `in`: an array. `gt`, `gte`, `lt`, `lte`: a number or a string. `before`, `after`: an ISO-8601 time, `now` or `now±N` with a unit s, m, h, d or w (`now-7d`). At most 32 levels deep."
          }
        }
      },
      "AutomationPage": {
        "type": "object",
        "required": ["data", "next_cursor"],
        "properties": {
          "data": {"type": "array", "items": {"$ref": "#/components/schemas/Automation"}},
          "next_cursor": {"$ref": "#/components/schemas/NextCursor"}
        }
      },
      "AutomationResponse": {
        "type": "object",
        "required": ["automation"],
        "properties": {"automation": {"$ref": "#/components/schemas/Automation"}}
      },
      "AutomationStatusChange": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "status": {"$ref": "#/components/schemas/AutomationStatus"},
          "remove_expired_customers": {
            "type": "boolean",
            "default": false,
            "description": "PAUSED → RUNNING only: first exit the tokens whose wait ended while paused."
          },
          "name": {"type": "string", "minLength": 1, "maxLength": 200, "description": "A new name."}
        },
        "example": {"status": "RUNNING", "remove_expired_customers": false}
      },
      "AutomationCounters": {
        "type": "object",
        "description": "The automation's counters.",
        "properties": {
          "entered": {"type": "integer", "format": "int64", "description": "Tokens started."},
          "completed": {"type": "integer", "format": "int64", "description": "Tokens that ended COMPLETED."},
          "exited": {
            "type": "integer",
            "format": "int64",
            "description": "Tokens that exited: exit condition, end date, archiving, `remove_expired_customers`."
          },
          "errors": {"type": "integer", "format": "int64", "description": "Tokens that ended in ERROR."},
          "sent": {
            "type": "integer",
            "format": "int64",
            "description": "Messages delivered (SMTP accepted the e-mail, HTTP answered 2xx)."
          },
          "delivered": {"type": "integer", "format": "int64", "description": "The same as `sent`."},
          "opens": {"type": "integer", "format": "int64", "description": "Loads of the open pixel."},
          "unique_opens": {
            "type": "integer",
            "format": "int64",
            "description": "Messages opened (the pixel, or a click) at least once."
          },
          "clicks": {"type": "integer", "format": "int64", "description": "Clicks on tracked links."},
          "unique_clicks": {"type": "integer", "format": "int64", "description": "Messages with at least one click."},
          "bounces": {
            "type": "integer",
            "format": "int64",
            "description": "Messages reported bounced (`POST /v1/bounces`)."
          },
          "unsubscribes": {
            "type": "integer",
            "format": "int64",
            "description": "Messages whose unsubscribe link was used."
          }
        }
      },
      "StepCounters": {
        "type": "object",
        "description": "A step's counters; AB_TEST steps also count `variant:<name>`: tokens sent down each variant.",
        "properties": {
          "entered": {"type": "integer", "format": "int64", "description": "Tokens that reached the step."},
          "completed": {
            "type": "integer",
            "format": "int64",
            "description": "Tokens that finished the step and moved on (or ended by a branch without connection)."
          },
          "errors": {
            "type": "integer",
            "format": "int64",
            "description": "Tokens that ended in ERROR in this step (bad settings, a template that fails to render…)."
          },
          "sent": {"type": "integer", "format": "int64", "description": "Messages delivered."},
          "delivered": {"type": "integer", "format": "int64", "description": "The same as `sent`."},
          "skipped": {
            "type": "integer",
            "format": "int64",
            "description": "Message steps skipped: no address, or unsubscribed."
          },
          "failed": {
            "type": "integer",
            "format": "int64",
            "description": "Messages that failed for good (permanent failure, or retries exhausted)."
          },
          "opens": {"type": "integer", "format": "int64", "description": "Loads of the open pixel."},
          "unique_opens": {"type": "integer", "format": "int64", "description": "Messages opened at least once."},
          "clicks": {"type": "integer", "format": "int64", "description": "Clicks on tracked links."},
          "unique_clicks": {"type": "integer", "format": "int64", "description": "Messages with at least one click."},
          "bounces": {"type": "integer", "format": "int64", "description": "Messages reported bounced."},
          "unsubscribes": {
            "type": "integer",
            "format": "int64",
            "description": "Messages whose unsubscribe link was used."
          }
        },
        "additionalProperties": {"type": "integer", "format": "int64"}
      },
      "AutomationStatistics": {
        "type": "object",
        "required": ["automation", "steps"],
        "properties": {
          "automation": {"$ref": "#/components/schemas/AutomationCounters"},
          "steps": {
            "type": "object",
            "additionalProperties": {"$ref": "#/components/schemas/StepCounters"},
            "description": "Step uuid → the step's counters."
          }
        }
      },
      "EnrollmentInput": {
        "type": "object",
        "additionalProperties": false,
        "required": ["contact"],
        "properties": {
          "contact": {
            "allOf": [{"$ref": "#/components/schemas/ContactIdentifiers"}],
            "description": "At least one identifier. The contact is the first match in the order uuid, external_id, email, phone, left unchanged; created when none matches (a uuid alone must exist)."
          },
          "data": {
            "description": "Run data: any JSON value, usually an object; `run.data` in templates and conditions. At most 65,536 bytes serialized; default `{}`."
          }
        },
        "example": {"contact": {"email": "ada@example.com"}, "data": {"coupon": "WELCOME10"}}
      },
      "AutomationToken": {
        "type": "object",
        "description": "One contact's run through one automation.",
        "required": [
          "uuid",
          "automation_uuid",
          "contact_uuid",
          "status",
          "step_uuid",
          "phase",
          "wake_at",
          "run_data",
          "entered_at",
          "step_entered_at",
          "error_message",
          "error_at"
        ],
        "properties": {
          "uuid": {"type": "string", "format": "uuid"},
          "automation_uuid": {"type": "string", "format": "uuid"},
          "contact_uuid": {
            "type": "string",
            "description": "The contact's uuid; an empty string in the answer to `POST /v1/automations/{uuid}/tokens`."
          },
          "status": {
            "type": "string",
            "enum": ["ACTIVE", "COMPLETED", "ERROR", "EXITED"],
            "description": "ACTIVE: on its way. COMPLETED: reached a branch without connection. ERROR: a step failed (see `error_message`). EXITED: exit condition, end date, archiving or `remove_expired_customers`."
          },
          "step_uuid": {"type": "string", "description": "The step it stands on (where it ended, once ended)."},
          "phase": {
            "type": "string",
            "enum": ["enter", "waiting", "delivery"],
            "description": "enter: the step has yet to run. waiting: a wait is running until `wake_at`. delivery: the step's message is being delivered."
          },
          "wake_at": {
            "type": "string",
            "format": "date-time",
            "nullable": true,
            "description": "When it runs next; null while it waits for a delivery, and once it ended."
          },
          "run_data": {"description": "The run data given at enrollment (`{}` for triggered tokens)."},
          "entered_at": {"type": "string", "format": "date-time"},
          "step_entered_at": {"type": "string", "format": "date-time"},
          "error_message": {"type": "string", "nullable": true},
          "error_at": {"type": "string", "format": "date-time", "nullable": true}
        }
      },
      "AutomationTokenMessage": {
        "type": "object",
        "required": ["uuid", "step_uuid", "channel", "status", "attempts", "last_error"],
        "properties": {
          "uuid": {
            "type": "string",
            "format": "uuid",
            "description": "The message's uuid (its e-mail's Message-ID is `<uuid@rivulet>`)."
          },
          "step_uuid": {"type": "string"},
          "channel": {"type": "string", "enum": ["email", "sms", "webhook"]},
          "status": {
            "type": "string",
            "enum": ["pending", "sending", "sent", "failed"],
            "description": "pending: queued or waiting for a retry. sending: an attempt is under way. sent: delivered. failed: failed for good."
          },
          "attempts": {"type": "integer", "description": "Delivery attempts made."},
          "last_error": {"type": "string", "description": "Why the last attempt failed; empty when it did not."}
        }
      },
      "AutomationTokenDetail": {
        "allOf": [
          {"$ref": "#/components/schemas/AutomationToken"},
          {
            "type": "object",
            "required": ["messages"],
            "properties": {
              "messages": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/AutomationTokenMessage"},
                "description": "Messages its steps queued, oldest first."
              }
            }
          }
        ]
      },
      "AutomationTokenResponse": {
        "type": "object",
        "required": ["token"],
        "properties": {"token": {"$ref": "#/components/schemas/AutomationToken"}}
      },
      "AutomationTokenDetailResponse": {
        "type": "object",
        "required": ["token"],
        "properties": {"token": {"$ref": "#/components/schemas/AutomationTokenDetail"}}
      },
      "Sender": {
        "type": "object",
        "required": ["uuid", "name", "from_name", "from_address", "reply_to", "created_at"],
        "properties": {
          "uuid": {"type": "string", "format": "uuid"},
          "name": {"type": "string"},
          "from_name": {"type": "string"},
          "from_address": {"type": "string"},
          "reply_to": {"type": "string", "description": "Empty: none."},
          "created_at": {"type": "string", "format": "date-time"}
        },
        "example": {
          "uuid": "0190a6ff-5555-7000-8000-000000000005",
          "name": "Support",
          "from_name": "Acme Support",
          "from_address": "support@acme.example",
          "reply_to": "help@acme.example",
          "created_at": "2024-05-10T12:47:38.123Z"
        }
      },
      "SenderInput": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "from_address"],
        "properties": {
          "name": {"type": "string", "minLength": 1, "maxLength": 200},
          "from_name": {"type": "string", "maxLength": 200, "description": "One line."},
          "from_address": {"type": "string", "maxLength": 254, "description": "An e-mail address."},
          "reply_to": {"type": "string", "maxLength": 254, "description": "An e-mail address."}
        },
        "example": {
          "name": "Support",
          "from_name": "Acme Support",
          "from_address": "support@acme.example",
          "reply_to": "help@acme.example"
        }
      },
      "SenderResponse": {
        "type": "object",
        "required": ["sender"],
        "properties": {"sender": {"$ref": "#/components/schemas/Sender"}}
      },
      "SenderList": {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Sender"}}}
      },
      "MessageTemplate": {
        "type": "object",
        "required": ["uuid", "name", "kind", "subject", "html", "text", "created_at", "updated_at"],
        "properties": {
          "uuid": {"type": "string", "format": "uuid"},
          "name": {"type": "string"},
          "kind": {"type": "string", "enum": ["email", "sms"]},
          "subject": {"type": "string"},
          "html": {"type": "string"},
          "text": {"type": "string"},
          "created_at": {"type": "string", "format": "date-time"},
          "updated_at": {"type": "string", "format": "date-time"}
        },
        "example": {
          "uuid": "0190a6ff-6666-7000-8000-000000000006",
          "name": "Welcome",
          "kind": "email",
          "subject": "Welcome, {{contact.first_name}}!",
          "html": "<p>Hi {{contact.first_name}},</p><p>Welcome aboard.</p><p><a href=\"{{{unsubscribe_url}}}\">Unsubscribe</a></p>",
          "text": "",
          "created_at": "2024-05-10T12:47:38.123Z",
          "updated_at": "2024-05-10T12:47:38.123Z"
        }
      },
      "MessageTemplateInput": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "description": "An e-mail template needs `subject` and `html` or `text`; an SMS template needs `text`. Every part must parse as a Mustache template.",
        "properties": {
          "name": {"type": "string", "minLength": 1, "maxLength": 200},
          "kind": {"type": "string", "enum": ["email", "sms"], "default": "email"},
          "subject": {"type": "string", "maxLength": 2000},
          "html": {"type": "string", "maxLength": 262144},
          "text": {"type": "string", "maxLength": 262144}
        },
        "example": {
          "name": "Welcome",
          "subject": "Welcome, {{contact.first_name}}!",
          "html": "<p>Hi {{contact.first_name}},</p><p>Welcome aboard.</p>"
        }
      },
      "MessageTemplateResponse": {
        "type": "object",
        "required": ["template"],
        "properties": {"template": {"$ref": "#/components/schemas/MessageTemplate"}}
      },
      "MessageTemplateList": {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/MessageTemplate"}}}
      },
      "SettingType": {
        "type": "string",
        "enum": ["SMTP", "SMS_GATEWAY", "WEBHOOK_SIGNING", "CLAB_API_SOAP", "HUB"],
        "description": "SMTP: the mail relay for e-mail steps (SmtpSettingValue). SMS_GATEWAY: the HTTP gateway for SMS steps (SmsGatewaySettingValue). WEBHOOK_SIGNING: the key that signs webhook steps (WebhookSigningSettingValue). CLAB_API_SOAP, HUB: Contactflow settings, stored as given."
      },
      "Setting": {
        "type": "object",
        "required": ["uuid", "label", "category", "type", "value"],
        "properties": {
          "uuid": {"type": "string", "format": "uuid"},
          "label": {"type": "string"},
          "category": {"type": "string", "enum": ["INTEGRATION"]},
          "type": {"$ref": "#/components/schemas/SettingType"},
          "value": {
            "anyOf": [
              {"$ref": "#/components/schemas/SmtpSettingValue"},
              {"$ref": "#/components/schemas/SmsGatewaySettingValue"},
              {"$ref": "#/components/schemas/WebhookSigningSettingValue"},
              {"type": "object", "additionalProperties": true}
            ],
            "description": "The value with its secrets masked: the top-level fields `password`, `secret`, `token` and `api_key` (when non-empty strings) and every value in `headers` read `********`."
          }
        },
        "example": {
          "uuid": "0190a6ff-7777-7000-8000-000000000007",
          "label": "Mail relay",
          "category": "INTEGRATION",
          "type": "SMTP",
          "value": {
            "url": "smtp://mail.acme.example:587",
            "username": "rivulet",
            "password": "********",
            "tls": "required"
          }
        }
      },
      "SettingInput": {
        "type": "object",
        "additionalProperties": false,
        "required": ["type"],
        "properties": {
          "uuid": {"type": "string", "description": "Ignored."},
          "label": {"type": "string", "maxLength": 200, "default": ""},
          "category": {"type": "string", "enum": ["INTEGRATION"], "default": "INTEGRATION"},
          "type": {"$ref": "#/components/schemas/SettingType"},
          "value": {
            "anyOf": [
              {"$ref": "#/components/schemas/SmtpSettingValue"},
              {"$ref": "#/components/schemas/SmsGatewaySettingValue"},
              {"$ref": "#/components/schemas/WebhookSigningSettingValue"},
              {"type": "object", "additionalProperties": true}
            ],
            "description": "An object of at most 65,536 bytes serialized, checked by `type`; default `{}`. Fields beyond the documented ones are kept."
          }
        }
      },
      "SmtpSettingValue": {
        "type": "object",
        "required": ["url"],
        "additionalProperties": true,
        "properties": {
          "url": {
            "type": "string",
            "description": "`smtp://host:port` (plain, upgraded by STARTTLS) or `smtps://host:port` (implicit TLS); no path.",
            "example": "smtp://mail.acme.example:587"
          },
          "username": {"type": "string", "description": "Authenticates when non-empty."},
          "password": {"type": "string", "description": "Secret: masked in responses."},
          "tls": {
            "type": "string",
            "enum": ["none", "starttls", "required"],
            "description": "none: no STARTTLS. starttls (or absent): STARTTLS when the server offers it. required: STARTTLS or fail."
          },
          "verify_peer": {
            "type": "boolean",
            "default": true,
            "description": "Verify the server's certificate and host name."
          },
          "helo_domain": {"type": "string", "description": "The EHLO name; default the From address's domain."},
          "unsubscribe_mailto": {
            "type": "string",
            "description": "The address of the `mailto:` List-Unsubscribe entry; default `unsubscribe@<From domain>`."
          }
        }
      },
      "SmsGatewaySettingValue": {
        "type": "object",
        "required": ["url"],
        "additionalProperties": true,
        "description": "Each SMS is POSTed to `url` with `headers`, `Content-Type: application/json` unless they set one, and `Idempotency-Key`.",
        "properties": {
          "url": {"type": "string", "description": "An http:// or https:// URL."},
          "headers": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Every value is masked in responses."
          },
          "body": {
            "type": "string",
            "description": "A Mustache template over `{\"to\", \"text\", \"message_id\"}`, rendered without escaping; default: that object as JSON.",
            "example": "{\"msisdn\": \"{{to}}\", \"message\": \"{{text}}\"}"
          }
        }
      },
      "WebhookSigningSettingValue": {
        "type": "object",
        "required": ["secret"],
        "additionalProperties": true,
        "description": "Webhook steps then send `X-Rivulet-Signature: t=<unix seconds>,v1=<hex>`, where `<hex>` is the lowercase hex HMAC-SHA256, keyed with `secret`, of `<t>.<raw body>`. Verify it in constant time and reject a `t` far from your clock.",
        "properties": {"secret": {"type": "string", "minLength": 16, "description": "Secret: masked in responses."}}
      },
      "SettingResponse": {
        "type": "object",
        "required": ["setting"],
        "properties": {"setting": {"$ref": "#/components/schemas/Setting"}}
      },
      "SettingList": {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": {"$ref": "#/components/schemas/Setting"}}}
      },
      "BounceInput": {
        "type": "object",
        "additionalProperties": false,
        "description": "`message_uuid`, or `message_id`, is needed.",
        "properties": {
          "message_id": {
            "type": "string",
            "maxLength": 300,
            "description": "The bounced e-mail's Message-ID: `<message uuid>@rivulet`, with or without angle brackets."
          },
          "message_uuid": {"type": "string", "maxLength": 64, "description": "The message's uuid."},
          "type": {"description": "Ignored."},
          "reason": {"description": "Ignored."}
        }
      },
      "BounceRecorded": {
        "type": "object",
        "required": ["recorded"],
        "properties": {"recorded": {"type": "boolean", "enum": [true]}}
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
      },
      "AutomationUuid": {
        "name": "uuid",
        "in": "path",
        "required": true,
        "description": "The automation's uuid.",
        "schema": {"type": "string", "format": "uuid"}
      },
      "TokenUuid": {
        "name": "uuid",
        "in": "path",
        "required": true,
        "description": "The token's uuid.",
        "schema": {"type": "string", "format": "uuid"}
      },
      "TemplateUuid": {
        "name": "uuid",
        "in": "path",
        "required": true,
        "description": "The template's uuid.",
        "schema": {"type": "string", "format": "uuid"}
      },
      "SettingUuid": {
        "name": "uuid",
        "in": "path",
        "required": true,
        "description": "The setting's uuid.",
        "schema": {"type": "string", "format": "uuid"}
      },
      "MessageUuid": {
        "name": "uuid",
        "in": "path",
        "required": true,
        "description": "The message's uuid.",
        "schema": {"type": "string", "format": "uuid"}
      },
      "LinkSignature": {
        "name": "s",
        "in": "query",
        "required": true,
        "description": "The link's signature, as Rivulet wrote it into the e-mail (32 hex characters).",
        "schema": {"type": "string"}
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
      },
      "WorkspaceForbidden": {
        "description": "permission_denied: the credential may not act on the workspace named in X-Rivulet-Workspace.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      },
      "TrackingInvalidLink": {
        "description": "The uuid or the signature is not valid: a small HTML page (\"This link is not valid.\").",
        "headers": {"Cache-Control": {"$ref": "#/components/headers/CacheControlNoStore"}},
        "content": {"text/html": {"schema": {"type": "string"}}}
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
