"""Black-box tests of the foundation: authentication, the admin API, workspace isolation,
contacts, events, body parsing, limits, keep-alive, restarts, the CLI and shutdown.

Run: cd test/integration && RIVULET_BIN=/path/to/rivulet python3 -m unittest -v test_foundation
"""

import json
import os
import re
import signal
import socket
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid

from rivulet_harness import (Client, RivuletServer, RivuletTestCase, parse_key_values,
                             parse_raw_response, run_cli)


def uniq(prefix="c"):
    return "%s%s" % (prefix, uuid.uuid4().hex[:12])


def new_email(prefix="c"):
    return "%s@example.com" % uniq(prefix)


def q(ref):
    """A contact reference quoted for a path segment ('@', ':' and '+' kept)."""
    return urllib.parse.quote(ref, safe="@:+")


def all_pages(test, client, path, limit=1000, max_pages=1000, **params):
    """Follows next_cursor from the first page; returns every item. Fails on a cursor loop."""
    items, cursor, seen_cursors = [], None, set()
    for _ in range(max_pages):
        query = dict(params, limit=limit)
        if cursor is not None:
            query["cursor"] = cursor
        r = client.get(path, query=query)
        test.assertEqual(r.status, 200, r)
        items.extend(r.json["data"])
        cursor = r.json["next_cursor"]
        if cursor is None:
            return items
        test.assertNotIn(cursor, seen_cursors, "cursor repeated: %r" % cursor)
        seen_cursors.add(cursor)
    test.fail("more than %d pages" % max_pages)


def metric_value(text, name, labels=None):
    """Sum of the samples of a Prometheus metric whose labels include `labels`."""
    total, found = 0.0, False
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)$", line)
        if not m or m.group(1) != name:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        if all(have.get(k) == v for k, v in (labels or {}).items()):
            total += float(m.group(3))
            found = True
    return total if found else None


# =============================================================================================
# System routes


class SystemRoutesTest(RivuletTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="system")

    def setUp(self):
        super().setUp()
        self.anon = self.server.client()
        self.api = self.server.client("api_key")

    def test_healthz_answers_ok_without_credentials(self):
        r = self.anon.get("/healthz")
        self.assertStatus(r, 200)
        self.assertEqual(r.json, {"status": "ok"})

    def test_readyz_reports_ready_with_the_database_ok(self):
        r = self.anon.get("/readyz")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["status"], "ready", r)
        self.assertEqual(r.json["database"], "ok", r)

    def test_metrics_count_requests_by_route_and_database_commits(self):
        email = new_email()
        self.assertStatus(self.api.post("/v1/contacts", json={"email": email}), 201)
        self.assertStatus(self.api.get("/v1/contacts/" + q(email)), 200)
        self.assertStatus(self.api.get("/v1/nowhere"), 404)
        r = self.anon.get("/metrics")
        self.assertStatus(r, 200)
        self.assertTrue(r.header("Content-Type", "").startswith("text/plain"), r.headers)
        text = r.body
        self.assertIn("rivulet_http_requests_total", text)
        self.assertGreaterEqual(metric_value(text, "rivulet_http_requests_total",
                                             {"route": "/v1/contacts", "method": "POST",
                                              "status": "201"}) or 0, 1, text)
        self.assertGreaterEqual(metric_value(text, "rivulet_http_requests_total",
                                             {"route": "/v1/contacts/{ref}", "method": "GET",
                                              "status": "200"}) or 0, 1, text)
        self.assertGreaterEqual(metric_value(text, "rivulet_http_requests_total",
                                             {"route": "unmatched", "status": "404"}) or 0, 1, text)
        commits = metric_value(text, "rivulet_db_commits_total")
        self.assertIsNotNone(commits, text)
        self.assertGreaterEqual(commits, 1, text)
        if os.environ.get("RIVULET_TEST_BACKEND", "sqlite") != "sqlite":
            # PostgreSQL flushes its own WAL: Rivulet times no syncs and says so by omission.
            self.assertIsNone(metric_value(text, "rivulet_db_sync_seconds_total"), text)
        else:
            # synchronous=FULL: the commits were synced, which took time; a commit's WAL
            # frames reached the file in fewer write() calls than SQLite made (decision 29).
            self.assertGreater(metric_value(text, "rivulet_db_syncs_total"), 0, text)
            self.assertGreater(metric_value(text, "rivulet_db_sync_seconds_total"), 0, text)
            frames = metric_value(text, "rivulet_db_wal_writes_total")
            calls = metric_value(text, "rivulet_db_wal_write_calls_total")
            self.assertIsNotNone(frames, text)
            self.assertIsNotNone(calls, text)
            self.assertGreater(calls, 0, text)
            self.assertLess(calls, frames, text)

    def test_every_response_carries_a_request_id(self):
        ids = []
        for r in (self.anon.get("/healthz"), self.anon.get("/v1/contacts"),
                  self.api.get("/v1/contacts"), self.api.get("/v1/nope"),
                  self.api.post("/v1/contacts", json={"email": new_email()})):
            rid = r.header("X-Request-Id")
            self.assertTrue(rid, r)
            ids.append(rid)
        self.assertEqual(len(set(ids)), len(ids), ids)
        # An error body names the request id too.
        r = self.anon.get("/v1/contacts")
        self.assertEqual(r.error.get("request_id"), r.header("X-Request-Id"), r)

    def test_a_client_request_id_is_echoed(self):
        r = self.api.get("/v1/contacts/nobody@example.com", headers={"X-Request-Id": "it-req-42"})
        self.assertNativeError(r, 404, "not_found")
        self.assertEqual(r.header("X-Request-Id"), "it-req-42")
        self.assertEqual(r.error.get("request_id"), "it-req-42")

    def test_unknown_v1_path_is_404_with_the_native_envelope(self):
        for client in (self.api, self.anon):
            r = client.get("/v1/no/such/thing")
            self.assertNativeError(r, 404, "not_found")
        self.assertNativeError(self.anon.get("/nothing-here"), 404, "not_found")

    def test_wrong_method_is_405_with_allow(self):
        r = self.api.put("/v1/contacts", json={})
        self.assertStatus(r, 405)
        allow = {m.strip() for m in (r.header("Allow") or "").split(",")}
        self.assertEqual(allow, {"GET", "POST"}, r.headers)
        self.assertIn("code", r.error)
        r = self.anon.delete("/healthz")
        self.assertStatus(r, 405)
        self.assertIn("GET", r.header("Allow") or "")

    def test_openapi_document_is_public_json(self):
        r = self.anon.get("/v1/openapi.json")
        self.assertStatus(r, 200)
        self.assertIsInstance(r.json, dict)


# =============================================================================================
# Authentication


class AuthenticationTest(RivuletTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="auth")

    def setUp(self):
        super().setUp()
        self.creds = self.server.creds
        self.anon = self.server.client()

    def assertCanReadContacts(self, client):
        r = client.get("/v1/contacts")
        self.assertStatus(r, 200)
        self.assertIn("data", r.json)

    def test_oauth_client_credentials_with_form_body_then_bearer_token(self):
        r = self.anon.post("/oauth/token", form={"grant_type": "client_credentials",
                                                  "client_id": self.creds.client_id,
                                                  "client_secret": self.creds.client_secret})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["token_type"], "Bearer")
        self.assertEqual(r.json["expires_in"], 3600)
        self.assertIn("no-store", r.header("Cache-Control") or "")
        token = r.json["access_token"]
        self.assertTrue(token)
        self.assertCanReadContacts(self.server.client(token))

    def test_oauth_client_credentials_with_json_body_and_integer_client_id(self):
        r = self.anon.post("/oauth/token", json={"grant_type": "client_credentials",
                                                  "client_id": int(self.creds.client_id),
                                                  "client_secret": self.creds.client_secret})
        self.assertStatus(r, 200)
        self.assertCanReadContacts(self.server.client(r.json["access_token"]))

    def test_oauth_wrong_secret_is_401_invalid_client(self):
        r = self.anon.post("/oauth/token", form={"grant_type": "client_credentials",
                                                  "client_id": self.creds.client_id,
                                                  "client_secret": "wrong-" + self.creds.client_secret})
        self.assertStatus(r, 401)
        self.assertEqual(r.json["error"], "invalid_client", r)
        self.assertTrue(r.header("WWW-Authenticate"), r.headers)

    def test_oauth_unknown_or_malformed_client_id_is_401(self):
        for cid in ("987654", "abc", "-1", "0"):
            with self.subTest(client_id=cid):
                r = self.anon.post("/oauth/token", form={"grant_type": "client_credentials",
                                                          "client_id": cid,
                                                          "client_secret": self.creds.client_secret})
                self.assertStatus(r, 401)
                self.assertEqual(r.json["error"], "invalid_client", r)

    def test_oauth_grant_type_is_checked(self):
        r = self.anon.post("/oauth/token", form={"grant_type": "password",
                                                  "client_id": self.creds.client_id,
                                                  "client_secret": self.creds.client_secret})
        self.assertStatus(r, 400)
        self.assertEqual(r.json["error"], "unsupported_grant_type", r)
        r = self.anon.post("/oauth/token", form={"client_id": self.creds.client_id,
                                                  "client_secret": self.creds.client_secret})
        self.assertStatus(r, 400)
        self.assertEqual(r.json["error"], "invalid_request", r)

    def test_api_key_works_as_bearer(self):
        api = self.server.client("api_key")
        self.assertCanReadContacts(api)
        self.assertStatus(api.post("/v1/contacts", json={"email": new_email()}), 201)

    def test_key_pair_headers_authenticate_on_v1(self):
        pair = self.server.client("keypair")
        self.assertCanReadContacts(pair)

    def test_all_three_credential_kinds_reach_the_same_workspace(self):
        email = new_email()
        self.assertStatus(self.server.client("api_key").post("/v1/contacts", json={"email": email}), 201)
        for kind in ("keypair", "oauth"):
            with self.subTest(kind=kind):
                r = self.server.client(kind).get("/v1/contacts/" + q(email))
                self.assertStatus(r, 200)
                self.assertEqual(r.json["contact"]["email"], email)

    def test_missing_credentials_is_401_native_envelope(self):
        r = self.anon.get("/v1/contacts")
        self.assertNativeError(r, 401, "unauthenticated")
        self.assertIn("Bearer", r.header("WWW-Authenticate") or "")

    def test_unknown_bearer_tokens_are_401(self):
        for token in ("rvt_" + "x" * 40, "rvk_" + "y" * 40, "garbage", "x" * 600):
            with self.subTest(token=token[:10]):
                self.assertNativeError(self.server.client(token).get("/v1/contacts"), 401,
                                       "unauthenticated")

    def test_non_bearer_authorization_scheme_is_401(self):
        r = self.server.client({"Authorization": "Basic dXNlcjpwYXNz"}).get("/v1/contacts")
        self.assertNativeError(r, 401, "unauthenticated")

    def test_wrong_secret_key_is_401(self):
        r = self.server.client({"PublicKey": self.creds.public_key,
                                "SecretKey": self.creds.secret_key + "x"}).get("/v1/contacts")
        self.assertNativeError(r, 401, "unauthenticated")
        r = self.server.client({"PublicKey": "pk_unknown",
                                "SecretKey": self.creds.secret_key}).get("/v1/contacts")
        self.assertNativeError(r, 401, "unauthenticated")

    def test_public_key_without_secret_key_is_401_with_fields(self):
        r = self.server.client({"PublicKey": self.creds.public_key}).get("/v1/contacts")
        self.assertNativeError(r, 401, "unauthenticated", field="SecretKey")

    def test_credentials_revoked_through_the_admin_api_stop_working(self):
        admin = self.server.client("admin")
        ws = self.creds.workspace_uuid
        for kind in ("apikey", "keypair", "oauth"):
            with self.subTest(kind=kind):
                cred = self.server.create_credential(ws, kind, label="to revoke")
                if kind == "apikey":
                    client = self.server.client(cred["api_key"])
                elif kind == "keypair":
                    client = self.server.client({"PublicKey": cred["public_key"],
                                                 "SecretKey": cred["secret_key"]})
                else:
                    token = self.server.oauth_token(cred["client_id"], cred["client_secret"])
                    client = self.server.client(token)
                self.assertCanReadContacts(client)
                self.assertStatus(admin.delete("/v1/credentials/%d" % cred["id"]), 204)
                self.assertNativeError(client.get("/v1/contacts"), 401, "unauthenticated")
                if kind == "oauth":
                    r = self.anon.post("/oauth/token", form={
                        "grant_type": "client_credentials", "client_id": cred["client_id"],
                        "client_secret": cred["client_secret"]})
                    self.assertStatus(r, 401)
                listed = admin.get("/v1/workspaces/%s/credentials" % ws)
                self.assertStatus(listed, 200)
                mine = [c for c in listed.json["data"] if c["id"] == cred["id"]]
                self.assertEqual(len(mine), 1, listed)
                self.assertIsNotNone(mine[0]["revoked_at"], mine)
        # The demo credentials are untouched.
        self.assertCanReadContacts(self.server.client("api_key"))

    def test_revoking_unknown_or_malformed_credential_id(self):
        admin = self.server.client("admin")
        self.assertNativeError(admin.delete("/v1/credentials/99999999"), 404, "not_found")
        self.assertNativeError(admin.delete("/v1/credentials/abc"), 400, "invalid_argument",
                               field="id")


