"""Isolation and authentication of the vendor faces (issue #8.5: Leat, Contactflow, AllsTechnology).

  VendorIsolationMatrixTest  every authenticated route of the three faces, from
                             vendor_isolation_matrix.json (which test/api/
                             vendor_isolation_matrix_test.cc keeps equal to the registered
                             routes), called with workspace B's valid credentials on workspace
                             A's objects: the matrix's 403/404/422, in the face's own envelope,
                             and none of A's data; Contactflow routes also with Node: A (403)
                             and an unknown Node (404). A's objects are unchanged after.
  VendorAuthTest             malformed, revoked and expired credentials on every route of each
                             face: 401 in that face's own envelope.

Run: cd test/integration && RIVULET_BIN=.../build/debug/rivulet \
         /usr/bin/python3 -m unittest -v test_isolation_vendor
"""

import json
import os
import re
import time
import unittest
import uuid as uuidlib

from rivulet_harness import RivuletTestCase

MATRIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor_isolation_matrix.json")
# Failed authentications are the point of VendorAuthTest: no rate limit in the way.
NO_AUTH_LIMIT = ["--auth-failures-per-client", "0", "--auth-failures-per-address", "0"]
PLACEHOLDER = re.compile(r"<(a|b)\.(\w+)(:int)?>|<unknown>")


def new_uuid():
    return str(uuidlib.uuid4())


def load_matrix():
    with open(MATRIX) as f:
        return json.load(f)["calls"]


def native_automation(name, step_type="WAIT"):
    step = {"uuid": new_uuid(), "type": step_type, "name": "first"}
    step["settings"] = {"delay_seconds": 3600} if step_type == "WAIT" else {"add": ["x"]}
    return {"name": name, "steps": [step], "connections": [],
            "triggers": [{"event_type": "contact_updated"}]}


class Workspace:
    """One workspace with a credential of every kind and a client per face."""

    def __init__(self, server, name):
        self.server = server
        self.ws = server.create_workspace(name)
        self.uuid = self.ws["uuid"]
        key = server.create_credential(self.uuid, "apikey")
        oauth = server.create_credential(self.uuid, "oauth")
        pair = server.create_credential(self.uuid, "keypair")
        self.api_key = key["api_key"]
        self.oauth = oauth
        self.token = server.oauth_token(oauth["client_id"], oauth["client_secret"])
        self.key_pair = {"PublicKey": pair["public_key"], "SecretKey": pair["secret_key"]}
        self.credential_ids = [key["id"], oauth["id"], pair["id"]]
        self.native = server.client(self.api_key)
        self.objects = {"node": self.uuid}

    def leat(self):
        return self.server.client(self.api_key)

    def contactflow(self, node=None):
        headers = {"Authorization": "Bearer " + self.token}
        if node:
            headers["Node"] = node
        return self.server.client(headers)

    def allstech(self):
        return self.server.client(dict(self.key_pair))


def expect(test, r, status, what):
    test.assertEqual(r.status, status, "%s: %r" % (what, r))
    return r.json


