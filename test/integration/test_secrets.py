"""Secrets (issue #8.7): no secret in logs, metrics or error bodies; credential secrets and
access tokens at rest only as hashes; the database files are mode 0600.

The test creates credentials of every kind and channel settings with secrets, uses them
(API calls, an OAuth token, an authenticated SMTP delivery, a signed webhook), provokes
errors (bad secrets, wrong client, revoked credentials, a wrong SMTP password, admin routes
with a workspace key), then searches the server's whole output (debug log level, access
log on), /metrics and every response body except the one that issued a secret, and the
SQLite file itself.

Run: cd test/integration && RIVULET_BIN=.../build/debug/rivulet \
         /usr/bin/python3 -m unittest -v test_secrets
"""

import hashlib
import os
import re
import secrets as pysecrets
import sqlite3
import stat
import unittest

from rivulet_harness import DEMO_RE, Client
from test_engine_e2e import E2EBase, SmtpSink, poll_until


class RecordingClient(Client):
    """A Client that keeps every response it received."""

    def __init__(self, base, headers, log):
        super().__init__(base.host, base.port, headers, base.timeout)
        self._log = log

    def request(self, method, path, **kw):
        r = super().request(method, path, **kw)
        self._log.append((method, path, r))
        return r


class SecretsTest(E2EBase):

    def test_no_secret_in_logs_metrics_error_bodies_or_database(self):
        smtp_user, smtp_pass = "mailer", "smtp-pass-" + pysecrets.token_hex(12)
        smtp = self.start_peer(SmtpSink("--auth", "%s:%s" % (smtp_user, smtp_pass)))
        recv = self.receiver()
        srv = self.start_server(name="secrets", access_log=True,
                                args=self.SERVER_ARGS + ["--log-level", "debug"])
        responses = []          # (method, path, Response) of every call below
        issued = set()          # responses that legitimately carry a secret they issue

        def client(headers=None):
            c = RecordingClient(srv.client(None), headers or {}, responses)
            self.addCleanup(c.close)
            return c

        admin = client({"Authorization": "Bearer " + srv.creds.admin_key})
        r = admin.post("/v1/workspaces", json={"name": "secret-ws"})
        self.assertEqual(r.status, 201, r)
        ws = r.json["workspace"]
        creds = {}
        for kind in ("oauth", "apikey", "keypair"):
            r = admin.post("/v1/workspaces/%s/credentials" % ws["uuid"], json={"kind": kind})
            self.assertEqual(r.status, 201, r)
            issued.add(id(r))
            creds[kind] = r.json["credential"]
        api_key = creds["apikey"]["api_key"]
        client_id = creds["oauth"]["client_id"]
        client_secret = creds["oauth"]["client_secret"]
        public_key = creds["keypair"]["public_key"]
        secret_key = creds["keypair"]["secret_key"]
        revoked = admin.post("/v1/workspaces/%s/credentials" % ws["uuid"], json={"kind": "apikey"})
        issued.add(id(revoked))
        revoked_key = revoked.json["credential"]["api_key"]
        self.assertEqual(admin.delete("/v1/credentials/%s" % revoked.json["credential"]["id"]).status,
                         204)

        anon = client()
        r = anon.post("/oauth/token", form={"grant_type": "client_credentials",
                                            "client_id": client_id, "client_secret": client_secret})
        self.assertEqual(r.status, 200, r)
        issued.add(id(r))
        access_token = r.json["access_token"]

        # Use them.
        api = client({"Authorization": "Bearer " + api_key})
        self.assertEqual(api.get("/v1/contacts").status, 200)
        oauth = client({"Authorization": "Bearer " + access_token})
        self.assertEqual(oauth.get("/v1/contacts").status, 200)
        pair = client({"PublicKey": public_key, "SecretKey": secret_key})
        self.assertEqual(pair.get("/v1/contacts").status, 200)
        signing_secret = "whsec-" + pysecrets.token_hex(16)
        self.ok(api.post("/v1/settings", json={"type": "SMTP", "value": {
            "url": smtp.url, "tls": "none", "username": smtp_user, "password": smtp_pass}}), 201)
        self.ok(api.post("/v1/settings", json={"type": "WEBHOOK_SIGNING",
                                               "value": {"secret": signing_secret}}), 201)
        sender = self.ok(api.post("/v1/senders", json={
            "name": "n", "from_name": "N", "from_address": "n@shop.example"}), 201)["sender"]["uuid"]
        mail = self.step("CLAB_CAMPAIGN", {"sender_uuid": sender, "subject": "s", "text": "t"})
        hook = self.step("WEBHOOK", {"url": recv.url("/hooks/s")})
        a = self.running_automation(api, "secret journey", [mail, hook], [self.conn(mail, hook)])
        good = self.enroll(api, a, {"email": "good@secret.example"})

        # A second workspace whose SMTP password is wrong: the delivery fails.
        r = admin.post("/v1/workspaces", json={"name": "wrong-pass"})
        ws2 = r.json["workspace"]
        r = admin.post("/v1/workspaces/%s/credentials" % ws2["uuid"], json={"kind": "apikey"})
        issued.add(id(r))
        api2_key = r.json["credential"]["api_key"]
        api2 = client({"Authorization": "Bearer " + api2_key})
        wrong_pass = "wrong-" + pysecrets.token_hex(12)
        self.ok(api2.post("/v1/settings", json={"type": "SMTP", "value": {
            "url": smtp.url, "tls": "none", "username": smtp_user, "password": wrong_pass}}), 201)
        sender2 = self.ok(api2.post("/v1/senders", json={
            "name": "n", "from_name": "N", "from_address": "n@shop.example"}), 201)["sender"]["uuid"]
        mail2 = self.step("CLAB_CAMPAIGN", {"sender_uuid": sender2, "subject": "s", "text": "t"})
        a2 = self.running_automation(api2, "wrong pass", [mail2], [])
        bad = self.enroll(api2, a2, {"email": "bad@secret.example"})

        # Errors with secrets in every credential position.
        tweak = lambda s: s[:-1] + ("A" if s[-1] != "A" else "B")
        bad_calls = [
            ({"Authorization": "Bearer " + tweak(api_key)}, "/v1/contacts"),
            ({"Authorization": "Bearer " + revoked_key}, "/v1/contacts"),
            ({"Authorization": "Bearer " + tweak(access_token)}, "/v1/contacts"),
            ({"Authorization": "Bearer " + client_secret}, "/v1/contacts"),
            ({"Authorization": "Bearer " + secret_key}, "/v1/contacts"),
            ({"Authorization": "Basic " + api_key}, "/v1/contacts"),
            ({"Authorization": "Bearer " + api_key}, "/v1/workspaces"),  # admin only
            ({"Authorization": "Bearer " + api_key, "X-Rivulet-Workspace": "nope"}, "/v1/contacts"),
            ({"PublicKey": public_key, "SecretKey": tweak(secret_key)}, "/v1/contacts"),
            ({"Authorization": "Bearer " + api_key}, "/v1/contacts/" + api_key),
        ]
        for headers, path in bad_calls:
            r = client(headers).get(path)
            self.assertGreaterEqual(r.status, 400, (headers, path, r))
        for form in ({"grant_type": "client_credentials", "client_id": client_id,
                      "client_secret": tweak(client_secret)},
                     {"grant_type": "client_credentials", "client_id": public_key,
                      "client_secret": secret_key},
                     {"grant_type": "client_credentials", "client_id": "999999",
                      "client_secret": client_secret},
                     {"grant_type": "password", "client_id": client_id,
                      "client_secret": client_secret},
                     {"grant_type": "client_credentials", "client_id": client_id}):
            r = anon.post("/oauth/token", form=form)
            self.assertIn(r.status, (400, 401), r)
        r = anon.post("/oauth/token", json={"grant_type": "client_credentials",
                                            "client_id": client_id,
                                            "client_secret": {"nested": client_secret}})
        self.assertEqual(r.status, 400, r)

        t = self.wait_token(api, good["uuid"], {"COMPLETED", "ERROR"}, 30)
        self.assertEqual(t["status"], "COMPLETED", t)
        got = poll_until(lambda: [m for m in smtp.messages() if "good@secret.example" in m.rcpt],
                         10, "the authenticated e-mail")
        self.assertEqual(got[0].meta["auth_user"], smtp_user)
        t = self.wait_token(api2, bad["uuid"], {"COMPLETED", "ERROR"}, 30)
        self.assertEqual(t["status"], "ERROR", t)
        self.assertEqual(api.get("/v1/tokens/%s" % good["uuid"]).status, 200)
        for path in ("/v1/settings", "/v1/tokens/%s" % good["uuid"]):
            self.assertEqual(api.get(path).status, 200)
        self.assertEqual(api2.get("/v1/tokens/%s" % bad["uuid"]).status, 200)
        metrics = anon.get("/metrics")
        self.assertEqual(metrics.status, 200)
        anon.get("/readyz")

        secrets = {"api key": api_key, "OAuth client secret": client_secret,
                   "access token": access_token, "secret key": secret_key,
                   "revoked api key": revoked_key, "second api key": api2_key,
                   "SMTP password": smtp_pass, "wrong SMTP password": wrong_pass,
                   "webhook signing secret": signing_secret, "admin key": srv.creds.admin_key}

        # Database files: 0600 while the server runs (the WAL and its index exist then).
        for suffix in ("", "-wal", "-shm"):
            path = srv.database + suffix
            self.assertTrue(os.path.exists(path), path)
            mode = stat.S_IMODE(os.stat(path).st_mode)
            self.assertEqual(mode, 0o600, "%s has mode %o" % (path, mode))

        srv.stop()
        # The server's whole output, without the demo banner (which shows the demo secrets
        # once, on purpose, on the terminal of whoever runs `serve --demo`).
        log = DEMO_RE.sub("", srv.log())
        leaks = []
        for name, value in secrets.items():
            if value in log:
                line = next(l for l in log.splitlines() if value in l)
                leaks.append("%s in the server log: %s" % (name, line[:300]))
            if value in metrics.raw.decode("utf-8", "replace"):
                leaks.append("%s in /metrics" % name)
            for method, path, r in responses:
                if id(r) in issued:
                    continue
                if value in r.raw.decode("utf-8", "replace") or value in str(dict(r.headers)):
                    leaks.append("%s in the response to %s %s (%d): %r"
                                 % (name, method, path.replace(value, "<it>"), r.status, r))
        self.assertEqual(leaks, [], "\n".join(leaks))
        errors = [r for _, _, r in responses if r.status >= 400]
        self.assertGreaterEqual(len(errors), len(bad_calls) + 6)

        # At rest: credential secrets and access tokens only as SHA-256 hashes.
        db = sqlite3.connect("file:%s?mode=ro" % srv.database, uri=True)
        try:
            cells = []
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            for table in tables:
                for row in db.execute('SELECT * FROM "%s"' % table):
                    for cell in row:
                        if isinstance(cell, bytes):
                            cells.append(cell)
                        elif isinstance(cell, str):
                            cells.append(cell.encode())
            blob = b"\x00".join(cells)
            for name in ("api key", "OAuth client secret", "access token", "secret key",
                         "revoked api key", "second api key", "admin key"):
                value = secrets[name].encode()
                self.assertNotIn(value, blob, "%s stored in clear" % name)
            hashes = {bytes(r[0]) for r in db.execute("SELECT secret_hash FROM credentials")}
            for name in ("api key", "OAuth client secret", "secret key", "admin key"):
                self.assertIn(hashlib.sha256(secrets[name].encode()).digest(), hashes, name)
            tokens = {bytes(r[0]) for r in db.execute("SELECT token_hash FROM access_tokens")}
            self.assertIn(hashlib.sha256(access_token.encode()).digest(), tokens)
        finally:
            db.close()


if __name__ == "__main__":
    unittest.main()