# =============================================================================================
# Admin API


class AdminApiTest(RivuletTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="admin")

    def setUp(self):
        super().setUp()
        self.admin = self.server.client("admin")

    def test_admin_creates_a_workspace_and_credentials_of_every_kind(self):
        r = self.admin.post("/v1/workspaces", json={"name": "Second"})
        self.assertStatus(r, 201)
        ws = r.json["workspace"]
        self.assertEqual(ws["name"], "Second")
        self.assertTrue(ws["active"])
        listed = self.admin.get("/v1/workspaces")
        self.assertStatus(listed, 200)
        self.assertIn(ws["uuid"], [w["uuid"] for w in listed.json["data"]])
        self.assertStatus(self.admin.get("/v1/workspaces/" + ws["uuid"]), 200)

        clients = {}
        r = self.admin.post("/v1/workspaces/%s/credentials" % ws["uuid"],
                            json={"kind": "apikey", "label": "k"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["credential"]["kind"], "apikey")
        clients["apikey"] = self.server.client(r.json["credential"]["api_key"])
        r = self.admin.post("/v1/workspaces/%s/credentials" % ws["uuid"], json={"kind": "keypair"})
        self.assertStatus(r, 201)
        c = r.json["credential"]
        clients["keypair"] = self.server.client({"PublicKey": c["public_key"],
                                                 "SecretKey": c["secret_key"]})
        r = self.admin.post("/v1/workspaces/%s/credentials" % ws["uuid"], json={"kind": "oauth"})
        self.assertStatus(r, 201)
        c = r.json["credential"]
        self.assertEqual(c["client_id"], str(c["id"]))
        clients["oauth"] = self.server.client(self.server.oauth_token(c["client_id"],
                                                                      c["client_secret"]))
        email = new_email()
        self.assertStatus(clients["apikey"].post("/v1/contacts", json={"email": email}), 201)
        for kind, client in clients.items():
            with self.subTest(kind=kind):
                r = client.get("/v1/contacts")
                self.assertStatus(r, 200)
                self.assertEqual([c["email"] for c in r.json["data"]], [email])
        # Listing shows the credentials without their secrets.
        r = self.admin.get("/v1/workspaces/%s/credentials" % ws["uuid"])
        self.assertStatus(r, 200)
        self.assertEqual(sorted(c["kind"] for c in r.json["data"]), ["apikey", "keypair", "oauth"])
        for c in r.json["data"]:
            for secret in ("api_key", "secret_key", "client_secret"):
                self.assertNotIn(secret, c)
        # The demo workspace does not see the new contact.
        r = self.server.client("api_key").get("/v1/contacts", query={"email": email})
        self.assertEqual(r.json["data"], [], r)

    def test_workspace_credentials_get_403_on_admin_routes(self):
        creds = self.server.creds
        before = len(self.admin.get("/v1/workspaces").json["data"])
        for kind in ("api_key", "keypair", "oauth"):
            client = self.server.client(kind)
            with self.subTest(kind=kind):
                self.assertNativeError(client.post("/v1/workspaces", json={"name": "nope"}),
                                       403, "permission_denied")
                self.assertNativeError(
                    client.post("/v1/workspaces/%s/credentials" % creds.workspace_uuid,
                                json={"kind": "apikey"}), 403, "permission_denied")
                self.assertNativeError(client.get("/v1/workspaces"), 403, "permission_denied")
                self.assertNativeError(
                    client.get("/v1/workspaces/%s/credentials" % creds.workspace_uuid), 403,
                    "permission_denied")
                self.assertNativeError(client.delete("/v1/credentials/1"), 403,
                                       "permission_denied")
        self.assertEqual(len(self.admin.get("/v1/workspaces").json["data"]), before)
        # The OAuth client the demo owns (id 1) still works.
        self.assertStatus(self.server.client("oauth").get("/v1/contacts"), 200)

    def test_admin_routes_need_credentials(self):
        anon = self.server.client()
        self.assertNativeError(anon.post("/v1/workspaces", json={"name": "x"}), 401,
                               "unauthenticated")
        self.assertNativeError(anon.get("/v1/workspaces"), 401, "unauthenticated")

    def test_workspace_and_credential_input_is_validated(self):
        self.assertNativeError(self.admin.post("/v1/workspaces", json={}), 400,
                               "invalid_argument", field="name")
        self.assertNativeError(self.admin.post("/v1/workspaces", json={"name": "x", "color": 1}),
                               400, "invalid_argument", field="color")
        self.assertNativeError(self.admin.post("/v1/workspaces", json={"name": "x", "uuid": "nope"}),
                               400, "invalid_argument", field="uuid")
        ws = self.server.create_workspace()
        self.assertNativeError(
            self.admin.post("/v1/workspaces/%s/credentials" % ws["uuid"], json={"kind": "bogus"}),
            400, "invalid_argument", field="kind")
        self.assertNativeError(
            self.admin.post("/v1/workspaces/%s/credentials" % uuid.uuid4(), json={"kind": "apikey"}),
            404, "not_found")
        self.assertNativeError(
            self.admin.post("/v1/workspaces/not-a-uuid/credentials", json={"kind": "apikey"}),
            400, "invalid_argument")

    def test_workspace_uuid_may_be_chosen_once(self):
        chosen = str(uuid.uuid4())
        r = self.admin.post("/v1/workspaces", json={"name": "Chosen", "uuid": chosen.upper()})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["workspace"]["uuid"], chosen)
        r = self.admin.post("/v1/workspaces", json={"name": "Again", "uuid": chosen})
        self.assertNativeError(r, 409, "already_exists")

    def test_admin_key_acts_on_a_workspace_named_by_header(self):
        ws, client = self.server.workspace_client()
        email = new_email()
        self.assertStatus(client.post("/v1/contacts", json={"email": email}), 201)
        # Not bound to a workspace: the admin must name one.
        self.assertNativeError(self.admin.get("/v1/contacts"), 400, "invalid_argument")
        r = self.admin.get("/v1/contacts", headers={"X-Rivulet-Workspace": ws["uuid"]})
        self.assertStatus(r, 200)
        self.assertEqual([c["email"] for c in r.json["data"]], [email])

    def test_workspace_key_cannot_name_another_workspace(self):
        ws, _ = self.server.workspace_client()
        api = self.server.client("api_key")
        self.assertNativeError(api.get("/v1/contacts", headers={"X-Rivulet-Workspace": ws["uuid"]}),
                               403, "permission_denied")
        self.assertNativeError(api.get("/v1/contacts", headers={"X-Rivulet-Workspace": "nope"}),
                               400, "invalid_argument")
        # Naming its own workspace is fine.
        r = api.get("/v1/contacts", headers={"X-Rivulet-Workspace": self.server.creds.workspace_uuid})
        self.assertStatus(r, 200)


# =============================================================================================
# Workspace isolation


class IsolationTest(RivuletTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="isolation")

    def setUp(self):
        super().setUp()
        self.a = self.server.client("api_key")
        _, self.b = self.server.workspace_client("B")
        self.email = new_email("a")
        self.phone = "+3161%07d" % (uuid.uuid4().int % 10000000)
        self.ext = uniq("ext-")
        r = self.a.post("/v1/contacts", json={"email": self.email, "phone": self.phone,
                                              "external_id": self.ext,
                                              "attributes": {"plan": "gold"}, "tags": ["vip"]})
        self.assertStatus(r, 201)
        self.contact = r.json["contact"]
        r = self.a.post("/v1/events", json={"type": "order", "contact_uuid": self.contact["uuid"]})
        self.assertStatus(r, 201)

    def assertAUnchanged(self):
        r = self.a.get("/v1/contacts/" + self.contact["uuid"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json["contact"], self.contact)

    def test_other_workspace_cannot_read_a_contact_by_any_reference(self):
        for ref in (self.contact["uuid"], self.email, "email:" + self.email,
                    "phone:" + self.phone, "external_id:" + self.ext):
            with self.subTest(ref=ref):
                self.assertNativeError(self.b.get("/v1/contacts/" + q(ref)), 404, "not_found")
                self.assertNativeError(self.b.get("/v1/contacts/%s/events" % q(ref)), 404,
                                       "not_found")

    def test_other_workspace_lists_and_events_are_empty(self):
        for params in ({}, {"email": self.email}, {"tag": "vip"}, {"external_id": self.ext}):
            with self.subTest(params=params):
                r = self.b.get("/v1/contacts", query=params)
                self.assertStatus(r, 200)
                self.assertEqual(r.json["data"], [])
                self.assertIsNone(r.json["next_cursor"])
        r = self.b.get("/v1/events")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["data"], [])
        r = self.b.get("/v1/events", query={"type": "order"})
        self.assertEqual(r.json["data"], [])

    def test_other_workspace_cannot_change_or_delete_a_contact(self):
        for ref in (self.contact["uuid"], self.email):
            with self.subTest(ref=ref):
                self.assertNativeError(self.b.patch("/v1/contacts/" + q(ref),
                                                    json={"attributes": {"plan": "stolen"}}),
                                       404, "not_found")
                self.assertNativeError(self.b.delete("/v1/contacts/" + q(ref)), 404, "not_found")
                self.assertNativeError(self.b.post("/v1/contacts/%s/subscriptions" % q(ref),
                                                   json={"channel": "email", "subscribed": False}),
                                       404, "not_found")
        self.assertNativeError(self.b.post("/v1/events", json={"type": "x",
                                                               "contact_uuid": self.contact["uuid"]}),
                               404, "not_found")
        self.assertAUnchanged()
        r = self.a.get("/v1/contacts/%s/events" % self.contact["uuid"])
        self.assertEqual([e["type"] for e in r.json["data"]], ["contact_created", "order"])

    def test_the_same_identifiers_may_exist_in_two_workspaces(self):
        r = self.b.post("/v1/contacts", json={"email": self.email, "phone": self.phone,
                                              "external_id": self.ext})
        self.assertStatus(r, 201)
        self.assertNotEqual(r.json["contact"]["uuid"], self.contact["uuid"])
        # An event by identifier in B lands on B's contact.
        r = self.b.post("/v1/events", json={"type": "b_event", "contact": {"email": self.email}})
        self.assertStatus(r, 201)
        self.assertNotEqual(r.json["event"]["contact_uuid"], self.contact["uuid"])
        self.assertAUnchanged()
        r = self.a.get("/v1/events", query={"type": "b_event"})
        self.assertEqual(r.json["data"], [])
        # Upserting in B never touches A.
        r = self.b.post("/v1/contacts/upsert", json={"email": self.email, "attributes": {"plan": "b"}})
        self.assertStatus(r, 200)
        self.assertAUnchanged()