def populate(test, w, marker, with_batch):
    """Objects of every kind in w's workspace, each carrying marker; recorded in w.objects."""
    o = w.objects
    email = "%s@victim.example" % marker
    c = expect(test, w.native.post("/v1/contacts", json={
        "email": email, "attributes": {"secret": marker}}), 201, "contact")
    o["contact"] = c["contact"]["uuid"]
    doc = native_automation("automation " + marker)
    o["step"] = doc["steps"][0]["uuid"]
    a = expect(test, w.native.post("/v1/automations", json=doc), 201, "automation")
    o["automation"] = a["automation"]["uuid"]
    for status in ("COMMITTED", "RUNNING"):
        expect(test, w.native.post("/v1/automations/%s/status" % o["automation"],
                                   json={"status": status}), 200, status)
    t = expect(test, w.native.post("/v1/automations/%s/tokens" % o["automation"],
                                   json={"contact": {"email": email}}), 201, "token")
    o["token"] = t["token"]["uuid"]
    s = expect(test, w.native.post("/v1/settings", json={
        "type": "SMS_GATEWAY", "value": {"url": "https://sms.example/%s" % marker}}), 201, "setting")
    o["setting"] = s["setting"]["uuid"]
    tpl = expect(test, w.native.post("/v1/templates", json={
        "name": "tpl " + marker, "kind": "email", "subject": "s " + marker,
        "html": "<p>%s</p>" % marker}), 201, "template")
    o["template"] = tpl["template"]["uuid"]
    cf = w.contactflow(w.uuid)
    models = expect(test, cf.get("/contactflow/external-contents/mail-models"), 200, "models")
    o["template_id"] = str([m["id"] for m in models if m["uuid"] == o["template"]][0])
    if with_batch:
        o["source"] = new_uuid()
        r = cf.post("/contactflow/automations/%s/customers/batch" % o["automation"], json={
            "packet": "FIRST", "sourceUuid": o["source"], "sourceLabel": marker,
            "customers": [{"userPk": "batch-" + marker}]})
        test.assertLess(r.status, 300, r)
        # Packets are expanded in the background: wait for the held token.
        path = "/contactflow/automations/%s/customers/batch?sourceUuid=%s" % (
            o["automation"], o["source"])
        for _ in range(400):
            if cf.get(path).json.get("pending") == 0:
                break
            time.sleep(0.05)
        test.assertEqual(cf.get(path).json.get("customers"), 1)
    at = w.allstech()

    def success(r, what):
        test.assertEqual((r.status, r.json.get("status")), (200, "success"), "%s: %r" % (what, r))
        return r.json["message"]

    o["sender_id"] = str(success(at.post("/api/senders", multipart={
        "name": "sender " + marker, "from_name": marker,
        "from_email": "%s@shop.example" % marker}.items()), "sender")["sender"]["id"])
    o["template_id_at"] = str(success(at.post("/api/templates", multipart={
        "name": "at tpl " + marker, "subject": "s " + marker,
        "template_html": "<p>%s</p>" % marker}.items()), "template")["template"]["id"])
    o["group_id"] = str(success(at.post("/api/unsubscribe-groups", multipart={
        "name": "group " + marker}.items()), "group")["unsubscribe_group"]["id"])
    o["contact_type_id"] = str(success(at.post("/api/contact-types", multipart={
        "name": "type " + marker, "tag": "t" + uuidlib.uuid4().hex[:8]}.items()),
        "contact type")["contact_type"]["id"])
    o["utr"] = success(at.post("/api/automations/create", multipart={
        "type": "custom", "automation_name": "at " + marker,
        "unsubscribe_group_id": o["group_id"]}.items()), "create")["utr"]
    success(at.post("/api/automations/schedule/create", multipart={
        "utr": o["utr"], "sender_id": o["sender_id"], "subject": "s " + marker,
        "waiting_period": "1", "waiting_type": "days", "template_id": o["template_id_at"],
        "preview_img": "x.png", "template_html": "<p>%s</p>" % marker}.items()), "schedule")
    details = success(at.get("/api/automations/details?utr=" + o["utr"]), "details")
    o["automation_id"] = str(details["automation"]["id"])
    sched = success(at.get("/api/automations/schedule?utr=" + o["utr"]), "schedules")
    o["schedule_utr"] = sched["automation_schedules"][0]["utr"]
    return email


def assert_envelope(test, face, r, what):
    """The face's own error envelope."""
    body = r.json
    test.assertIsInstance(body, dict, "%s: %r" % (what, r))
    if face == "leat":
        test.assertEqual(body.get("status_code"), r.status, "%s: %r" % (what, r))
        test.assertIn("message", body, what)
        test.assertIn("errors", body, what)
    elif face == "contactflow":
        test.assertEqual(set(body), {"message", "logref", "errors"}, "%s: %r" % (what, r))
    else:
        test.assertEqual(body.get("status"), "failed", "%s: %r" % (what, r))
        test.assertIn("errors", body, what)


