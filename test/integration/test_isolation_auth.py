"""Isolation and authentication of the native API (issue #8.5, the /v1 part).

  IsolationMatrixTest  every /v1 operation of the OpenAPI document, called with a second
                       workspace's valid key on the first workspace's objects: 403/404 and
                       none of their data; the first workspace's objects are unchanged after.
  TokenAuthTest        expired, revoked and malformed credentials: 401 in the native envelope.
  BruteForceTest       failed attempts on POST /oauth/token and on the key headers are limited
                       per client and per address (429 with Retry-After, in each envelope).

Run: cd test/integration && RIVULET_BIN=.../build/debug/rivulet \
         /usr/bin/python3 -m unittest -v test_isolation_auth
"""

import json
import re
import sqlite3
import time
import unittest
import uuid as uuidlib

from rivulet_harness import BACKEND, RivuletTestCase


def new_uuid():
    return str(uuidlib.uuid4())


def automation_doc(name):
    tag = {"uuid": new_uuid(), "type": "TAG", "name": "tag", "settings": {"add": ["x"]}}
    return {"name": name, "steps": [tag], "connections": [], "triggers": []}


class IsolationMatrixTest(RivuletTestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="isolation-matrix")

    def make_objects(self, api, marker):
        """One object of every kind in api's workspace; returns ids and the markers its data
        contains."""
        email = "%s@victim.example" % marker
        c = api.post("/v1/contacts", json={"email": email, "attributes": {"secret": marker}})
        self.assertEqual(c.status, 201, c)
        contact = c.json["contact"]
        self.assertEqual(api.post("/v1/events", json={
            "type": "victim_event", "contact": {"email": email}, "data": {"m": marker}}).status, 201)
        a = api.post("/v1/automations", json=automation_doc("automation " + marker))
        self.assertEqual(a.status, 201, a)
        automation = a.json["automation"]["uuid"]
        for status in ("COMMITTED", "RUNNING"):
            self.assertEqual(api.post("/v1/automations/%s/status" % automation,
                                      json={"status": status}).status, 200)
        t = api.post("/v1/automations/%s/tokens" % automation, json={"contact": {"email": email}})
        self.assertEqual(t.status, 201, t)
        tpl = api.post("/v1/templates", json={"name": "tpl " + marker, "kind": "email",
                                              "subject": "s " + marker, "html": "<p>%s</p>" % marker})
        self.assertEqual(tpl.status, 201, tpl)
        st = api.post("/v1/settings", json={"type": "SMS_GATEWAY",
                                            "value": {"url": "https://sms.example/%s" % marker}})
        self.assertEqual(st.status, 201, st)
        snd = api.post("/v1/senders", json={"name": "sender " + marker, "from_name": marker,
                                            "from_address": "%s@shop.example" % marker})
        self.assertEqual(snd.status, 201, snd)
        return {"ref": contact["uuid"], "email": email, "contact": contact["uuid"],
                "automation": automation, "token": t.json["token"]["uuid"],
                "template": tpl.json["template"]["uuid"], "setting": st.json["setting"]["uuid"],
                "markers": [marker, contact["uuid"], automation, t.json["token"]["uuid"],
                            tpl.json["template"]["uuid"], st.json["setting"]["uuid"]]}

    # Request bodies that would succeed on the caller's own objects.
    BODIES = {
        ("PATCH", "/v1/contacts/{ref}"): {"attributes": {"hacked": True}},
        ("POST", "/v1/contacts/{ref}/subscriptions"): {"channel": "email", "subscribed": False},
        ("PUT", "/v1/automations/{uuid}"): automation_doc("hijacked"),
        ("POST", "/v1/automations/{uuid}/status"): {"status": "PAUSED"},
        ("POST", "/v1/automations/{uuid}/tokens"): {"contact": {"email": "intruder@x.example"}},
        ("PUT", "/v1/templates/{uuid}"): {"name": "hijacked", "kind": "email", "subject": "s",
                                          "html": "<p>h</p>"},
        ("PUT", "/v1/settings/{uuid}"): {"type": "SMS_GATEWAY",
                                         "value": {"url": "https://evil.example/"}},
    }

    def param_value(self, path, name, victim):
        if name == "ref":
            return victim["contact"]
        if name == "uuid":
            for prefix, key in (("/v1/automations", "automation"), ("/v1/tokens", "token"),
                                ("/v1/templates", "template"), ("/v1/settings", "setting"),
                                ("/v1/workspaces", None)):
                if path.startswith(prefix):
                    return victim[key] if key else victim["workspace"]
        if name == "id":
            return str(victim["credential_id"])
        self.fail("no object for {%s} in %s: extend the matrix" % (name, path))

    def test_second_workspace_never_reaches_first_workspace_objects(self):
        srv = self.server
        ws_a, api_a = srv.workspace_client("victim")
        ws_b, api_b = srv.workspace_client("intruder")
        victim = self.make_objects(api_a, "victim" + uuidlib.uuid4().hex[:8])
        victim["workspace"] = ws_a["uuid"]
        victim["credential_id"] = srv.create_credential(ws_a["uuid"], "apikey")["id"]
        self.make_objects(api_b, "intruder" + uuidlib.uuid4().hex[:8])

        doc = srv.client("api_key").get("/v1/openapi.json")
        self.assertEqual(doc.status, 200, doc)
        operations = []
        for path, item in doc.json["paths"].items():
            for method in item:
                if method.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                    operations.append((method.upper(), path))
        self.assertGreater(len(operations), 25, operations)

        naming_a = api_b.with_headers({"X-Rivulet-Workspace": ws_a["uuid"]})
        self.addCleanup(naming_a.close)
        checked, results, ops = 0, [], set()
        for method, path in sorted(operations):
            if not path.startswith("/v1/") or path == "/v1/openapi.json":
                continue  # public routes (health, metrics, this document), the same for all
            names = re.findall(r"\{(\w+)\}", path)
            concrete = path
            for n in names:
                concrete = concrete.replace("{%s}" % n, self.param_value(path, n, victim))
            body = self.BODIES.get((method, path))
            if method in ("POST", "PUT", "PATCH") and body is None:
                body = {}
            kw = {"json": body} if body is not None else {}
            for label, client in (("B's key", api_b), ("B's key naming A", naming_a)):
                r = client.request(method, concrete, **kw)
                text = r.raw.decode("utf-8", "replace")
                leaked = [m for m in victim["markers"] if m in text]
                results.append((label, method, concrete, r.status))
                self.assertEqual(leaked, [], "%s %s %s leaked %s: %r" % (label, method, concrete,
                                                                          leaked, r))
                if names or label == "B's key naming A":
                    self.assertIn(r.status, (403, 404), "%s %s %s: %r" % (label, method,
                                                                           concrete, r))
                    self.assertIn("error", r.json, r)
                else:
                    # Lists and creations in B's own workspace: fine, but without A's data.
                    self.assertLess(r.status, 500, r)
                checked += 1
            ops.add((method, path))
        # The contact by e-mail address, too.
        r = api_b.get("/v1/contacts/" + victim["email"])
        self.assertEqual(r.status, 404, r)

        # A's objects are untouched.
        c = api_a.get("/v1/contacts/%s" % victim["contact"])
        self.assertEqual(c.status, 200, c)
        self.assertNotIn("hacked", c.json["contact"]["attributes"])
        a = api_a.get("/v1/automations/%s" % victim["automation"])
        self.assertEqual((a.status, a.json["automation"]["status"]), (200, "RUNNING"), a)
        t = api_a.get("/v1/templates/%s" % victim["template"])
        self.assertEqual(t.status, 200, t)
        self.assertNotEqual(t.json["template"]["name"], "hijacked")
        settings = api_a.get("/v1/settings").json["data"]
        self.assertIn(victim["setting"], [s["uuid"] for s in settings])
        print("\n  isolation: %d cross-workspace calls over %d operations, none leaked"
              % (checked, len(ops)))