# =============================================================================================
# Contacts


class ContactsTest(RivuletTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="contacts")

    def setUp(self):
        super().setUp()
        # Every test gets its own workspace, so lists hold only what the test made.
        self.ws, self.api = self.server.workspace_client()

    def create(self, **fields):
        r = self.api.post("/v1/contacts", json=fields)
        self.assertStatus(r, 201)
        self.assertTrue(r.json["created"])
        return r.json["contact"]

    def get(self, ref):
        return self.api.get("/v1/contacts/" + q(ref))

    def events_of(self, ref):
        r = self.api.get("/v1/contacts/%s/events" % q(ref))
        self.assertStatus(r, 200)
        return r.json["data"]

    def test_create_returns_201_with_normalised_identifiers(self):
        r = self.api.post("/v1/contacts", json={"email": "  Ann.Smith@Example.COM ",
                                                "phone": "+31 (6) 1234-5678",
                                                "external_id": " user-1 ",
                                                "attributes": {"first_name": "Ann", "age": 41},
                                                "tags": ["b", "a", "a"],
                                                "timezone": "Europe/Amsterdam"})
        self.assertStatus(r, 201)
        self.assertIs(r.json["created"], True)
        c = r.json["contact"]
        self.assertRegex(c["uuid"], r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertEqual(c["email"], "ann.smith@example.com")
        self.assertEqual(c["phone"], "+31612345678")
        self.assertEqual(c["external_id"], "user-1")
        self.assertEqual(c["attributes"], {"first_name": "Ann", "age": 41})
        self.assertEqual(c["tags"], ["a", "b"])
        self.assertEqual(c["timezone"], "Europe/Amsterdam")
        self.assertEqual(c["subscriptions"], {})
        self.assertRegex(c["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(c["created_at"], c["updated_at"])
        self.assertEqual(self.get(c["uuid"]).json["contact"], c)

    def test_duplicate_identifiers_are_409(self):
        c = self.create(email="dup@example.com", phone="+31600000001", external_id="x1")
        for fields in ({"email": "DUP@example.com"}, {"phone": "+31 600 000 001"},
                       {"external_id": "x1"}):
            with self.subTest(fields=fields):
                self.assertNativeError(self.api.post("/v1/contacts", json=fields), 409,
                                       "already_exists")
        r = self.api.get("/v1/contacts")
        self.assertEqual([x["uuid"] for x in r.json["data"]], [c["uuid"]])

    def test_upsert_by_email_phone_and_external_id(self):
        for ident in ({"email": "up@example.com"}, {"phone": "+447700900123"},
                      {"external_id": "crm-77"}):
            with self.subTest(ident=ident):
                r = self.api.post("/v1/contacts/upsert", json=dict(ident, attributes={"n": 1}))
                self.assertStatus(r, 201)
                self.assertIs(r.json["created"], True)
                first = r.json["contact"]
                r = self.api.post("/v1/contacts/upsert", json=dict(ident, attributes={"m": 2}))
                self.assertStatus(r, 200)
                self.assertIs(r.json["created"], False)
                self.assertEqual(r.json["contact"]["uuid"], first["uuid"])
                self.assertEqual(r.json["contact"]["attributes"], {"n": 1, "m": 2})
                # Nothing to change: still 200, no new event.
                n_events = len(self.events_of(first["uuid"]))
                r = self.api.post("/v1/contacts/upsert", json=dict(ident, attributes={"m": 2}))
                self.assertStatus(r, 200)
                self.assertIs(r.json["created"], False)
                self.assertEqual(len(self.events_of(first["uuid"])), n_events)
        self.assertEqual(len(all_pages(self, self.api, "/v1/contacts")), 3)

    def test_upsert_matches_by_external_id_before_email(self):
        a = self.create(email="first@example.com", external_id="ext-a")
        r = self.api.post("/v1/contacts/upsert", json={"external_id": "ext-a",
                                                       "email": "changed@example.com"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["contact"]["uuid"], a["uuid"])
        self.assertEqual(r.json["contact"]["email"], "changed@example.com")

    def test_upsert_without_an_identifier_is_400(self):
        self.assertNativeError(self.api.post("/v1/contacts/upsert", json={"attributes": {"a": 1}}),
                               400, "invalid_argument", field="contact")
        self.assertEqual(self.api.get("/v1/contacts").json["data"], [])

    def test_get_by_every_kind_of_reference(self):
        c = self.create(email="refs@example.com", phone="+31612340000", external_id="ext 1:2")
        for ref in (c["uuid"], c["uuid"].upper(), "refs@example.com", "REFS@example.com",
                    "email:refs@example.com", "phone:+31612340000", "phone:+31 6 1234 0000",
                    "external_id:ext 1:2"):
            with self.subTest(ref=ref):
                r = self.api.get("/v1/contacts/" + urllib.parse.quote(ref, safe="@:+"))
                self.assertStatus(r, 200)
                self.assertEqual(r.json["contact"]["uuid"], c["uuid"])
        self.assertNativeError(self.get(str(uuid.uuid4())), 404, "not_found")
        self.assertNativeError(self.get("nobody@example.com"), 404, "not_found")
        self.assertNativeError(self.get("external_id:nope"), 404, "not_found")
        self.assertNativeError(self.get("not-a-reference"), 400, "invalid_argument", field="ref")
        self.assertNativeError(self.get("phone:abc"), 400, "invalid_argument")

    def test_reference_with_an_encoded_slash_finds_the_contact(self):
        # External ids may hold any printable character, '/' included; a client escapes it
        # as %2F inside the path segment (RFC 3986), which must not split the path.
        c = self.create(external_id="shop/42")
        r = self.api.get("/v1/contacts/" + urllib.parse.quote("external_id:shop/42", safe=":"))
        self.assertStatus(r, 200)
        self.assertEqual(r.json["contact"]["uuid"], c["uuid"])

    def test_list_filters_by_email_phone_external_id_tag_and_updated_after(self):
        a = self.create(email="a@example.com", tags=["red"], external_id="ea")
        b = self.create(email="b@example.com", tags=["red", "blue"], phone="+31611111111")
        time.sleep(0.02)
        c = self.create(email="c@example.com", tags=["blue"])

        def uuids(**params):
            r = self.api.get("/v1/contacts", query=params)
            self.assertStatus(r, 200)
            return [x["uuid"] for x in r.json["data"]]

        self.assertEqual(uuids(), [a["uuid"], b["uuid"], c["uuid"]])
        self.assertEqual(uuids(email="B@Example.com"), [b["uuid"]])
        self.assertEqual(uuids(phone="+31 611 111 111"), [b["uuid"]])
        self.assertEqual(uuids(external_id="ea"), [a["uuid"]])
        self.assertEqual(uuids(tag="red"), [a["uuid"], b["uuid"]])
        self.assertEqual(uuids(tag="blue"), [b["uuid"], c["uuid"]])
        self.assertEqual(uuids(tag="green"), [])
        self.assertEqual(uuids(tag="blue", email="c@example.com"), [c["uuid"]])
        self.assertEqual(uuids(updated_after=b["updated_at"]), [c["uuid"]])
        self.assertEqual(uuids(updated_after="2000-01-01T00:00:00Z"),
                         [a["uuid"], b["uuid"], c["uuid"]])
        # Updating a moves it past the mark.
        time.sleep(0.02)
        r = self.api.patch("/v1/contacts/" + a["uuid"], json={"attributes": {"x": 1}})
        self.assertStatus(r, 200)
        self.assertEqual(uuids(updated_after=c["updated_at"]), [a["uuid"]])

    def test_cursor_pagination_visits_every_contact_exactly_once(self):
        made = [self.create(email="p%d@example.com" % i, tags=["page"])["uuid"] for i in range(7)]
        self.create(email="other@example.com")  # filtered out by tag
        seen, sizes, cursor = [], [], None
        for _ in range(10):
            query = {"limit": 3, "tag": "page"}
            if cursor is not None:
                query["cursor"] = cursor
            r = self.api.get("/v1/contacts", query=query)
            self.assertStatus(r, 200)
            sizes.append(len(r.json["data"]))
            seen += [x["uuid"] for x in r.json["data"]]
            cursor = r.json["next_cursor"]
            if cursor is None:
                break
            self.assertIsInstance(cursor, str)
        self.assertIsNone(cursor, "pagination did not end")
        self.assertEqual(sizes, [3, 3, 1])
        self.assertEqual(seen, made)  # in creation order, no duplicates, no gaps

    def test_list_rejects_bad_parameters(self):
        for params, field in (({"limit": 0}, "limit"), ({"limit": 1001}, "limit"),
                              ({"limit": "x"}, "limit"), ({"cursor": "abc"}, "cursor"),
                              ({"colour": "red"}, "colour"), ({"email": "no-at"}, "email"),
                              ({"updated_after": "yesterday"}, "updated_after")):
            with self.subTest(params=params):
                self.assertNativeError(self.api.get("/v1/contacts", query=params), 400,
                                       "invalid_argument", field=field)

    def test_patch_merges_attributes_and_null_deletes_a_key(self):
        c = self.create(email="m@example.com", attributes={"a": 1, "b": "two", "c": [3]})
        r = self.api.patch("/v1/contacts/" + c["uuid"],
                           json={"attributes": {"b": None, "d": {"e": True}, "a": 10}})
        self.assertStatus(r, 200)
        self.assertIs(r.json["created"], False)
        self.assertEqual(r.json["contact"]["attributes"], {"a": 10, "c": [3], "d": {"e": True}})
        self.assertEqual(self.get(c["uuid"]).json["contact"]["attributes"],
                         {"a": 10, "c": [3], "d": {"e": True}})
        # Deleting a missing key is not a change.
        n = len(self.events_of(c["uuid"]))
        r = self.api.patch("/v1/contacts/" + c["uuid"], json={"attributes": {"zz": None}})
        self.assertStatus(r, 200)
        self.assertEqual(len(self.events_of(c["uuid"])), n)

    def test_patch_adds_removes_and_replaces_tags(self):
        c = self.create(email="t@example.com", tags=["x", "y"])
        r = self.api.patch("/v1/contacts/" + c["uuid"], json={"add_tags": ["z"], "remove_tags": ["x"]})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["contact"]["tags"], ["y", "z"])
        r = self.api.patch("/v1/contacts/email:t@example.com", json={"tags": ["q"]})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["contact"]["tags"], ["q"])
        self.assertNativeError(self.api.patch("/v1/contacts/" + c["uuid"],
                                              json={"add_tags": ["bad tag!"]}),
                               400, "invalid_argument", field="add_tags")
        self.assertEqual(self.get(c["uuid"]).json["contact"]["tags"], ["q"])

    def test_unknown_timezone_is_400_with_fields_timezone(self):
        c = self.create(email="tz@example.com")
        self.assertNativeError(self.api.patch("/v1/contacts/" + c["uuid"],
                                              json={"timezone": "Mars/Base"}),
                               400, "invalid_argument", field="timezone")
        self.assertNativeError(self.api.post("/v1/contacts", json={"email": "tz2@example.com",
                                                                   "timezone": "Mars/Base"}),
                               400, "invalid_argument", field="timezone")
        self.assertNativeError(self.get("tz2@example.com"), 404, "not_found")
        r = self.api.patch("/v1/contacts/" + c["uuid"], json={"timezone": "America/New_York"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["contact"]["timezone"], "America/New_York")

    def test_patch_rules(self):
        c = self.create(email="rules@example.com")
        self.create(email="taken@example.com")
        self.assertNativeError(self.api.patch("/v1/contacts/" + c["uuid"],
                                              json={"uuid": str(uuid.uuid4())}),
                               400, "invalid_argument", field="uuid")
        self.assertNativeError(self.api.patch("/v1/contacts/" + c["uuid"],
                                              json={"email": "taken@example.com"}),
                               409, "already_exists")
        self.assertNativeError(self.api.patch("/v1/contacts/" + str(uuid.uuid4()),
                                              json={"attributes": {"a": 1}}),
                               404, "not_found")
        self.assertEqual(self.get(c["uuid"]).json["contact"]["email"], "rules@example.com")
        r = self.api.patch("/v1/contacts/" + c["uuid"], json={"email": "Renamed@Example.com"})
        self.assertStatus(r, 200)
        self.assertStatus(self.get("renamed@example.com"), 200)
        self.assertNativeError(self.get("rules@example.com"), 404, "not_found")

    def test_subscriptions_by_channel_and_group(self):
        c = self.create(email="sub@example.com", phone="+31698765432")
        r = self.api.post("/v1/contacts/%s/subscriptions" % c["uuid"],
                          json={"channel": "email", "subscribed": False})
        self.assertStatus(r, 200)
        subs = r.json["contact"]["subscriptions"]
        self.assertIs(subs["email"]["subscribed"], False)
        r = self.api.post("/v1/contacts/phone:+31698765432/subscriptions",
                          json={"channel": "sms", "subscribed": True, "group": "news"})
        self.assertStatus(r, 200)
        subs = self.get(c["uuid"]).json["contact"]["subscriptions"]
        self.assertIs(subs["email"]["subscribed"], False)
        self.assertIs(subs["groups"]["news"], True)
        # Form clients send booleans as strings.
        r = self.api.post("/v1/contacts/%s/subscriptions" % c["uuid"],
                          form={"channel": "email", "subscribed": "1"})
        self.assertStatus(r, 200)
        self.assertIs(r.json["contact"]["subscriptions"]["email"]["subscribed"], True)
        types = [e["type"] for e in self.events_of(c["uuid"])]
        self.assertEqual(types, ["contact_created"] + ["contact_updated"] * 3)

    def test_subscription_input_is_validated(self):
        c = self.create(email="subv@example.com")
        path = "/v1/contacts/%s/subscriptions" % c["uuid"]
        self.assertNativeError(self.api.post(path, json={"channel": "fax", "subscribed": True}),
                               400, "invalid_argument", field="channel")
        self.assertNativeError(self.api.post(path, json={"channel": "email"}), 400,
                               "invalid_argument", field="subscribed")
        self.assertNativeError(self.api.post(path, json={"channel": "email", "subscribed": "maybe"}),
                               400, "invalid_argument", field="subscribed")
        self.assertNativeError(self.api.post("/v1/contacts/%s/subscriptions" % uuid.uuid4(),
                                             json={"channel": "email", "subscribed": True}),
                               404, "not_found")

    def test_delete_erases_the_contact_and_its_events(self):
        keep = self.create(email="keep@example.com")
        c = self.create(email="gone@example.com", phone="+31655555555")
        r = self.api.post("/v1/events", json={"type": "viewed", "contact_uuid": c["uuid"],
                                              "idempotency_key": "gone-1"})
        self.assertStatus(r, 201)
        self.assertEqual(len(self.events_of(c["uuid"])), 2)
        r = self.api.delete("/v1/contacts/" + c["uuid"])
        self.assertStatus(r, 204)
        self.assertEqual(r.raw, b"")
        for ref in (c["uuid"], "gone@example.com", "phone:+31655555555"):
            self.assertNativeError(self.get(ref), 404, "not_found")
        self.assertNativeError(self.api.get("/v1/contacts/%s/events" % c["uuid"]), 404, "not_found")
        events = all_pages(self, self.api, "/v1/events")
        self.assertEqual({e["contact_uuid"] for e in events}, {keep["uuid"]})
        self.assertNativeError(self.api.delete("/v1/contacts/" + c["uuid"]), 404, "not_found")
        # The identifiers are free again; the old idempotency key went with the events.
        again = self.create(email="gone@example.com", phone="+31655555555")
        self.assertNotEqual(again["uuid"], c["uuid"])
        r = self.api.post("/v1/events", json={"type": "viewed", "contact_uuid": again["uuid"],
                                              "idempotency_key": "gone-1"})
        self.assertStatus(r, 201)
        self.assertStatus(self.get(keep["uuid"]), 200)

    def test_delete_by_email_reference(self):
        self.create(email="bye@example.com")
        self.assertStatus(self.api.delete("/v1/contacts/email:bye@example.com"), 204)
        self.assertNativeError(self.get("bye@example.com"), 404, "not_found")

    def test_batch_upserts_2500_contacts_in_one_request(self):
        contacts = [{"email": "bulk%d@example.com" % i, "attributes": {"i": i},
                     "tags": ["bulk"]} for i in range(2500)]
        r = self.api.post("/v1/contacts/batch", json={"contacts": contacts})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["created"], 2500)
        self.assertEqual(r.json["updated"], 0)
        self.assertEqual(len(r.json["contacts"]), 2500)
        self.assertTrue(all(x["created"] for x in r.json["contacts"]))
        listed = all_pages(self, self.api, "/v1/contacts", limit=1000)
        self.assertEqual(len(listed), 2500)
        self.assertEqual({c["email"] for c in listed}, {c["email"] for c in contacts})
        self.assertEqual([x["uuid"] for x in r.json["contacts"]], [c["uuid"] for c in listed])
        self.assertEqual(self.get("bulk1234@example.com").json["contact"]["attributes"], {"i": 1234})
        # Again, changing ten of them: nothing created, ten updated.
        for c in contacts[:10]:
            c["attributes"] = {"i": -1}
        r = self.api.post("/v1/contacts/batch", json={"contacts": contacts})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["created"], r.json["updated"]), (0, 10))
        self.assertEqual(len(all_pages(self, self.api, "/v1/contacts", limit=1000)), 2500)

    def test_batch_with_one_invalid_item_stores_nothing(self):
        contacts = [{"email": "ok%d@example.com" % i} for i in range(5)]
        contacts.insert(3, {"email": "not-an-email"})
        r = self.api.post("/v1/contacts/batch", json={"contacts": contacts})
        self.assertNativeError(r, 400, "invalid_argument", field="contacts[3].email")
        contacts[3] = {"attributes": {"no": "identifier"}}
        r = self.api.post("/v1/contacts/batch", json={"contacts": contacts})
        self.assertNativeError(r, 400, "invalid_argument", field="contacts[3]")
        self.assertEqual(self.api.get("/v1/contacts").json["data"], [])

    def test_batch_conflict_inside_the_transaction_rolls_everything_back(self):
        existing = self.create(email="existing@example.com", attributes={"v": 1})
        r = self.api.post("/v1/contacts/batch", json={"contacts": [
            {"email": "fresh@example.com", "phone": "+31622222222"},
            {"email": "existing@example.com", "phone": "+31622222222", "attributes": {"v": 2}},
        ]})
        self.assertNativeError(r, 409, "already_exists")
        self.assertNativeError(self.get("fresh@example.com"), 404, "not_found")
        self.assertEqual(self.get(existing["uuid"]).json["contact"], existing)
        self.assertEqual([e["type"] for e in self.events_of(existing["uuid"])], ["contact_created"])

    def test_batch_shape_and_size_are_checked(self):
        self.assertNativeError(self.api.post("/v1/contacts/batch", json={"contacts": {}}), 400,
                               "invalid_argument", field="contacts")
        self.assertNativeError(self.api.post("/v1/contacts/batch", json={}), 400,
                               "invalid_argument", field="contacts")
        too_many = [{"external_id": str(i)} for i in range(10001)]
        self.assertNativeError(self.api.post("/v1/contacts/batch", json={"contacts": too_many}),
                               413, "payload_too_large")
        self.assertEqual(self.api.get("/v1/contacts").json["data"], [])

    def test_contact_created_and_updated_events_are_listed_per_contact(self):
        c = self.create(email="ev@example.com")
        r = self.api.patch("/v1/contacts/" + c["uuid"], json={"attributes": {"a": 1}})
        self.assertStatus(r, 200)
        # The same values again: no change, no event.
        r = self.api.patch("/v1/contacts/" + c["uuid"], json={"attributes": {"a": 1}})
        self.assertStatus(r, 200)
        r = self.api.post("/v1/contacts/upsert", json={"email": "ev@example.com", "tags": ["t"]})
        self.assertStatus(r, 200)
        events = self.events_of("ev@example.com")
        self.assertEqual([e["type"] for e in events],
                         ["contact_created", "contact_updated", "contact_updated"])
        for e in events:
            self.assertEqual(e["contact_uuid"], c["uuid"])
        r = self.api.get("/v1/contacts/%s/events" % c["uuid"], query={"type": "contact_updated"})
        self.assertEqual(len(r.json["data"]), 2)
        r = self.api.get("/v1/contacts/%s/events" % c["uuid"], query={"limit": 2})
        self.assertEqual(len(r.json["data"]), 2)
        self.assertIsNotNone(r.json["next_cursor"])
        r = self.api.get("/v1/contacts/%s/events" % c["uuid"],
                         query={"limit": 2, "cursor": r.json["next_cursor"]})
        self.assertEqual([e["uuid"] for e in r.json["data"]], [events[2]["uuid"]])