class VendorIsolationMatrixTest(RivuletTestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="vendor-isolation")

    def fill(self, text, a, b):
        """Replaces the placeholders in text (a str) with A's and B's objects."""
        def one(m):
            if m.group(0) == "<unknown>":
                return new_uuid()
            return (a.objects if m.group(1) == "a" else b.objects)[m.group(2)]
        return PLACEHOLDER.sub(one, text)

    def fill_value(self, value, a, b, allstech):
        """fill() inside a JSON value; "<x.y:int>" becomes a number, and in AllsTechnology
        forms template_id is that face's template id."""
        if isinstance(value, str):
            m = PLACEHOLDER.fullmatch(value)
            if m and m.group(3) == ":int":
                return int((a.objects if m.group(1) == "a" else b.objects)[m.group(2)])
            if allstech and m and m.group(2) == "template_id":
                return (a.objects if m.group(1) == "a" else b.objects)["template_id_at"]
            return self.fill(value, a, b)
        if isinstance(value, dict):
            return {k: self.fill_value(v, a, b, allstech) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill_value(v, a, b, allstech) for v in value]
        return value

    def test_workspace_b_never_reaches_workspace_a(self):
        srv = self.server
        a = Workspace(srv, "victim")
        b = Workspace(srv, "intruder")
        marker = "victim" + uuidlib.uuid4().hex[:10]
        populate(self, a, marker, with_batch=True)
        populate(self, b, "intruder" + uuidlib.uuid4().hex[:10], with_batch=False)
        secrets = [marker] + [v for v in a.objects.values() if not v.isdigit()]  # ids: uuids

        clients = {"leat": b.leat(), "allstech": b.allstech(),
                   "contactflow": b.contactflow(b.uuid)}
        # (label, client, allowed statuses, what the request itself says)
        node_variants = [("Node: A", b.contactflow(a.uuid), [403], a.uuid),
                         ("Node: unknown", b.contactflow(new_uuid()), [404], "")]
        for c in list(clients.values()) + [v[1] for v in node_variants]:
            self.addCleanup(c.close)
        calls, routes = 0, set()
        for entry in load_matrix():
            face = entry["face"]
            allstech = face == "allstech"
            path = self.fill(entry["path"], a, b)
            kw = {}
            if "json" in entry:
                kw["json"] = self.fill_value(entry["json"], a, b, allstech)
            if "multipart" in entry:
                kw["multipart"] = list(self.fill_value(entry["multipart"], a, b, True).items())
            if "form" in entry:
                kw["form"] = self.fill(entry["form"], a, b)
            sent = path + json.dumps(kw, default=str)
            variants = [("B", clients[face], entry["expect"], "")]
            if face == "contactflow" and entry.get("node", True):
                variants += node_variants
            for label, client, allowed, header in variants:
                what = "%s %s %s %s (%s)" % (face, entry["method"], path, kw or "", label)
                r = client.request(entry["method"], path, **kw)
                text = r.raw.decode("utf-8", "replace")
                leaked = [s for s in secrets if s in text and s not in sent + header]
                self.assertEqual(leaked, [], "%s leaked %s: %r" % (what, leaked, r))
                if allowed == "own":
                    self.assertLess(r.status, 500, "%s: %r" % (what, r))
                    self.assertNotEqual(r.status, 401, "%s: %r" % (what, r))
                else:
                    self.assertIn(r.status, allowed, "%s: %r" % (what, r))
                    assert_envelope(self, face, r, what)
                calls += 1
            routes.add((face, entry["method"], entry["pattern"]))

        # A's objects are all still there, unchanged.
        o, api = a.objects, a.native
        auto = expect(self, api.get("/v1/automations/" + o["automation"]), 200, "automation")
        self.assertEqual(auto["automation"]["status"], "RUNNING")
        self.assertEqual(auto["automation"]["name"], "automation " + marker)
        tok = expect(self, api.get("/v1/tokens/" + o["token"]), 200, "token")
        self.assertEqual(tok["token"]["status"], "ACTIVE", tok)
        self.assertIn(o["setting"], [s["uuid"] for s in api.get("/v1/settings").json["data"]])
        cf = a.contactflow(a.uuid)
        self.addCleanup(cf.close)
        node = expect(self, cf.get("/contactflow/nodes/" + a.uuid), 200, "node")
        self.assertTrue(node["active"], node)
        setting = expect(self, cf.get("/contactflow/settings/" + o["setting"]), 200, "setting")
        self.assertIn(marker, json.dumps(setting))
        tokens = expect(self, cf.get("/contactflow/tokens?automationUuid=" + o["automation"]),
                        200, "tokens")
        # A's token still waits, and its open batch still holds its customer (B's DELETE of
        # the batch did nothing).
        self.assertEqual(sorted((t.get("userPk", ""), t["status"]) for t in tokens["elements"]),
                         [("", "WAITING"), ("batch-" + marker, "HELD")], tokens)
        self.assertIn(o["token"], [t["uuid"] for t in tokens["elements"]])
        at = a.allstech()
        self.addCleanup(at.close)
        details = expect(self, at.get("/api/automations/details?utr=" + o["utr"]), 200, "details")
        self.assertEqual(details["message"]["automation"]["automation_name"], "at " + marker)
        sched = expect(self, at.get("/api/automations/schedule?utr=" + o["utr"]), 200, "schedule")
        self.assertEqual(len(sched["message"]["automation_schedules"]), 1)
        print("\n  vendor isolation: %d cross-workspace calls over %d routes, none leaked"
              % (calls, len(routes)))