class TokenAuthTest(RivuletTestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="token-auth")

    def assert_401(self, headers, path="/v1/contacts"):
        r = self.server.client(headers).get(path)
        self.assertEqual(r.status, 401, (headers, r))
        self.assertEqual(r.error["code"], "unauthenticated", r)
        return r

    def test_malformed_credentials_are_401(self):
        key = self.server.creds.api_key
        for headers in ({}, {"Authorization": ""}, {"Authorization": "Bearer"},
                        {"Authorization": "Bearer "}, {"Authorization": "Bearer x"},
                        {"Authorization": "Basic " + key}, {"Authorization": key},
                        {"Authorization": "Bearer " + key[:-1]},
                        {"Authorization": "Bearer " + key + "x"},
                        {"Authorization": "Bearer " + key.upper()},
                        {"Authorization": "Bearer " + "A" * 4000},
                        {"Authorization": "Bearer \u00e9\u00e9"},
                        {"Authorization": "Bearer " + key + " " + key},
                        {"PublicKey": self.server.creds.public_key},
                        {"SecretKey": self.server.creds.secret_key}):
            self.assert_401(headers)

    def test_revoked_credentials_and_their_tokens_are_401(self):
        srv = self.server
        ws, api = srv.workspace_client()
        oauth = srv.create_credential(ws["uuid"], "oauth")
        token = srv.oauth_token(oauth["client_id"], oauth["client_secret"])
        key = srv.create_credential(ws["uuid"], "apikey")
        for bearer in (token, key["api_key"]):
            self.assertEqual(srv.client(bearer).get("/v1/contacts").status, 200)
        admin = srv.client("admin")
        for cred in (oauth, key):
            self.assertEqual(admin.delete("/v1/credentials/%s" % cred["id"]).status, 204)
        for bearer in (token, key["api_key"]):
            self.assert_401({"Authorization": "Bearer " + bearer})
        r = srv.client(None).post("/oauth/token", form={
            "grant_type": "client_credentials", "client_id": oauth["client_id"],
            "client_secret": oauth["client_secret"]})
        self.assertEqual((r.status, r.json["error"]), (401, "invalid_client"), r)

    def test_expired_access_token_is_401(self):
        srv = self.start_server(name="expiry")
        token = srv.oauth_token()
        self.assertEqual(srv.client(token).get("/v1/contacts").status, 200)
        srv.stop()
        # Age every token past its expiry (the process is stopped; its cache is gone), in the
        # SQLite file or the PostgreSQL database.
        past = int(time.time() * 1000) - 1000
        if BACKEND == "postgres":
            from pg_cluster import PostgresCluster
            out = PostgresCluster.shared().scalar(
                srv.database, "WITH aged AS (UPDATE access_tokens SET expires_at = %d "
                "RETURNING 1) SELECT count(*) FROM aged" % past)
            n = int(out)
        else:
            db = sqlite3.connect(srv.database)
            try:
                n = db.execute("UPDATE access_tokens SET expires_at = ?", (past,)).rowcount
                db.commit()
            finally:
                db.close()
        self.assertGreaterEqual(n, 1)
        srv.start()
        r = srv.client(token).get("/v1/contacts")
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.error["code"], "unauthenticated", r)
        fresh = srv.oauth_token()
        self.assertEqual(srv.client(fresh).get("/v1/contacts").status, 200)