# =============================================================================================
# Events


class EventsTest(RivuletTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="events")

    def setUp(self):
        super().setUp()
        self.ws, self.api = self.server.workspace_client()

    def count(self, **params):
        return len(all_pages(self, self.api, "/v1/events", **params))

    def test_single_event_with_identifiers_creates_the_contact(self):
        r = self.api.post("/v1/events", json={"type": "order_placed",
                                              "contact": {"email": "Buyer@Example.com"},
                                              "data": {"total": 12.5, "items": ["a"]}})
        self.assertStatus(r, 201)
        e = r.json["event"]
        self.assertEqual(e["type"], "order_placed")
        self.assertIs(e["duplicate"], False)
        self.assertIsNone(e["idempotency_key"])
        c = self.api.get("/v1/contacts/buyer@example.com")
        self.assertStatus(c, 200)
        self.assertEqual(c.json["contact"]["uuid"], e["contact_uuid"])
        r = self.api.get("/v1/contacts/%s/events" % e["contact_uuid"])
        self.assertEqual([x["type"] for x in r.json["data"]], ["contact_created", "order_placed"])
        stored = r.json["data"][1]
        self.assertEqual(stored["uuid"], e["uuid"])
        self.assertEqual(stored["data"], {"total": 12.5, "items": ["a"]})
        self.assertEqual(stored["occurred_at"], stored["received_at"])
        self.assertEqual(stored["occurred_at"], e["occurred_at"])

    def test_event_by_identifier_uses_the_existing_contact(self):
        r = self.api.post("/v1/contacts", json={"phone": "+31633333333", "attributes": {"k": 1}})
        self.assertStatus(r, 201)
        c = r.json["contact"]
        r = self.api.post("/v1/events", json={"type": "sms_reply",
                                              "contact": {"phone": "+31 633 333 333"}})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["event"]["contact_uuid"], c["uuid"])
        self.assertEqual(len(self.api.get("/v1/contacts").json["data"]), 1)
        self.assertEqual(self.api.get("/v1/contacts/" + c["uuid"]).json["contact"], c)
        self.assertEqual(self.count(type="contact_created"), 1)

    def test_event_by_contact_uuid(self):
        c = self.api.post("/v1/contacts", json={"email": "u@example.com"}).json["contact"]
        r = self.api.post("/v1/events", json={"type": "login", "contact_uuid": c["uuid"].upper(),
                                              "occurred_at": "2024-01-02T03:04:05Z"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["event"]["contact_uuid"], c["uuid"])
        self.assertTrue(r.json["event"]["occurred_at"].startswith("2024-01-02T03:04:05"), r)

    def test_event_for_an_unknown_contact_uuid_is_404_and_stores_nothing(self):
        r = self.api.post("/v1/events", json={"type": "x", "contact_uuid": str(uuid.uuid4())})
        self.assertNativeError(r, 404, "not_found", field="events[0].contact")
        self.assertEqual(self.count(), 0)
        self.assertEqual(self.api.get("/v1/contacts").json["data"], [])

    def test_event_input_is_validated(self):
        cases = [
            ({"type": "x"}, "contact"),
            ({"contact": {"email": "a@example.com"}}, "type"),
            ({"type": "bad type!", "contact": {"email": "a@example.com"}}, "type"),
            ({"type": "x", "contact": {"email": "a@example.com", "attributes": {}}},
             "contact.attributes"),
            ({"type": "x", "contact": {"email": "nope"}}, "contact.email"),
            ({"type": "x", "contact": "a@example.com"}, "contact"),
            ({"type": "x", "contact_uuid": "nope"}, "contact_uuid"),
            ({"type": "x", "contact": {"email": "a@example.com"}, "occurred_at": "soon"},
             "occurred_at"),
            ({"type": "x", "contact": {"email": "a@example.com"}, "data": [1]}, "data"),
            ({"type": "x", "contact": {"email": "a@example.com"}, "extra": 1}, "extra"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                self.assertNativeError(self.api.post("/v1/events", json=body), 400,
                                       "invalid_argument", field=field)
        self.assertEqual(self.count(), 0)
        self.assertEqual(self.api.get("/v1/contacts").json["data"], [])

    def test_batch_of_1000_events_is_stored(self):
        events = [{"type": "page_view", "contact": {"external_id": "v%d" % (i % 10)},
                   "data": {"n": i}} for i in range(1000)]
        r = self.api.post("/v1/events", json={"events": events})
        self.assertStatus(r, 201)
        self.assertEqual(len(r.json["events"]), 1000)
        self.assertEqual(len({e["uuid"] for e in r.json["events"]}), 1000)
        self.assertEqual({e["duplicate"] for e in r.json["events"]}, {False})
        stored = all_pages(self, self.api, "/v1/events", limit=300, type="page_view")
        self.assertEqual([e["uuid"] for e in stored], [e["uuid"] for e in r.json["events"]])
        self.assertEqual([e["data"]["n"] for e in stored], list(range(1000)))
        self.assertEqual(len(self.api.get("/v1/contacts").json["data"]), 10)
        self.assertEqual(self.count(type="contact_created"), 10)

    def test_batch_of_1001_events_is_413_and_stores_nothing(self):
        events = [{"type": "page_view", "contact": {"external_id": "v%d" % i}} for i in range(1001)]
        r = self.api.post("/v1/events", json={"events": events})
        self.assertNativeError(r, 413, "payload_too_large", field="events")
        self.assertEqual(self.count(), 0)

    def test_batch_shape_is_checked(self):
        self.assertNativeError(self.api.post("/v1/events", json={"events": []}), 400,
                               "invalid_argument", field="events")
        self.assertNativeError(self.api.post("/v1/events", json={"events": {}}), 400,
                               "invalid_argument", field="events")
        self.assertNativeError(self.api.post("/v1/events", json={"events": [1]}), 400,
                               "invalid_argument", field="events[0]")
        self.assertNativeError(self.api.post("/v1/events", json=[{"type": "x"}]), 400,
                               "invalid_argument")

    def test_a_bad_event_in_a_batch_stores_none_of_them(self):
        good = {"type": "ok", "contact": {"email": "g@example.com"}}
        r = self.api.post("/v1/events", json={"events": [good, {"type": "bad type", "contact":
                                                                 {"email": "g@example.com"}}]})
        self.assertNativeError(r, 400, "invalid_argument", field="events[1].type")
        # Fails inside the transaction (unknown contact) after the first event was written.
        r = self.api.post("/v1/events", json={"events": [
            good, dict(good, idempotency_key="k-rollback"),
            {"type": "ok", "contact_uuid": str(uuid.uuid4())}]})
        self.assertNativeError(r, 404, "not_found", field="events[2].contact")
        self.assertEqual(self.count(), 0)
        self.assertEqual(self.api.get("/v1/contacts").json["data"], [])
        # The idempotency key of the rolled-back event is still free.
        r = self.api.post("/v1/events", json=dict(good, idempotency_key="k-rollback"))
        self.assertStatus(r, 201)
        self.assertIs(r.json["event"]["duplicate"], False)

    def test_repeated_idempotency_key_returns_200_with_the_same_event(self):
        body = {"type": "purchase", "contact": {"email": "idem@example.com"},
                "data": {"amount": 5}, "idempotency_key": "order-1"}
        r1 = self.api.post("/v1/events", json=body)
        self.assertStatus(r1, 201)
        self.assertEqual(r1.json["event"]["idempotency_key"], "order-1")
        n = self.count()
        r2 = self.api.post("/v1/events", json=dict(body, data={"amount": 999}))
        self.assertStatus(r2, 200)
        self.assertIs(r2.json["event"]["duplicate"], True)
        self.assertEqual(r2.json["event"]["uuid"], r1.json["event"]["uuid"])
        self.assertEqual(self.count(), n)
        stored = all_pages(self, self.api, "/v1/events", type="purchase")
        self.assertEqual([(e["uuid"], e["data"]) for e in stored],
                         [(r1.json["event"]["uuid"], {"amount": 5})])

    def test_idempotency_key_header_works_too(self):
        body = {"type": "signup", "contact": {"email": "hdr@example.com"}}
        r1 = self.api.post("/v1/events", json=body, headers={"Idempotency-Key": "hdr-key-1"})
        self.assertStatus(r1, 201)
        self.assertEqual(r1.json["event"]["idempotency_key"], "hdr-key-1")
        r2 = self.api.post("/v1/events", json=body, headers={"Idempotency-Key": "hdr-key-1"})
        self.assertStatus(r2, 200)
        self.assertEqual(r2.json["event"]["uuid"], r1.json["event"]["uuid"])
        # The key in the body is the same key.
        r3 = self.api.post("/v1/events", json=dict(body, idempotency_key="hdr-key-1"))
        self.assertStatus(r3, 200)
        self.assertEqual(r3.json["event"]["uuid"], r1.json["event"]["uuid"])
        self.assertEqual(self.count(type="signup"), 1)
        r = self.api.post("/v1/events", json=body, headers={"Idempotency-Key": "k" * 256})
        self.assertNativeError(r, 400, "invalid_argument", field="Idempotency-Key")
        self.assertEqual(r.error["fields"]["Idempotency-Key"], "must be at most 255 bytes of UTF-8")
        # A header is bytes: one that is not UTF-8 cannot become a key (nor the JSON echo).
        self.assertNativeError(self.api.post("/v1/events", json=body,
                                             headers={"Idempotency-Key": "k\xff"}),
                               400, "invalid_argument", field="Idempotency-Key")
        self.assertEqual(self.count(type="signup"), 1)

    def test_batch_status_reflects_duplicates(self):
        ev = lambda k: {"type": "b", "contact": {"email": "bd@example.com"}, "idempotency_key": k}
        r = self.api.post("/v1/events", json={"events": [ev("k1"), ev("k2")]})
        self.assertStatus(r, 201)
        first = [e["uuid"] for e in r.json["events"]]
        r = self.api.post("/v1/events", json={"events": [ev("k1"), ev("k2")]})
        self.assertStatus(r, 200)
        self.assertEqual([e["duplicate"] for e in r.json["events"]], [True, True])
        self.assertEqual([e["uuid"] for e in r.json["events"]], first)
        r = self.api.post("/v1/events", json={"events": [ev("k1"), ev("k3")]})
        self.assertStatus(r, 201)
        self.assertEqual([e["duplicate"] for e in r.json["events"]], [True, False])
        self.assertEqual(self.count(type="b"), 3)

    def test_events_list_filters_by_type_and_pages(self):
        for i in range(5):
            self.assertStatus(self.api.post("/v1/events", json={
                "type": "t%d" % (i % 2), "contact": {"email": "l@example.com"}}), 201)
        self.assertEqual(self.count(type="t0"), 3)
        self.assertEqual(self.count(type="t1"), 2)
        pages = all_pages(self, self.api, "/v1/events", limit=2)
        self.assertEqual([e["type"] for e in pages], ["contact_created", "t0", "t1", "t0", "t1", "t0"])
        self.assertNativeError(self.api.get("/v1/events", query={"limit": 0}), 400,
                               "invalid_argument", field="limit")
        self.assertNativeError(self.api.get("/v1/events", query={"kind": "x"}), 400,
                               "invalid_argument", field="kind")


# =============================================================================================
# Request bodies


class BodyParsingTest(RivuletTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="bodies")

    def setUp(self):
        super().setUp()
        self.ws, self.api = self.server.workspace_client()

    def assertNothingStored(self):
        self.assertEqual(self.api.get("/v1/contacts").json["data"], [])

    def test_form_urlencoded_body_with_php_brackets(self):
        r = self.api.post("/v1/contacts",
                          form="email=x@y.z&attributes[first_name]=Ann&tags[]=a&tags[]=b")
        self.assertStatus(r, 201)
        c = self.api.get("/v1/contacts/x@y.z").json["contact"]
        self.assertEqual(c["attributes"], {"first_name": "Ann"})
        self.assertEqual(c["tags"], ["a", "b"])
        # Unescaped brackets, '+' as space, nested keys.
        r = self.api.post("/v1/contacts", body="email=n@y.z&attributes%5Bfull+name%5D=Ann+Lee"
                                               "&attributes[address][city]=Delft",
                          content_type="application/x-www-form-urlencoded")
        self.assertStatus(r, 201)
        self.assertEqual(r.json["contact"]["attributes"],
                         {"full name": "Ann Lee", "address": {"city": "Delft"}})

    def test_multipart_body_with_php_brackets(self):
        r = self.api.post("/v1/contacts", multipart=[("email", "x@y.z"),
                                                     ("attributes[first_name]", "Ann"),
                                                     ("tags[]", "a"), ("tags[]", "b")])
        self.assertStatus(r, 201)
        c = self.api.get("/v1/contacts/x@y.z").json["contact"]
        self.assertEqual(c["attributes"], {"first_name": "Ann"})
        self.assertEqual(c["tags"], ["a", "b"])

    def test_form_event_with_data_brackets(self):
        r = self.api.post("/v1/events", form=[("type", "coupon_used"),
                                              ("contact[email]", "f@y.z"),
                                              ("data[coupon]", "X"), ("data[items][]", "1"),
                                              ("data[items][]", "2")])
        self.assertStatus(r, 201)
        stored = self.api.get("/v1/events", query={"type": "coupon_used"}).json["data"]
        self.assertEqual([e["uuid"] for e in stored], [r.json["event"]["uuid"]])
        self.assertEqual(stored[0]["data"], {"coupon": "X", "items": ["1", "2"]})

    def test_json_with_charset_parameter_is_accepted(self):
        r = self.api.post("/v1/contacts", body=json.dumps({"email": "cs@y.z", "attributes":
                                                           {"name": "Zoë"}}),
                          content_type="application/json; charset=utf-8")
        self.assertStatus(r, 201)
        self.assertEqual(r.json["contact"]["attributes"], {"name": "Zoë"})

    def test_malformed_json_is_400(self):
        for text in ('{"email": "a@y.z"', '{"email": }', "nul", '{"a":1} trailing'):
            with self.subTest(text=text):
                self.assertNativeError(self.api.post("/v1/contacts", body=text,
                                                     content_type="application/json"),
                                       400, "invalid_argument")
        self.assertNothingStored()

    def test_json_nested_deeper_than_the_limit_is_400(self):
        deep = "[" * 100 + "]" * 100
        body = '{"email": "deep@y.z", "attributes": {"x": %s}}' % deep
        self.assertNativeError(self.api.post("/v1/contacts", body=body,
                                             content_type="application/json"),
                               400, "invalid_argument")
        self.assertNothingStored()
        ok = '{"email": "shallow@y.z", "attributes": {"x": %s}}' % ("[" * 10 + "]" * 10)
        self.assertStatus(self.api.post("/v1/contacts", body=ok, content_type="application/json"),
                          201)

    def test_unknown_content_type_is_415(self):
        r = self.api.post("/v1/contacts", body="<contact><email>a@y.z</email></contact>",
                          content_type="text/xml")
        self.assertNativeError(r, 415, "unsupported_media_type")
        self.assertNothingStored()

    def test_unknown_field_is_400_with_fields(self):
        r = self.api.post("/v1/contacts", json={"email": "u@y.z", "favourite_colour": "blue"})
        err = self.assertNativeError(r, 400, "invalid_argument", field="favourite_colour")
        self.assertIsInstance(err["fields"]["favourite_colour"], str)
        self.assertNothingStored()

    def test_invalid_utf8_in_a_json_string_is_400(self):
        body = b'{"email": "u@y.z", "attributes": {"name": "\xc3\x28"}}'
        self.assertNativeError(self.api.post("/v1/contacts", body=body,
                                             content_type="application/json"),
                               400, "invalid_argument")
        body = b'{"email": "u@y.z", "attributes": {"name": "\xed\xa0\x80"}}'  # a surrogate
        self.assertNativeError(self.api.post("/v1/contacts", body=body,
                                             content_type="application/json"),
                               400, "invalid_argument")
        self.assertNothingStored()

    def test_invalid_utf8_in_a_form_is_400(self):
        r = self.api.post("/v1/contacts", body="email=u%40y.z&attributes[n]=%C3%28",
                          content_type="application/x-www-form-urlencoded")
        self.assertNativeError(r, 400, "invalid_argument")
        self.assertNothingStored()

    def test_body_must_be_an_object_with_fields_of_the_right_types(self):
        self.assertNativeError(self.api.post("/v1/contacts", json=[{"email": "a@y.z"}]), 400,
                               "invalid_argument")
        for body, field in (({"email": 5}, "email"), ({"email": "a@y.z", "tags": "a"}, "tags"),
                            ({"email": "a@y.z", "attributes": []}, "attributes"),
                            ({"email": "a@y.z", "tags": [1]}, "tags"),
                            ({"email": "x" * 400}, "email")):
            with self.subTest(body=body):
                self.assertNativeError(self.api.post("/v1/contacts", json=body), 400,
                                       "invalid_argument", field=field)
        self.assertNothingStored()

    def test_malformed_multipart_is_400(self):
        body = b"--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nx@y.z\r\n"  # no end
        r = self.api.post("/v1/contacts", body=body, content_type="multipart/form-data; boundary=b")
        self.assertNativeError(r, 400, "invalid_argument")
        r = self.api.post("/v1/contacts", body=b"x", content_type="multipart/form-data")
        self.assertNativeError(r, 400, "invalid_argument")
        self.assertNothingStored()


# =============================================================================================
# Limits


class LimitsTest(RivuletTestCase):
    MAX_BODY = 4096
    MAX_HEADER = 2048
    MAX_FIELDS = 10

    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(
            name="limits", args=["--max-body-bytes", str(cls.MAX_BODY),
                                 "--max-header-bytes", str(cls.MAX_HEADER),
                                 "--max-form-fields", str(cls.MAX_FIELDS)])

    def setUp(self):
        super().setUp()
        self.api = self.server.client("api_key")
        self.addCleanup(self.assertServerStillAnswers)

    def assertServerStillAnswers(self):
        self.assertTrue(self.server.healthy(), "server stopped answering /healthz")
        r = self.server.client("api_key").get("/v1/contacts", query={"limit": 1})
        self.assertStatus(r, 200)

    def test_body_within_the_limit_is_accepted(self):
        r = self.api.post("/v1/contacts", json={"email": new_email(),
                                                "attributes": {"pad": "p" * 3000}})
        self.assertStatus(r, 201)

    def test_body_over_max_body_bytes_is_413(self):
        email = new_email()
        r = self.api.post("/v1/contacts", json={"email": email, "attributes": {"pad": "p" * 10240}})
        self.assertStatus(r, 413)
        self.assertEqual(r.error["code"], "payload_too_large", r)
        self.assertNativeError(self.api.get("/v1/contacts/" + email), 404, "not_found")

    def test_chunked_body_over_max_body_bytes_is_413(self):
        body = json.dumps({"email": new_email(), "attributes": {"pad": "p" * 10240}}).encode()
        req = (b"POST /v1/contacts HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer "
               + self.server.creds.api_key.encode()
               + b"\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
               + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
        status, headers, resp, _ = self.server.raw_request(req)
        self.assertEqual(status, 413, resp)
        self.assertEqual(json.loads(resp)["error"]["code"], "payload_too_large")

    def test_batch_routes_accept_bodies_over_the_default_limit(self):
        # "Default request body limit (batch routes allow more)": the batch routes raise it.
        contacts = [{"email": new_email("big"), "attributes": {"pad": "p" * 100}} for i in range(60)]
        r = self.api.post("/v1/contacts/batch", json={"contacts": contacts})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["created"], 60)
        events = [{"type": "big", "contact": {"email": c["email"]}, "data": {"pad": "p" * 100}}
                  for c in contacts]
        r = self.api.post("/v1/events", json={"events": events})
        self.assertStatus(r, 201)

    def test_headers_over_max_header_bytes_are_431(self):
        r = self.api.get("/v1/contacts", headers={"X-Padding": "z" * (self.MAX_HEADER * 2)})
        self.assertStatus(r, 431)
        self.assertEqual(r.error["code"], "payload_too_large", r)
        status, _, _, _ = self.server.raw_request(
            b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-A: b\r\n" * 400 + b"\r\n")
        self.assertEqual(status, 431)

    def test_more_form_fields_than_the_limit_is_413(self):
        fields = [("attributes[f%d]" % i, "v") for i in range(self.MAX_FIELDS)] + [("email", new_email())]
        r = self.api.post("/v1/contacts", form=fields)
        self.assertNativeError(r, 413, "payload_too_large")
        r = self.api.post("/v1/contacts", multipart=fields)
        self.assertNativeError(r, 413, "payload_too_large")
        query = "&".join("email=%d%%40x.y" % i for i in range(self.MAX_FIELDS + 1))
        self.assertNativeError(self.api.get("/v1/contacts?" + query), 413, "payload_too_large")
        # Exactly at the limit is fine.
        r = self.api.post("/v1/contacts", form=fields[:self.MAX_FIELDS - 1] + [fields[-1]])
        self.assertStatus(r, 201)

    def test_malformed_requests_are_400(self):
        for raw in (b"GARBAGE\r\n\r\n", b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                    b"POST /v1/contacts HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                    b"GET /v1/contacts HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"):
            with self.subTest(raw=raw[:30]):
                status, _, body, _ = self.server.raw_request(raw)
                self.assertEqual(status, 400, body)
        # A bad percent escape in the path is rejected by the dispatcher.
        r = self.api.get("/v1/contacts/%zz")
        self.assertNativeError(r, 400, "invalid_argument")

    def test_settings_come_from_the_environment_too(self):
        srv = self.start_server(name="env-limits", env={"RIVULET_MAX_BODY_BYTES": "2048"})
        api = srv.client("api_key")
        self.assertStatus(api.post("/v1/contacts", json={"email": new_email(),
                                                         "attributes": {"p": "p" * 1500}}), 201)
        body = json.dumps({"email": new_email(), "attributes": {"p": "p" * 3000}}).encode()
        req = (b"POST /v1/contacts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer "
               + srv.creds.api_key.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
               + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
        self.assertEqual(srv.raw_request(req)[0], 413)
        srv.stop()

    def test_invalid_settings_are_refused_at_startup(self):
        local = ["--listen", "127.0.0.1:0"]
        for args in (local + ["--max-body-bytes", "10"], local + ["--sqlite-synchronous", "OFF"],
                     ["--listen", "nowhere"], local + ["--token-ttl-seconds", "59"],
                     local + ["--log-level", "loud"], local + ["--access-log", "maybe"]):
            with self.subTest(args=args):
                with tempfile.TemporaryDirectory() as tmp:
                    p = run_cli("serve", *args,
                                database=os.path.join(tmp, "r.db"), check=False, timeout=60)
                self.assertNotEqual(p.returncode, 0, p)
                self.assertIn("rivulet:", p.stderr)


# =============================================================================================
# Connections


class KeepAliveTest(RivuletTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="keepalive")

    def test_one_connection_serves_50_requests(self):
        api = self.server.client("api_key")
        first_sock = None
        for i in range(50):
            kind = i % 5
            if kind == 0:
                r = api.get("/healthz")
                self.assertStatus(r, 200)
            elif kind == 1:
                r = api.post("/v1/contacts", json={"email": "ka%d-%s" % (i, new_email())})
                self.assertStatus(r, 201)
            elif kind == 2:
                r = api.get("/v1/contacts", query={"limit": 2})
                self.assertStatus(r, 200)
            elif kind == 3:
                r = api.get("/v1/contacts/nobody-%d@example.com" % i)  # errors keep it open too
                self.assertStatus(r, 404)
            else:
                r = api.post("/v1/events", json={"type": "ka", "contact": {"external_id": "ka"}})
                self.assertStatus(r, 201)
            self.assertNotEqual((r.header("Connection") or "").lower(), "close", r.headers)
            if first_sock is None:
                first_sock = api.sock
            self.assertIs(api.sock, first_sock, "connection was replaced at request %d" % i)
        self.assertEqual(api.connects, 1)

    def test_connection_close_is_honoured(self):
        api = self.server.client("api_key")
        r = api.get("/healthz", headers={"Connection": "close"})
        self.assertStatus(r, 200)
        self.assertEqual((r.header("Connection") or "").lower(), "close")
        self.assertIsNone(api.sock)

    def test_pipelined_requests_are_answered_in_order(self):
        reqs = b"".join(b"GET /v1/contacts/nobody%d@example.com HTTP/1.1\r\nHost: x\r\n"
                        b"X-Request-Id: pipe-%d\r\nAuthorization: Bearer %s\r\n\r\n"
                        % (i, i, self.server.creds.api_key.encode()) for i in range(3))
        reqs += b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        s = socket.create_connection((self.server.host, self.server.port), timeout=10)
        try:
            s.sendall(reqs)
            data = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                data += b
        finally:
            s.close()
        ids = re.findall(rb"X-Request-Id: (pipe-\d)", data)
        self.assertEqual(ids, [b"pipe-0", b"pipe-1", b"pipe-2"], data)
        self.assertEqual(data.count(b"HTTP/1.1 404"), 3, data)
        self.assertEqual(data.count(b"HTTP/1.1 200"), 1, data)


    def recv_response(self, s):
        """Reads one response with a Content-Length body from socket s."""
        data = b""
        while b"\r\n\r\n" not in data:
            b = s.recv(65536)
            if not b:
                break
            data += b
        status, headers, body = parse_raw_response(data)
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            b = s.recv(65536)
            if not b:
                break
            body += b
        return status, headers, body

    def test_expect_100_continue_gets_an_interim_answer_before_the_body(self):
        body = json.dumps({"type": "continued", "contact": {"email": new_email()}}).encode()
        s = socket.create_connection((self.server.host, self.server.port), timeout=10)
        try:
            s.sendall(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                      b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
                      b"Content-Length: %d\r\n\r\n" % (self.server.creds.api_key.encode(), len(body)))
            interim = s.recv(65536)
            self.assertTrue(interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim)
            s.sendall(body)
            status, _, resp = self.recv_response(s)
        finally:
            s.close()
        self.assertEqual(status, 201, resp)
        self.assertEqual(json.loads(resp)["event"]["type"], "continued")

    def test_a_chunked_body_is_read_whole(self):
        email = new_email()
        body = json.dumps({"type": "chunky", "contact": {"email": email},
                           "data": {"pad": "p" * 300}}).encode()
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 100]), body[i:i + 100])
                          for i in range(0, len(body), 100))
        status, _, resp, _ = self.server.raw_request(
            b"POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            b"Connection: close\r\n\r\n" % self.server.creds.api_key.encode()
            + chunks + b"0\r\n\r\n")
        self.assertEqual(status, 201, resp)
        events = self.server.client("api_key").get("/v1/contacts/%s/events" % email).json
        self.assertEqual([e["data"]["pad"] for e in events["data"] if e["type"] == "chunky"],
                         ["p" * 300])

    def test_http_1_0_closes_unless_asked_to_keep_alive(self):
        status, headers, _, _ = self.server.raw_request(b"GET /healthz HTTP/1.0\r\n\r\n")
        self.assertEqual(status, 200)
        s = socket.create_connection((self.server.host, self.server.port), timeout=10)
        try:
            for _ in range(2):  # the second request needs the connection kept open
                s.sendall(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                status, headers, _ = self.recv_response(s)
                self.assertEqual(status, 200)
                self.assertEqual(headers.get("connection", "").lower(), "keep-alive")
        finally:
            s.close()


# =============================================================================================
# Restarts and durability


class RestartTest(RivuletTestCase):
    def test_data_survives_a_graceful_restart(self):
        srv = self.start_server(name="restart")
        api = srv.client("api_key")
        ws, other = srv.workspace_client("Kept")
        token = srv.oauth_token()
        made = []
        for i in range(5):
            r = api.post("/v1/contacts", json={"email": "r%d@example.com" % i,
                                               "attributes": {"i": i}, "tags": ["kept"]})
            self.assertStatus(r, 201)
            made.append(r.json["contact"])
        r = api.post("/v1/events", json={"events": [
            {"type": "kept", "contact_uuid": c["uuid"], "idempotency_key": "kept-%d" % i}
            for i, c in enumerate(made)]})
        self.assertStatus(r, 201)
        events = r.json["events"]
        self.assertStatus(other.post("/v1/contacts", json={"email": "other@example.com"}), 201)

        code, took = srv.stop()
        self.assertEqual(code, 0)
        srv.start()
        self.assertIn("exists; its credentials were printed", srv.current_log())
        self.assertNotIn("Created the demo workspace", srv.current_log())

        api = srv.client("api_key")
        listed = all_pages(self, api, "/v1/contacts", tag="kept")
        self.assertEqual(listed, [dict(c) for c in made])
        stored = all_pages(self, api, "/v1/events", type="kept")
        self.assertEqual([e["uuid"] for e in stored], [e["uuid"] for e in events])
        # Idempotency keys, credentials, tokens and other workspaces survive too.
        r = api.post("/v1/events", json={"type": "kept", "contact_uuid": made[0]["uuid"],
                                         "idempotency_key": "kept-0"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["event"]["uuid"], events[0]["uuid"])
        self.assertStatus(srv.client(token).get("/v1/contacts"), 200)
        self.assertStatus(srv.client("keypair").get("/v1/contacts"), 200)
        other = srv.client(other.default_headers)
        self.assertEqual([c["email"] for c in other.get("/v1/contacts").json["data"]],
                         ["other@example.com"])
        srv.stop()

    def test_acknowledged_writes_survive_kill_9(self):
        srv = self.start_server(name="crash")
        api = srv.client("api_key")
        r = api.post("/v1/contacts", json={"email": "acked@example.com"})
        self.assertStatus(r, 201)
        contact = r.json["contact"]
        r = api.post("/v1/events", json={"events": [
            {"type": "acked", "contact_uuid": contact["uuid"], "data": {"i": i}}
            for i in range(200)]})
        self.assertStatus(r, 201)
        srv.kill()  # right after the acknowledgement
        self.assertEqual(srv.proc.returncode, -signal.SIGKILL)
        srv.start()
        api = srv.client("api_key")
        r = api.get("/v1/contacts/acked@example.com")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["contact"], contact)
        self.assertEqual(len(all_pages(self, api, "/v1/events", type="acked")), 200)
        srv.stop()

    def test_kill_9_during_a_stream_of_writes_keeps_every_acknowledged_one(self):
        srv = self.start_server(name="crash-stream")
        acked, stop = [], threading.Event()
        errors = []

        def writer(n):
            c = srv.client("api_key", timeout=10)
            i = 0
            while not stop.is_set():
                email = "w%d-%d@example.com" % (n, i)
                i += 1
                try:
                    r = c.post("/v1/contacts", json={"email": email})
                except OSError:
                    return  # the server died mid-request: not acknowledged
                if r.status == 201:
                    acked.append(email)
                else:
                    errors.append(r)
                    return

        threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(3)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while len(acked) < 60 and time.monotonic() < deadline:
            time.sleep(0.02)
        srv.kill()
        stop.set()
        for t in threads:
            t.join(15)
        self.assertEqual(errors, [])
        self.assertGreater(len(acked), 10)
        srv.start()
        api = srv.client("api_key")
        stored = {c["email"] for c in all_pages(self, api, "/v1/contacts")}
        missing = [e for e in acked if e not in stored]
        self.assertEqual(missing, [], "acknowledged but lost after kill -9")
        srv.stop()


# =============================================================================================
# CLI


class CliTest(RivuletTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="cli")

    def test_version(self):
        p = self.server.cli("version", database=False)
        self.assertEqual(p.stdout.strip(), "rivulet 0.1.0")

    def test_migrate_twice_is_fine(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "fresh.db")
            for _ in range(2):
                p = run_cli("migrate", database=db)
                self.assertIn("database is at the latest schema", p.stdout)
            p = run_cli("workspace", "list", database=db)
            self.assertEqual(p.stdout.strip(), "")
        # And on the database the server is using, while it runs.
        p = self.server.cli("migrate")
        self.assertIn("latest schema", p.stdout)
        self.assertStatus(self.server.client("api_key").get("/v1/contacts"), 200)

    def test_workspace_create_and_list(self):
        name = uniq("CLI Workspace ")
        p = self.server.cli("workspace", "create", "--name", name)
        ws_uuid, _, printed_name = p.stdout.strip().partition("\t")
        self.assertEqual(printed_name, name)
        self.assertRegex(ws_uuid, r"^[0-9a-f-]{36}$")
        chosen = str(uuid.uuid4())
        p = self.server.cli("workspace", "create", "--name", "Chosen", "--uuid", chosen)
        self.assertTrue(p.stdout.startswith(chosen + "\t"), p.stdout)
        p = self.server.cli("workspace", "list")
        lines = p.stdout.splitlines()
        self.assertIn("%s\t%s" % (ws_uuid, name), lines)
        self.assertIn("%s\tChosen" % chosen, lines)
        self.assertIn("%s\tDemo" % self.server.creds.workspace_uuid, lines)
        r = self.server.client("admin").get("/v1/workspaces/" + ws_uuid)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["workspace"]["name"], name)
        p = self.server.cli("workspace", "create", "--name", "Dup", "--uuid", chosen, check=False)
        self.assertNotEqual(p.returncode, 0)

    def test_key_pair_from_the_cli_works_over_http_until_revoked(self):
        name = uniq("kp-")
        self.server.cli("workspace", "create", "--name", name)
        p = self.server.cli("credentials", "create", "--workspace", name, "--kind", "keypair",
                            "--label", "cli pair")
        kv = parse_key_values(p.stdout)
        self.assertTrue(kv["PublicKey"].startswith("pk_"), p.stdout)
        self.assertTrue(kv["SecretKey"].startswith("sk_"), p.stdout)
        pair = self.server.client({"PublicKey": kv["PublicKey"], "SecretKey": kv["SecretKey"]})
        r = pair.post("/v1/contacts", json={"email": "pair@example.com"})
        self.assertStatus(r, 201)
        self.assertEqual([c["email"] for c in pair.get("/v1/contacts").json["data"]],
                         ["pair@example.com"])
        p = self.server.cli("credentials", "revoke", "--id", kv["credential_id"])
        self.assertIn("revoked credential %s" % kv["credential_id"], p.stdout)
        # Another process revoked it: the server's credential cache (2 s) may answer until
        # it expires, but no longer.
        revoked_at = time.monotonic()
        while True:
            r = pair.get("/v1/contacts")
            if r.status != 200 or time.monotonic() - revoked_at > 3.0:
                break
            time.sleep(0.1)
        self.assertNativeError(r, 401, "unauthenticated")
        p = self.server.cli("credentials", "revoke", "--id", "99999999", check=False)
        self.assertNotEqual(p.returncode, 0)

    def test_api_key_and_oauth_client_from_the_cli(self):
        p = self.server.cli("credentials", "create", "--workspace", self.server.creds.workspace_uuid,
                            "--kind", "apikey")
        kv = parse_key_values(p.stdout)
        self.assertStatus(self.server.client(kv["api_key"]).get("/v1/contacts"), 200)
        p = self.server.cli("credentials", "create", "--workspace", "Demo", "--kind", "oauth")
        kv = parse_key_values(p.stdout)
        self.assertEqual(kv["client_id"], kv["credential_id"])
        token = self.server.oauth_token(kv["client_id"], kv["client_secret"])
        self.assertStatus(self.server.client(token).get("/v1/contacts"), 200)
        # An admin key from the CLI manages workspaces.
        p = self.server.cli("credentials", "create", "--admin", "--label", "ops")
        kv = parse_key_values(p.stdout)
        admin = self.server.client(kv["api_key"])
        self.assertStatus(admin.post("/v1/workspaces", json={"name": "From CLI admin"}), 201)

    def test_credentials_create_needs_a_known_workspace(self):
        p = self.server.cli("credentials", "create", "--workspace", "no-such-ws", "--kind",
                            "apikey", check=False)
        self.assertNotEqual(p.returncode, 0)
        p = self.server.cli("credentials", "create", "--kind", "apikey", check=False)
        self.assertNotEqual(p.returncode, 0)
        p = self.server.cli("credentials", "create", "--workspace", "Demo", "--kind", "magic",
                            check=False)
        self.assertNotEqual(p.returncode, 0)

    def _workspace_with_key(self):
        name = uniq("import-")
        ws_uuid = self.server.cli("workspace", "create", "--name", name).stdout.split("\t")[0]
        kv = parse_key_values(self.server.cli("credentials", "create", "--workspace", ws_uuid,
                                              "--kind", "apikey").stdout)
        return name, ws_uuid, self.server.client(kv["api_key"])

    def _write(self, text):
        fd, path = tempfile.mkstemp(suffix=".csv", dir=self.server.tmp)
        with os.fdopen(fd, "w", newline="") as f:
            f.write(text)
        return path

    def test_import_contacts_csv(self):
        name, ws_uuid, api = self._workspace_with_key()
        csv_text = ('email,name,tags,company,phone\r\n'
                    'ann@example.com,"Smith, Ann",a;b,"Acme, Inc. ""East""",+31 6 1111 2222\r\n'
                    'BOB@example.com,Bob,vip,,\r\n'
                    '\r\n'
                    'carol@example.com,"Carol\nMulti",,Initech,\r\n')
        path = self._write(csv_text)
        p = self.server.cli("import", "contacts", path, "--workspace", name)
        self.assertIn("imported 3 rows: 3 created, 0 updated", p.stdout)
        ann = api.get("/v1/contacts/ann@example.com")
        self.assertStatus(ann, 200)
        c = ann.json["contact"]
        self.assertEqual(c["attributes"], {"name": "Smith, Ann", "company": 'Acme, Inc. "East"'})
        self.assertEqual(c["tags"], ["a", "b"])
        self.assertEqual(c["phone"], "+31611112222")
        bob = api.get("/v1/contacts/bob@example.com").json["contact"]
        self.assertEqual(bob["attributes"], {"name": "Bob"})
        self.assertEqual(bob["tags"], ["vip"])
        carol = api.get("/v1/contacts/carol@example.com").json["contact"]
        self.assertEqual(carol["attributes"], {"name": "Carol\nMulti", "company": "Initech"})
        self.assertEqual(len(api.get("/v1/contacts").json["data"]), 3)
        # Importing changed rows updates by e-mail.
        path = self._write("email,name\nann@example.com,Ann S.\nbob@example.com,Bob\n")
        p = self.server.cli("import", "contacts", path, "--workspace", ws_uuid)
        self.assertIn("imported 2 rows: 0 created, 1 updated", p.stdout)
        c = api.get("/v1/contacts/ann@example.com").json["contact"]
        self.assertEqual(c["attributes"], {"name": "Ann S.", "company": 'Acme, Inc. "East"'})
        # Imported contacts emit contact_created events like the API does.
        r = api.get("/v1/contacts/bob@example.com/events")
        self.assertEqual([e["type"] for e in r.json["data"]], ["contact_created"])

    def test_import_with_a_bad_email_fails_and_stores_nothing(self):
        name, _, api = self._workspace_with_key()
        path = self._write("email,name\ngood@example.com,Good\nnot-an-email,Bad\n")
        p = self.server.cli("import", "contacts", path, "--workspace", name, check=False)
        self.assertNotEqual(p.returncode, 0, p.stdout)
        self.assertIn("line", p.stderr)
        self.assertEqual(api.get("/v1/contacts").json["data"], [])
        for text in ('email,name\n"unclosed@example.com,x\n', "email,name\na@example.com\n",
                     "name\nNo Identifier\n"):
            with self.subTest(csv=text):
                p = self.server.cli("import", "contacts", self._write(text), "--workspace", name,
                                    check=False)
                self.assertNotEqual(p.returncode, 0, p.stdout)
        self.assertEqual(api.get("/v1/contacts").json["data"], [])

    def test_import_needs_a_known_workspace_and_a_readable_file(self):
        path = self._write("email\nx@example.com\n")
        p = self.server.cli("import", "contacts", path, "--workspace", "nope", check=False)
        self.assertNotEqual(p.returncode, 0)
        p = self.server.cli("import", "contacts", os.path.join(self.server.tmp, "missing.csv"),
                            "--workspace", "Demo", check=False)
        self.assertNotEqual(p.returncode, 0)


# =============================================================================================
# Shutdown


class ShutdownTest(RivuletTestCase):
    def test_sigterm_with_an_idle_keepalive_connection_exits_promptly(self):
        srv = self.start_server(name="shutdown", args=["--shutdown-grace-seconds", "30"])
        api = srv.client("api_key")
        self.assertStatus(api.get("/v1/contacts"), 200)
        idle = socket.create_connection((srv.host, srv.port), timeout=10)
        self.addCleanup(idle.close)
        idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertIn(b"200", idle.recv(65536))
        time.sleep(0.2)
        srv.signal(signal.SIGTERM)
        began = time.monotonic()
        code = srv.proc.wait(15)
        took = time.monotonic() - began
        self.assertEqual(code, 0, srv.current_log())
        self.assertLess(took, 5.0, "idle keep-alive connections held shutdown for %.1fs" % took)
        self.assertEqual(idle.recv(65536), b"")  # closed by the server
        self.assertIn("received signal 15", srv.current_log())
        srv.assert_no_sanitizer_reports()

    def test_sigint_also_stops_cleanly(self):
        srv = self.start_server(name="sigint")
        self.assertStatus(srv.client("api_key").post("/v1/contacts", json={"email": new_email()}), 201)
        srv.signal(signal.SIGINT)
        self.assertEqual(srv.proc.wait(15), 0, srv.current_log())
        srv.assert_no_sanitizer_reports()

    def test_sigterm_lets_a_request_in_progress_finish(self):
        srv = self.start_server(name="drain", args=["--shutdown-grace-seconds", "20"])
        body = json.dumps({"email": "late@example.com"}).encode()
        s = socket.create_connection((srv.host, srv.port), timeout=15)
        self.addCleanup(s.close)
        s.sendall(b"POST /v1/contacts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Authorization: Bearer " + srv.creds.api_key.encode() +
                  b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:5])
        time.sleep(0.3)  # the server has the headers and waits for the body
        srv.signal(signal.SIGTERM)
        time.sleep(0.5)
        self.assertIsNone(srv.proc.poll(), "exited with a request in progress")
        s.sendall(body[5:])
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        status, headers, resp = parse_raw_response(data)
        self.assertEqual(status, 201, data)
        self.assertEqual(headers.get("connection", "").lower(), "close")
        self.assertEqual(srv.proc.wait(15), 0, srv.current_log())
        # Committed before the answer: there after a restart.
        srv.start()
        self.assertStatus(srv.client("api_key").get("/v1/contacts/late@example.com"), 200)
        srv.stop()

    def test_sigterm_right_after_clients_disconnect_exits_cleanly(self):
        # Connections that end while shutdown begins must not be touched after they are gone
        # (this raced into a heap-use-after-free in Server::Impl::BeginShutdown).
        for trial in range(20):
            srv = self.start_server(name="disconnect-%d" % trial)
            socks = []
            for _ in range(30):
                s = socket.create_connection((srv.host, srv.port), timeout=10)
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                s.recv(65536)
                socks.append(s)
            for s in socks:
                s.close()
            srv.signal(signal.SIGTERM)
            code = srv.proc.wait(15)
            srv.assert_no_sanitizer_reports()
            self.assertEqual(code, 0, "trial %d:\n%s" % (trial, srv.current_log()))
            srv.close()

    def test_no_new_connections_after_sigterm(self):
        srv = self.start_server(name="closed", args=["--shutdown-grace-seconds", "5"])
        srv.stop()
        with self.assertRaises(OSError):
            socket.create_connection((srv.host, srv.port), timeout=2).close()


if __name__ == "__main__":
    unittest.main()