class VendorAuthTest(RivuletTestCase):
    """401 in each face's envelope, on every route of the matrix."""

    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server(name="vendor-auth",
                                            args=NO_AUTH_LIMIT + ["--test-clock", "true"])

    def routes(self):
        """(face, method, concrete path) once per route; parameters get well-formed uuids."""
        seen, out = set(), []
        for entry in load_matrix():
            key = (entry["face"], entry["method"], entry["pattern"])
            if key in seen:
                continue
            seen.add(key)
            path = PLACEHOLDER.sub(lambda m: "7" if m.group(2) and m.group(2).endswith("_id")
                                   else new_uuid(), entry["path"])
            out.append((entry["face"], entry["method"], path))
        return out

    def assert_all_401(self, headers_by_face, label):
        n = 0
        for face, method, path in self.routes():
            headers = headers_by_face.get(face)
            if headers is None:
                continue
            auth = headers.get("Authorization", "")
            if face == "leat" and not path.startswith("/api/v3/") and not (
                    len(auth) > 7 and auth[:7].lower() == "bearer "):
                continue  # without "Bearer …" the legacy /api/automations paths are not Leat's
            r = self.server.client(headers).request(method, path)
            what = "%s %s %s with %s" % (face, method, path, label)
            self.assertEqual(r.status, 401, "%s: %r" % (what, r))
            assert_envelope(self, face, r, what)
            if face != "allstech":
                self.assertEqual(r.header("WWW-Authenticate"), "Bearer", what)
            n += 1
        return n

    def test_malformed_credentials(self):
        srv = self.server
        w = Workspace(srv, "auth-malformed")
        node = {"Node": w.uuid}
        cases = [
            ("no credentials", {"leat": {}, "contactflow": dict(node), "allstech": {}}),
            ("garbage", {"leat": {"Authorization": "Bearer x"},
                         "contactflow": dict(node, Authorization="Bearer x"),
                         "allstech": {"PublicKey": "x", "SecretKey": "y"}}),
            ("a truncated secret", {
                "leat": {"Authorization": "Bearer " + w.api_key[:-1]},
                "contactflow": dict(node, Authorization="Bearer " + w.token[:-1]),
                "allstech": dict(w.key_pair, SecretKey=w.key_pair["SecretKey"][:-1])}),
            ("an oversized token", {
                "leat": {"Authorization": "Bearer " + "A" * 4000},
                "contactflow": dict(node, Authorization="Bearer " + "A" * 4000),
                "allstech": {"PublicKey": "A" * 4000, "SecretKey": "B" * 4000}}),
            ("another scheme", {
                "leat": {"Authorization": "Basic " + w.api_key},
                "contactflow": dict(node, Authorization="Basic " + w.token),
                "allstech": {"PublicKey": w.key_pair["PublicKey"]}}),
            # Contactflow takes OAuth access tokens only, not API keys.
            ("an API key", {"contactflow": dict(node, Authorization="Bearer " + w.api_key)}),
        ]
        total = 0
        for label, headers in cases:
            total += self.assert_all_401(headers, label)
        self.assertGreater(total, 250)
        print("\n  vendor auth: %d malformed-credential calls, all 401 in the face's envelope"
              % total)

    def test_revoked_credentials(self):
        srv = self.server
        w = Workspace(srv, "auth-revoked")
        admin = srv.client("admin")
        self.addCleanup(admin.close)
        self.assertEqual(w.leat().get("/api/v3/oauth/clients/automations").status, 200)
        self.assertEqual(w.contactflow(w.uuid).get("/contactflow/automations").status, 200)
        self.assertEqual(w.allstech().get("/api/senders").status, 200)
        for cred in w.credential_ids:
            self.assertEqual(admin.delete("/v1/credentials/%s" % cred).status, 204)
        self.assert_all_401({"leat": {"Authorization": "Bearer " + w.api_key},
                             "contactflow": {"Authorization": "Bearer " + w.token,
                                             "Node": w.uuid},
                             "allstech": dict(w.key_pair)}, "revoked credentials")
        # The OAuth access token as a Leat bearer, too.
        self.assert_all_401({"leat": {"Authorization": "Bearer " + w.token}}, "a revoked token")

    def test_expired_access_tokens(self):
        srv = self.server
        w = Workspace(srv, "auth-expired")
        cf = w.contactflow(w.uuid)
        self.assertEqual(cf.get("/contactflow/automations").status, 200)
        leat = srv.client(w.token)
        self.assertEqual(leat.get("/api/v3/oauth/clients/automations").status, 200)
        admin = srv.client("admin")
        r = admin.post("/v1/admin/clock/advance", json={"seconds": 2 * 86400})
        self.assertEqual(r.status, 200, r)
        self.assert_all_401({"leat": {"Authorization": "Bearer " + w.token},
                             "contactflow": {"Authorization": "Bearer " + w.token,
                                             "Node": w.uuid}}, "an expired token")
        # A fresh token works again.
        fresh = srv.oauth_token(w.oauth["client_id"], w.oauth["client_secret"])
        cf2 = srv.client({"Authorization": "Bearer " + fresh, "Node": w.uuid})
        self.assertEqual(cf2.get("/contactflow/automations").status, 200)


if __name__ == "__main__":
    unittest.main()