class BruteForceTest(RivuletTestCase):
    LIMITS = ["--auth-failures-per-client", "5", "--auth-failures-per-address", "12"]

    def token_request(self, srv, client_id, secret):
        return srv.client(None).post("/oauth/token", form={
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})

    def test_token_endpoint_limits_a_client_then_the_address(self):
        srv = self.start_server(name="brute-oauth", args=self.LIMITS)
        cid, secret = srv.creds.client_id, srv.creds.client_secret
        for i in range(5):
            r = self.token_request(srv, cid, "wrong-%d" % i)
            self.assertEqual(r.status, 401, r)
        # The client is now blocked, even with its right secret, in the OAuth envelope.
        r = self.token_request(srv, cid, secret)
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.json["error"], "slow_down", r)
        self.assertIn("too many failed authentication attempts", r.json["error_description"])
        self.assertGreaterEqual(int(r.header("Retry-After")), 1)
        self.assertLessEqual(int(r.header("Retry-After")), 60)
        # Another client from the same address still gets through...
        other = srv.create_credential(srv.creds.workspace_uuid, "oauth")
        self.assertEqual(self.token_request(srv, other["client_id"],
                                            other["client_secret"]).status, 200)
        # ...until the address used up its failures (5 so far; 12 allowed).
        statuses = [self.token_request(srv, "9%05d" % i, "guess").status for i in range(7)]
        self.assertEqual(statuses, [401] * 7)
        r = self.token_request(srv, other["client_id"], other["client_secret"])
        self.assertEqual(r.status, 429, r)
        # The API keys of the same address are refused too (the address is the key).
        r = srv.client("api_key").get("/v1/contacts")
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.error["code"], "resource_exhausted", r)
        self.assertTrue(r.header("Retry-After"))

    def test_key_header_guessing_is_limited_per_address_and_per_public_key(self):
        srv = self.start_server(name="brute-keys", args=self.LIMITS)
        good = srv.client("api_key")
        self.assertEqual(good.get("/v1/contacts").status, 200)
        # Requests without credentials guess nothing and are not counted.
        for _ in range(20):
            self.assertEqual(srv.client(None).get("/v1/contacts").status, 401)
        # Key pair guesses against one PublicKey: blocked after 5.
        pub = srv.creds.public_key
        for i in range(5):
            r = srv.client({"PublicKey": pub, "SecretKey": "guess-%d" % i}).get("/v1/contacts")
            self.assertEqual(r.status, 401, r)
        r = srv.client({"PublicKey": pub, "SecretKey": "guess-x"}).get("/v1/contacts")
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.error["code"], "resource_exhausted", r)
        # Bearer guesses: 7 more failures reach the address's 12.
        for i in range(7):
            r = srv.client("not-a-key-%d" % i).get("/v1/contacts")
            self.assertEqual(r.status, 401, r)
        r = srv.client("not-a-key-last").get("/v1/contacts")
        self.assertEqual(r.status, 429, r)
        self.assertIn("Retry-After", r.headers)
        # Even the right key from that address waits; public routes still answer.
        self.assertEqual(good.get("/v1/contacts").status, 429)
        self.assertEqual(srv.client(None).get("/healthz").status, 200)
        m = srv.client(None).get("/metrics")
        self.assertIn('status="429"', m.body)


if __name__ == "__main__":
    unittest.main()
