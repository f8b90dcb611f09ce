"""Black-box tests of the Contactflow API 2.49 face (/contactflow) against the real binary.

Every endpoint of the face is driven over HTTP with an OAuth2 bearer token and the Node
header; a journey runs through a real SMTP server and HTTP receiver (test/support). Live
responses are checked against the face's own OpenAPI document (openapi_check.py).
"""

import csv
import io
import json
import re
import time
import unittest
import uuid as uuidlib
import zipfile

from openapi_check import OpenApiChecker
from rivulet_harness import RivuletTestCase
from test_engine_e2e import SIGNING_SECRET, HttpReceiver, SmtpSink, verify_signature

BASE = "/contactflow"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def new_uuid():
    return str(uuidlib.uuid4())


def wait_until(predicate, timeout=20.0, interval=0.05, what="condition"):
    """Polls predicate until it returns a truthy value; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(interval)


def email_step(step_uuid, subject="Hello {{contact.email}}", description="welcome mail"):
    return {"uuid": step_uuid, "type": "ACTION", "operation": "CLAB_CAMPAIGN",
            "description": description,
            "settings": {"from_address": "news@shop.example", "from_name": "Shop",
                         "subject": subject, "text": "Hi {{run.data.firstName}}"}}


class ContactflowBase(RivuletTestCase):
    checker = None

    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server()
        cls.token = cls.server.oauth_token()
        c = cls.server.client()
        r = c.get(BASE + "/openapi.json")  # public, like the other faces' documents
        c.close()
        if r.status != 200:
            raise AssertionError("no OpenAPI document: %r" % (r,))
        cls.checker = OpenApiChecker(r.json)

    # -- helpers ---------------------------------------------------------------------------

    def cf(self, node=None, token=None):
        """A client with the bearer token and, when given, the Node header."""
        headers = {"Authorization": "Bearer " + (token or self.token)}
        if node:
            headers["Node"] = node
        return self.server.client(headers)

    def check(self, r, status, method=None, path=None):
        """Asserts the status and validates the body against the OpenAPI document."""
        self.assertEqual(r.status, status, r)
        if method and path:
            self.checker.check_response(self, method, path, status, r)
        return r.body

    def assertCfError(self, r, status, path=None):
        """The face's error envelope: message, a fresh logref (also in the server log), errors."""
        self.assertEqual(r.status, status, r)
        body = r.json
        self.assertEqual(set(body), {"message", "logref", "errors"}, body)
        self.assertIsInstance(body["message"], str)
        self.assertTrue(body["message"])
        self.assertRegex(body["logref"], r"^[0-9a-f]{16}$")
        self.assertIsInstance(body["errors"], list)
        for e in body["errors"]:
            self.assertEqual(set(e), {"path", "message"}, e)
        self.checker.validate({"$ref": "#/components/schemas/Error"}, body, "$")
        if path is not None:
            self.assertIn(path, [e["path"] for e in body["errors"]], body)
        wait_until(lambda: body["logref"] in self.server.log(), 5, what="logref in the log")
        return body

    def new_node(self, name=None, **fields):
        c = self.cf()
        body = dict(name=name or "node-" + new_uuid()[:8], **fields)
        r = c.post(BASE + "/nodes", json=body)
        return self.check(r, 201, "post", "/nodes")

    def add_smtp(self, node, sink):
        c = self.cf(node)
        r = c.post(BASE + "/settings", json={
            "label": "relay", "category": "INTEGRATION", "type": "SMTP",
            "value": {"url": sink.url, "tls": "none"}})
        return self.check(r, 201, "post", "/settings")

    def create_automation(self, node, **extra):
        body = {"name": "a-" + new_uuid()[:8]}
        body.update(extra)
        r = self.cf(node).post(BASE + "/automations", json=body)
        return self.check(r, 201, "post", "/automations")

    def simple_graph(self):
        s1, s2 = new_uuid(), new_uuid()
        steps = [{"uuid": s1, "operation": "TAG", "description": "tag",
                  "settings": {"add": ["entered"]}},
                 {"uuid": s2, "operation": "NO_ACTION", "description": "end"}]
        return steps, [{"fromStepUuid": s1, "toStepUuid": s2}]

    def running_automation(self, node, **extra):
        steps, connections = self.simple_graph()
        a = self.create_automation(node, steps=steps, connections=connections, **extra)
        c = self.cf(node)
        for status in ("COMMITTED", "RUNNING"):
            r = c.patch(BASE + "/automations/" + a["uuid"], json={"status": status})
            self.check(r, 200, "patch", "/automations/{automationUuid}")
        return a

    def tokens(self, node, **query):
        qs = "&".join("%s=%s" % kv for kv in query.items())
        r = self.cf(node).get(BASE + "/tokens" + ("?" + qs if qs else ""))
        return self.check(r, 200, "get", "/tokens")

    def source(self, c, a, src):
        """The batch source (GET …/customers/batch?sourceUuid=, Rivulet's addition)."""
        r = c.get(BASE + "/automations/%s/customers/batch?sourceUuid=%s" % (a["uuid"], src))
        return self.check(r, 200, "get", "/automations/{automationUuid}/customers/batch")

    def expanded(self, c, a, src, status=None):
        """Waits until every accepted packet of the source is expanded (and, given a status,
        until the source has it); returns the source."""
        return wait_until(lambda: (lambda b: b if b["pending"] == 0 and (
            status is None or b["status"] == status) else None)(self.source(c, a, src)),
            timeout=120, interval=0.05, what="batch source expanded")


class AuthAndErrorsTest(ContactflowBase):
    def test_requires_an_oauth_bearer_token(self):
        node = self.server.creds.workspace_uuid
        anonymous = self.server.client({"Node": node})
        r = anonymous.get(BASE + "/automations")
        self.assertCfError(r, 401)
        self.assertEqual(r.header("WWW-Authenticate"), "Bearer")
        # API keys are not OAuth tokens: Contactflow takes OAuth2 only.
        api_key = self.server.client({"Authorization": "Bearer " + self.server.creds.api_key,
                                      "Node": node})
        self.assertCfError(api_key.get(BASE + "/automations"), 401)
        self.assertCfError(self.cf(node, token="rvt_not-a-token").get(BASE + "/automations"), 401)

    def test_node_header_checks(self):
        c = self.cf()
        self.assertCfError(c.get(BASE + "/automations"), 400, "Node")
        self.assertCfError(self.cf("not-a-uuid").get(BASE + "/automations"), 400)
        self.assertCfError(self.cf(new_uuid()).get(BASE + "/automations"), 404)
        other = self.server.create_workspace("someone else")
        self.assertCfError(self.cf(other["uuid"]).get(BASE + "/automations"), 403)

    def test_openapi_document_covers_the_face(self):
        r = self.server.client().get(BASE + "/openapi.json")
        self.assertEqual(r.status, 200, r)
        doc = r.json
        self.assertTrue(doc["openapi"].startswith("3."))
        self.assertEqual(doc["servers"], [{"url": "/contactflow"}])
        expected = {
            "/user": {"get"}, "/actions": {"get"}, "/nodes": {"get", "post"},
            "/nodes/{nodeUuid}": {"get", "delete", "patch", "put"},
            "/settings": {"get", "post"}, "/settings/{settingUuid}": {"get", "put", "delete"},
            "/automations": {"get", "post"},
            "/automations/{automationUuid}": {"get", "put", "patch", "delete"},
            "/automations/{automationUuid}/steps/{stepUuid}/feedbacks": {"get"},
            "/automations/{automationUuid}/feedbacks": {"get"},
            "/automations/reports": {"get"}, "/automations/categories": {"get"},
            "/automations/{automationUuid}/customers": {"post"},
            "/automations/{automationUuid}/customers/{customerUuid}": {"delete"},
            "/automations/{automationUuid}/customers/batch": {"get", "post", "delete"},
            "/tokens/{tokenUuid}": {"get"}, "/tokens": {"get"}, "/tokens/reports": {"get"},
            "/external-contents/email-designer": {"get"}, "/external-contents/mail-models": {"get"},
            "/external-contents/sms-models": {"get"},
            "/external-contents/pagebuilder/templates": {"get"},
            "/external-contents/pagebuilder/templates/{templateId}/pages": {"get"},
            "/external-contents/pagebuilder/templates/{templateId}/pages/{pageId}": {"get"},
            "/external-contents/test-email": {"post"}, "/send-subscriptions": {"get"},
            "/kpis/nodes": {"get"}, "/definitions/trigger-events": {"get"},
            "/definitions/contexts": {"get"}, "/definitions/customers": {"get"},
            "/definitions/categories": {"get"},
        }
        self.assertEqual({p: set(ops) for p, ops in doc["paths"].items()}, expected)
        for name in ("Node", "Setting", "Automation", "Step", "Connection", "AutomationStatistics",
                     "Customer", "CustomerOfBatch", "BatchNotification", "Token", "Error"):
            self.assertIn(name, doc["components"]["schemas"])

    def test_unknown_path_and_method(self):
        node = self.server.creds.workspace_uuid
        self.assertCfError(self.cf(node).get(BASE + "/nope"), 404)
        r = self.cf(node).request("PUT", BASE + "/automations")
        self.assertCfError(r, 405)

    def test_logrefs_are_fresh(self):
        c = self.cf()
        a = self.assertCfError(c.get(BASE + "/automations"), 400)
        b = self.assertCfError(c.get(BASE + "/automations"), 400)
        self.assertNotEqual(a["logref"], b["logref"])

    def test_invalid_bodies(self):
        node = self.server.creds.workspace_uuid
        c = self.cf(node)
        self.assertCfError(c.post(BASE + "/automations", body=b"{", headers={
            "Content-Type": "application/json"}), 400)
        self.assertCfError(c.post(BASE + "/automations", json=[1, 2]), 400)
        self.assertCfError(c.post(BASE + "/automations", json={"description": "x"}), 400, "name")
        self.assertCfError(c.post(BASE + "/automations", json={"name": "x", "bogus": 1}), 400,
                           "bogus")
        self.assertCfError(c.post(BASE + "/automations", json={
            "name": "x", "steps": [{"operation": "FLY"}]}), 400, "steps[0].operation")
        self.assertCfError(c.post(BASE + "/automations", json={
            "name": "x", "startDate": "yesterday"}), 400, "startDate")
        self.assertCfError(c.post(BASE + "/automations", json={
            "name": "x", "category": "Other"}), 400, "category")


class NodesTest(ContactflowBase):
    def test_node_lifecycle(self):
        portfolio = new_uuid()
        n = self.new_node("Shop IT", portfolioUuid=portfolio, portfolioName="Retail",
                          groupPk=7, hubPhoneField="mobile", smsActive=False)
        self.assertRegex(n["uuid"], UUID_RE)
        self.assertEqual(n["name"], "Shop IT")
        self.assertEqual(n["portfolioUuid"], portfolio)
        self.assertEqual(n["groupPk"], 7)
        self.assertTrue(n["active"])
        self.assertTrue(n["emailActive"])
        self.assertFalse(n["smsActive"])
        c = self.cf()
        got = self.check(c.get(BASE + "/nodes/" + n["uuid"]), 200, "get", "/nodes/{nodeUuid}")
        self.assertEqual(got, n)
        page = self.check(c.get(BASE + "/nodes?portfolioUuid=" + portfolio), 200, "get", "/nodes")
        self.assertEqual([x["uuid"] for x in page["elements"]], [n["uuid"]])
        self.assertEqual(page["page"], {"size": 20, "totalElements": 1, "totalPages": 1, "number": 0})
        # The node is a workspace the creator may act on at once.
        self.check(self.cf(n["uuid"]).get(BASE + "/automations"), 200, "get", "/automations")

        # Disabled: not listed, not usable, but still readable and re-enabled by PUT.
        r = c.patch(BASE + "/nodes/" + n["uuid"], json={"active": False, "hubPhoneField": "cell"})
        got = self.check(r, 200, "patch", "/nodes/{nodeUuid}")
        self.assertFalse(got["active"])
        self.assertEqual(got["hubPhoneField"], "cell")
        page = c.get(BASE + "/nodes?portfolioUuid=" + portfolio).json
        self.assertEqual(page["elements"], [])
        self.assertCfError(self.cf(n["uuid"]).get(BASE + "/automations"), 404)
        self.assertCfError(c.patch(BASE + "/nodes/" + n["uuid"], json={"smsActive": True}), 400,
                           "active")
        r = c.put(BASE + "/nodes/" + n["uuid"], json={"active": True})
        self.assertTrue(self.check(r, 200, "put", "/nodes/{nodeUuid}")["active"])

        self.check(c.delete(BASE + "/nodes/" + n["uuid"]), 204, "delete", "/nodes/{nodeUuid}")
        self.assertCfError(c.get(BASE + "/nodes/" + n["uuid"]), 404)
        self.assertCfError(self.cf(n["uuid"]).get(BASE + "/automations"), 404)

    def test_a_disabled_node_is_not_operational(self):
        n = self.new_node()["uuid"]
        c = self.cf(n)
        a = self.create_automation(n, steps=[
            {"uuid": new_uuid(), "operation": "FROM_LAST_STEP", "settings": {"delay_seconds": 1}},
            {"uuid": new_uuid(), "operation": "NO_ACTION"}])
        a["connections"] = [{"fromStepUuid": a["steps"][0]["uuid"],
                             "toStepUuid": a["steps"][1]["uuid"]}]
        path = BASE + "/automations/" + a["uuid"]
        self.check(c.put(path, json={k: a[k] for k in ("name", "steps", "connections")}), 200)
        for status in ("COMMITTED", "RUNNING"):
            self.check(c.patch(path, json={"status": status}), 200)
        tok = self.check(c.post(path + "/customers", json={"userPk": "sleeper"}), 201)
        wait_until(lambda: c.get(BASE + "/tokens/" + tok["uuid"]).json["status"] == "WAITING",
                   what="the token to wait")
        root = self.cf()
        self.check(root.patch(BASE + "/nodes/" + n, json={"active": False}), 200)
        time.sleep(2)  # the wait ran out meanwhile; a disabled node does not move its tokens
        # Read through the native API: the face refuses a disabled node's Node header.
        native = self.server.client({"Authorization": "Bearer " + self.token,
                                     "X-Rivulet-Workspace": n})
        held = native.get("/v1/tokens/" + tok["uuid"]).json["token"]
        self.assertEqual((held["status"], held["phase"]), ("ACTIVE", "waiting"))
        self.check(root.patch(BASE + "/nodes/" + n, json={"active": True}), 200)
        wait_until(lambda: c.get(BASE + "/tokens/" + tok["uuid"]).json["status"] == "COMPLETED",
                   what="the token to complete once the node is enabled again")

    def test_node_errors_and_isolation(self):
        c = self.cf()
        self.assertCfError(c.get(BASE + "/nodes/xyz"), 400, "nodeUuid")
        self.assertCfError(c.get(BASE + "/nodes/" + new_uuid()), 404)
        other = self.server.create_workspace("not mine")
        self.assertCfError(c.get(BASE + "/nodes/" + other["uuid"]), 403)
        self.assertCfError(c.delete(BASE + "/nodes/" + other["uuid"]), 403)
        self.assertCfError(c.patch(BASE + "/nodes/" + other["uuid"], json={"active": False}), 403)
        self.assertCfError(c.post(BASE + "/nodes", json={"name": ""}), 400, "name")
        self.assertCfError(c.post(BASE + "/nodes", json={"name": "x", "workspaceUuid": "1"}), 400,
                           "workspaceUuid")
        fixed = new_uuid()
        self.new_node("fixed", uuid=fixed)
        self.assertCfError(c.post(BASE + "/nodes", json={"name": "again", "uuid": fixed}), 409)
        listed = [n["uuid"] for n in c.get(BASE + "/nodes?size=1000").json["elements"]]
        self.assertIn(self.server.creds.workspace_uuid, listed)
        self.assertNotIn(other["uuid"], listed)

    def test_paging(self):
        for i in range(3):
            self.new_node("page-%d" % i, workspaceUuid="11111111-2222-3333-4444-555555555555")
        c = self.cf()
        q = BASE + "/nodes?workspaceUuid=11111111-2222-3333-4444-555555555555&size=2"
        p0 = self.check(c.get(q), 200, "get", "/nodes")
        p1 = self.check(c.get(q + "&page=1"), 200, "get", "/nodes")
        self.assertEqual(p0["page"], {"size": 2, "totalElements": 3, "totalPages": 2, "number": 0})
        self.assertEqual(len(p0["elements"]), 2)
        self.assertEqual(len(p1["elements"]), 1)
        self.assertCfError(c.get(q + "&page=-1"), 400, "page")
        self.assertCfError(c.get(BASE + "/nodes?size=0"), 400, "size")

    def test_user_and_kpis(self):
        node = self.new_node("kpi node")
        a = self.running_automation(node["uuid"])
        self.create_automation(node["uuid"])
        c = self.cf()
        user = self.check(c.get(BASE + "/user"), 200, "get", "/user")
        self.assertIn(node["uuid"], [n["uuid"] for n in user["extended"]["nodes"]])
        self.assertIn("username", user["base"])
        r = self.cf(node["uuid"]).post(BASE + "/automations/%s/customers" % a["uuid"],
                                       json={"userPk": "k-1"})
        self.check(r, 201)
        kpis = self.check(c.get(BASE + "/kpis/nodes?size=1000"), 200, "get", "/kpis/nodes")
        mine = [k for k in kpis["elements"] if k["uuid"] == node["uuid"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["automations"]["total"], 2)
        self.assertEqual(mine[0]["automations"]["byStatus"]["RUNNING"], 1)
        self.assertEqual(mine[0]["automations"]["byStatus"]["DRAFT"], 1)
        total = sum(mine[0]["customers"].values())
        self.assertEqual(total, 1)


class SettingsTest(ContactflowBase):
    def test_settings_crud(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        soap = self.check(c.post(BASE + "/settings", json={
            "label": "soap", "category": "INTEGRATION", "type": "CLAB_API_SOAP",
            "value": {"apiKey": "k", "userKey": "u"}}), 201, "post", "/settings")
        self.assertRegex(soap["uuid"], UUID_RE)
        self.assertEqual(soap["value"], {"apiKey": "k", "userKey": "u"})
        hub_uuid = new_uuid()
        hub = self.check(c.post(BASE + "/settings", json={
            "uuid": hub_uuid, "type": "HUB", "value": {"nodeId": "n1"}}), 201, "post", "/settings")
        self.assertEqual(hub["uuid"], hub_uuid)
        self.assertEqual(hub["category"], "INTEGRATION")
        smtp = self.check(c.post(BASE + "/settings", json={
            "type": "SMTP", "value": {"url": "smtp://127.0.0.1:1", "password": "pw"}}), 201)
        self.assertEqual(smtp["value"]["password"], "********")

        all_ = self.check(c.get(BASE + "/settings"), 200, "get", "/settings")
        self.assertEqual(len(all_["integrations"]), 3)
        only = c.get(BASE + "/settings?Category=INTEGRATION&Type=CLAB_API_SOAP").json
        self.assertEqual([s["uuid"] for s in only["integrations"]], [soap["uuid"]])

        got = self.check(c.get(BASE + "/settings/" + hub_uuid), 200, "get", "/settings/{settingUuid}")
        self.assertEqual(got, hub)
        put = self.check(c.put(BASE + "/settings/" + hub_uuid, json={
            "label": "hub2", "type": "HUB", "value": {"nodeId": "n2"}}), 200,
            "put", "/settings/{settingUuid}")
        self.assertEqual(put["value"], {"nodeId": "n2"})
        # A masked secret sent back keeps the stored one.
        r = c.put(BASE + "/settings/" + smtp["uuid"], json={
            "type": "SMTP", "value": {"url": "smtp://127.0.0.1:2", "password": "********"}})
        self.check(r, 200)
        self.check(c.delete(BASE + "/settings/" + hub_uuid), 204, "delete", "/settings/{settingUuid}")
        self.assertCfError(c.get(BASE + "/settings/" + hub_uuid), 404)

    def test_setting_errors_and_isolation(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        self.assertCfError(c.post(BASE + "/settings", json={"type": "FTP"}), 400, "type")
        self.assertCfError(c.post(BASE + "/settings", json={"type": "HUB", "category": "X"}), 400,
                           "category")
        self.assertCfError(c.post(BASE + "/settings", json={"type": "SMTP", "value": {
            "url": "http://x"}}), 400, "value.url")
        self.assertCfError(c.post(BASE + "/settings", json={"type": "HUB", "value": 3}), 400,
                           "value")
        self.assertCfError(c.get(BASE + "/settings/abc"), 400, "settingUuid")
        s = self.check(c.post(BASE + "/settings", json={"type": "HUB"}), 201)
        other = self.cf(self.new_node()["uuid"])
        self.assertCfError(other.get(BASE + "/settings/" + s["uuid"]), 404)
        self.assertCfError(other.delete(BASE + "/settings/" + s["uuid"]), 404)
        self.assertCfError(other.put(BASE + "/settings/" + s["uuid"], json={"type": "HUB"}), 404)
        self.assertEqual(c.get(BASE + "/settings/" + s["uuid"]).status, 200)


class AutomationsTest(ContactflowBase):
    def test_create_get_replace_delete(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        steps, connections = self.simple_graph()
        a = self.create_automation(
            node, name="Welcome", description="new customers", author="me",
            startDate="2030-01-01T00:00:00Z", endDate="2031-01-01T00:00:00Z",
            timezone="Europe/Rome", uniqueToken=True, removeActionPrimary=True,
            sourceDescription="signup form", createdBy="ops", status="RUNNING",
            triggerEvents=[{"eventType": "signup"}], steps=steps, connections=connections)
        self.assertEqual(a["status"], "DRAFT")  # created as a draft whatever the body says
        self.assertEqual(a["name"], "Welcome")
        self.assertEqual(a["startDate"], "2030-01-01T00:00:00Z")
        self.assertTrue(a["uniqueToken"])
        self.assertTrue(a["removeActionPrimary"])
        self.assertEqual(a["createdBy"], "ops")
        self.assertEqual(a["triggerEvents"], [{"eventType": "signup", "condition": None}])
        self.assertEqual([s["uuid"] for s in a["steps"]], [s["uuid"] for s in steps])
        self.assertEqual(a["steps"][0]["type"], "ACTION")
        self.assertEqual(a["steps"][0]["operation"], "TAG")
        self.assertEqual(a["connections"], [dict(connections[0], branch="default")])
        self.assertEqual(a["statistics"]["entered"], 0)

        got = self.check(c.get(BASE + "/automations/" + a["uuid"]), 200,
                         "get", "/automations/{automationUuid}")
        self.assertEqual(got, a)
        body = dict(got, name="Welcome 2", steps=steps[:1], connections=[])
        put = self.check(c.put(BASE + "/automations/" + a["uuid"], json=body), 200,
                         "put", "/automations/{automationUuid}")
        self.assertEqual(put["name"], "Welcome 2")
        self.assertEqual(len(put["steps"]), 1)
        self.assertEqual(put["status"], "DRAFT")
        self.check(c.delete(BASE + "/automations/" + a["uuid"]), 204,
                   "delete", "/automations/{automationUuid}")
        self.assertCfError(c.get(BASE + "/automations/" + a["uuid"]), 404)

    def test_lifecycle_through_patch(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        a = self.create_automation(node)
        path = BASE + "/automations/" + a["uuid"]
        # An empty automation cannot be committed; an illegal jump is refused.
        self.assertCfError(c.patch(path, json={"status": "COMMITTED"}), 400)
        self.assertCfError(c.patch(path, json={"status": "PAUSED"}), 409, "status")
        self.assertCfError(c.patch(path, json={"status": "SLEEPING"}), 400, "status")
        self.assertCfError(c.patch(path, json={}), 400)
        steps, connections = self.simple_graph()
        self.check(c.put(path, json={"name": a["name"], "steps": steps,
                                     "connections": connections}), 200)
        for status in ("COMMITTED", "RUNNING"):
            r = self.check(c.patch(path, json={"status": status}), 200)
            self.assertEqual(r["status"], status)
        # A running automation's graph is not edited; nor is it deleted.
        self.assertCfError(c.put(path, json={"name": "x", "steps": steps[:1]}), 409)
        self.assertCfError(c.delete(path), 409)
        r = self.check(c.patch(path, json={"status": "PAUSED", "name": "renamed"}), 200)
        self.assertEqual((r["status"], r["name"]), ("PAUSED", "renamed"))
        # PUT on a paused automation may also resume it, honouring removeExpiredCustomers.
        r = c.put(path + "?removeExpiredCustomers=true",
                  json={"name": "renamed", "steps": steps, "connections": connections,
                        "status": "RUNNING"})
        self.assertEqual(self.check(r, 200)["status"], "RUNNING")
        self.assertCfError(c.patch(path + "?removeExpiredCustomers=maybe",
                                   json={"status": "PAUSED"}), 400, "removeExpiredCustomers")
        r = self.check(c.patch(path, json={"status": "TO_ARCHIVE"}), 200)
        self.assertEqual(r["status"], "ARCHIVED")
        self.assertCfError(c.patch(path, json={"status": "RUNNING"}), 409)

    def test_list_filters_and_paging(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        steps, connections = self.simple_graph()
        draft = self.create_automation(node, name="Birthday mail", description="yearly",
                                       startDate="2030-05-01T00:00:00Z")
        running = self.running_automation(node, name="Welcome series",
                                          triggerEvents=[{"eventType": "signup"}])
        wait_steps = [{"uuid": new_uuid(), "operation": "FROM_LAST_STEP",
                       "settings": {"delay_seconds": 60}}]
        waiting = self.create_automation(node, name="Waiter", steps=wait_steps)

        def names(query):
            r = c.get(BASE + "/automations" + query)
            return sorted(a["name"] for a in self.check(r, 200, "get", "/automations")["elements"])

        self.assertEqual(names(""), ["Birthday mail", "Waiter", "Welcome series"])
        self.assertEqual(names("?name=WELCOME"), ["Welcome series"])
        self.assertEqual(names("?description=year"), ["Birthday mail"])
        self.assertEqual(names("?status=RUNNING"), ["Welcome series"])
        self.assertEqual(names("?status=RUNNING&status=DRAFT"), ["Birthday mail", "Waiter",
                                                                "Welcome series"])
        self.assertEqual(names("?status=DRAFT,PAUSED"), ["Birthday mail", "Waiter"])
        self.assertEqual(names("?category=Custom"), ["Birthday mail", "Waiter", "Welcome series"])
        self.assertEqual(names("?stepType=FROM_LAST_STEP"), ["Waiter"])
        self.assertEqual(names("?stepType=TAG"), ["Welcome series"])
        self.assertEqual(names("?hasTrigger=true"), ["Welcome series"])
        self.assertEqual(names("?hasTrigger=false"), ["Birthday mail", "Waiter", "Welcome series"])
        self.assertEqual(names("?startDateAfter=2030-01-01T00:00:00Z"), ["Birthday mail"])
        self.assertEqual(names("?startDateBefore=2029-01-01T00:00:00Z"), [])
        self.assertEqual(names("?createdAfter=2000-01-01T00:00:00Z"),
                         ["Birthday mail", "Waiter", "Welcome series"])
        self.assertEqual(names("?createdBefore=2000-01-01T00:00:00Z"), [])
        self.assertEqual(names("?endDateAfter=2000-01-01T00:00:00Z"), [])

        compact = c.get(BASE + "/automations?style=compact&name=Waiter").json["elements"][0]
        self.assertNotIn("steps", compact)
        self.assertEqual(compact["uuid"], waiting["uuid"])
        p = c.get(BASE + "/automations?size=2&page=1").json
        self.assertEqual(p["page"], {"size": 2, "totalElements": 3, "totalPages": 2, "number": 1})
        self.assertEqual(len(p["elements"]), 1)
        for bad, field in (("?status=NOPE", "status"), ("?stepType=NOPE", "stepType"),
                           ("?createdAfter=monday", "createdAfter"), ("?hasTrigger=2", "hasTrigger"),
                           ("?category=Other", "category"), ("?colour=red", "colour")):
            self.assertCfError(c.get(BASE + "/automations" + bad), 400, field)
        self.assertIsNotNone(draft and running)

    def test_isolation_and_bad_uuids(self):
        node = self.new_node()["uuid"]
        a = self.create_automation(node)
        other = self.cf(self.new_node()["uuid"])
        path = BASE + "/automations/" + a["uuid"]
        self.assertCfError(other.get(path), 404)
        self.assertCfError(other.put(path, json={"name": "x"}), 404)
        self.assertCfError(other.patch(path, json={"name": "x"}), 404)
        self.assertCfError(other.delete(path), 404)
        self.assertEqual(other.get(BASE + "/automations").json["elements"], [])
        c = self.cf(node)
        self.assertCfError(c.get(BASE + "/automations/123"), 400, "automationUuid")
        self.assertCfError(c.delete(BASE + "/automations/123"), 400, "automationUuid")
        self.assertCfError(c.patch(BASE + "/automations/123", json={"name": "x"}), 400)
        self.assertEqual(c.get(path).status, 200)

    def test_categories(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        for path in ("/automations/categories", "/definitions/categories"):
            r = c.get(BASE + path)
            self.assertEqual(self.check(r, 200, "get", path), {"categories": ["Custom"]})


class CustomersAndTokensTest(ContactflowBase):
    def test_add_and_remove_customers(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        draft = self.create_automation(node)
        self.assertCfError(c.post(BASE + "/automations/%s/customers" % draft["uuid"],
                                  json={"userPk": "u0"}), 409)
        a = self.running_automation(node, uniqueToken=True)
        path = BASE + "/automations/%s/customers" % a["uuid"]
        r = c.post(path, json={"userPk": "u1", "automationUuid": a["uuid"],
                               "attributes": {"email": "U1@Example.com", "firstName": "Ann"}})
        cust = self.check(r, 201, "post", "/automations/{automationUuid}/customers")
        self.assertRegex(cust["uuid"], UUID_RE)
        self.assertEqual(cust["userPk"], "u1")
        self.assertEqual(cust["automationUuid"], a["uuid"])
        self.assertEqual(cust["automationName"], a["name"])
        self.assertEqual(cust["attributes"]["firstName"], "Ann")
        # uniqueToken: the same customer again is refused.
        self.assertCfError(c.post(path, json={"userPk": "u1"}), 409)
        # The token is the customer in the automation; it runs through the graph.
        tok = wait_until(lambda: (lambda t: t if t["status"] == "COMPLETED" else None)(
            self.check(c.get(BASE + "/tokens/" + cust["uuid"]), 200, "get", "/tokens/{tokenUuid}")),
            what="token completion")
        self.assertEqual(tok["clabUuid"], cust["clabUuid"])
        self.assertEqual(tok["recipient"], "u1@example.com")
        self.assertEqual(tok["automationStatus"], "RUNNING")

        # Removing a customer exits its token.
        slow = self.create_automation(node, steps=[
            {"uuid": new_uuid(), "operation": "WAIT", "settings": {"delay_seconds": 3600}}])
        for status in ("COMMITTED", "RUNNING"):
            self.check(c.patch(BASE + "/automations/" + slow["uuid"], json={"status": status}), 200)
        spath = BASE + "/automations/%s/customers" % slow["uuid"]
        one = self.check(c.post(spath, json={"userPk": "w1"}), 201)
        two = self.check(c.post(spath, json={"clabUuid": cust["clabUuid"]}), 201)
        self.check(c.delete(spath + "/" + one["uuid"]), 204,
                   "delete", "/automations/{automationUuid}/customers/{customerUuid}")
        self.assertEqual(c.get(BASE + "/tokens/" + one["uuid"]).json["status"], "EXITED")
        self.assertCfError(c.delete(spath + "/" + one["uuid"]), 409)
        # By clabUuid: every active token of that contact in the automation.
        self.assertEqual(c.delete(spath + "/" + cust["clabUuid"]).status, 204)
        self.assertEqual(c.get(BASE + "/tokens/" + two["uuid"]).json["status"], "EXITED")
        self.assertCfError(c.delete(spath + "/" + new_uuid()), 404)
        self.assertCfError(c.delete(spath + "/bad"), 400, "customerUuid")
        fb = c.get(BASE + "/automations/%s/feedbacks" % slow["uuid"]).json
        self.assertEqual(fb["feedbacks"]["exited"], 2)

    def test_customer_errors(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        a = self.running_automation(node)
        path = BASE + "/automations/%s/customers" % a["uuid"]
        self.assertCfError(c.post(path, json={}), 400)
        self.assertCfError(c.post(path, json={"userPk": "x", "clabUuid": "nope"}), 400, "clabUuid")
        self.assertCfError(c.post(path, json={"userPk": "x", "automationUuid": new_uuid()}), 400,
                           "automationUuid")
        self.assertCfError(c.post(path, json={"attributes": {"email": "not-mail"}}), 400,
                           "attributes.email")
        self.assertCfError(c.post(path, json={"clabUuid": new_uuid()}), 404)
        self.assertCfError(c.post(BASE + "/automations/%s/customers" % new_uuid(),
                                  json={"userPk": "x"}), 404)
        other = self.cf(self.new_node()["uuid"])
        self.assertCfError(other.post(path, json={"userPk": "x"}), 404)

    def test_token_search(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        a = self.running_automation(node)
        b = self.create_automation(node, steps=[
            {"uuid": new_uuid(), "operation": "WAIT", "settings": {"delay_seconds": 3600}}])
        for status in ("COMMITTED", "RUNNING"):
            self.check(c.patch(BASE + "/automations/" + b["uuid"], json={"status": status}), 200)
        made = []
        for i, auto in enumerate([a, a, b, b, b]):
            r = c.post(BASE + "/automations/%s/customers" % auto["uuid"],
                       json={"userPk": "p%d" % i, "attributes": {"email": "p%d@x.example" % i}})
            made.append(self.check(r, 201))
        wait_until(lambda: self.tokens(node, aggregatedStatus="COMPLETED")["page"]["totalElements"] == 2,
                   what="two completed tokens")
        all_ = self.tokens(node)
        self.assertEqual(all_["page"]["totalElements"], 5)
        self.assertEqual(self.tokens(node, automationUuid=b["uuid"])["page"]["totalElements"], 3)
        running = self.tokens(node, aggregatedStatus="RUNNING")
        self.assertEqual({t["status"] for t in running["elements"]}, {"WAITING"})
        self.assertEqual(running["page"]["totalElements"], 3)
        self.assertEqual(self.tokens(node, aggregatedStatus="ERROR")["page"]["totalElements"], 0)
        one = self.tokens(node, clabUuid=made[3]["clabUuid"])
        self.assertEqual([t["uuid"] for t in one["elements"]], [made[3]["uuid"]])
        by_mail = self.tokens(node, recipient="P4@x.example")
        self.assertEqual([t["uuid"] for t in by_mail["elements"]], [made[4]["uuid"]])
        self.assertEqual(self.tokens(node, recipient="nobody@x.example")["elements"], [])
        step = b["steps"][0]["uuid"]
        self.assertEqual(self.tokens(node, stepUuid=step)["page"]["totalElements"], 3)
        page = self.tokens(node, size=2, page=2, sort="recipient")
        self.assertEqual(page["page"], {"size": 2, "totalElements": 5, "totalPages": 3, "number": 2})
        self.assertEqual([t["recipient"] for t in page["elements"]], ["p4@x.example"])
        ordered = self.tokens(node, sort="recipient")["elements"]
        self.assertEqual([t["recipient"] for t in ordered], sorted(t["recipient"] for t in ordered))
        compact = self.tokens(node, style="compact")["elements"][0]
        self.assertNotIn("automationName", compact)
        for bad, field in (("sort=colour", "sort"), ("aggregatedStatus=DONE", "aggregatedStatus"),
                           ("clabUuid=1", "clabUuid"), ("size=5000", "size")):
            self.assertCfError(c.get(BASE + "/tokens?" + bad), 400, field)
        self.assertCfError(c.get(BASE + "/tokens?automationUuid=" + new_uuid()), 404)
        other = self.cf(self.new_node()["uuid"])
        self.assertCfError(other.get(BASE + "/tokens/" + made[0]["uuid"]), 404)
        self.assertEqual(other.get(BASE + "/tokens").json["page"]["totalElements"], 0)
        self.assertCfError(c.get(BASE + "/tokens/zzz"), 400, "tokenUuid")


class BatchTest(ContactflowBase):
    def batch(self, c, a, packet, source, customers, **extra):
        body = {"packet": packet, "sourceUuid": source, "customers": customers}
        body.update(extra)
        return c.post(BASE + "/automations/%s/customers/batch" % a["uuid"], json=body)

    def test_batch_misuse(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        draft = self.create_automation(node)
        src = new_uuid()
        self.assertCfError(self.batch(c, draft, "FIRST", src, [{"userPk": "a"}]), 409)
        a = self.running_automation(node)
        self.assertCfError(self.batch(c, a, "MIDDLE", src, [{"userPk": "a"}]), 404, "sourceUuid")
        self.assertCfError(self.batch(c, a, "LAST", src, []), 404, "sourceUuid")
        self.assertCfError(self.batch(c, a, "SECOND", src, []), 400, "packet")
        self.assertCfError(self.batch(c, a, "FIRST", "nope", []), 400, "sourceUuid")
        self.assertCfError(self.batch(c, a, "FIRST", src, [{"userPk": "a"}], notification={
            "type": "PIGEON"}), 400, "notification.type")
        self.assertCfError(self.batch(c, a, "FIRST", src, [{}]), 400, "customers[0]")
        too_many = [{"userPk": "c%d" % i} for i in range(10001)]
        self.assertCfError(self.batch(c, a, "FIRST", src, too_many), 400, "customers")
        r = self.check(self.batch(c, a, "FIRST", src, [{"userPk": "a"}], sourceLabel="feed"), 201,
                       "post", "/automations/{automationUuid}/customers/batch")
        self.assertEqual(r["status"], "OPEN")
        self.assertCfError(self.batch(c, a, "FIRST", src, [{"userPk": "b"}]), 409, "sourceUuid")
        r = self.check(self.batch(c, a, "LAST", src, [{"userPk": "b"}]), 201)
        self.assertEqual((r["status"], r["received"]), ("CLOSED", 2))
        self.assertEqual(r["sourceLabel"], "feed")
        self.assertCfError(self.batch(c, a, "MIDDLE", src, [{"userPk": "c"}]), 409, "packet")
        dpath = BASE + "/automations/%s/customers/batch?sourceUuid=%s" % (a["uuid"], src)
        self.assertCfError(c.delete(dpath), 409, "sourceUuid")
        done = self.expanded(c, a, src, "ENABLED")
        self.assertEqual((done["received"], done["customers"], done["rejected"]), (2, 2, 0))
        self.assertCfError(c.get(dpath.replace(src, new_uuid())), 404)
        self.assertCfError(c.get(dpath.replace(src, "nope")), 400, "sourceUuid")
        self.assertCfError(c.get(BASE + "/automations/%s/customers/batch" % a["uuid"]), 400,
                           "sourceUuid")
        self.assertCfError(c.delete(BASE + "/automations/%s/customers/batch" % a["uuid"]), 400,
                           "sourceUuid")
        self.assertCfError(c.delete(BASE + "/automations/%s/customers/batch?sourceUuid=%s"
                                    % (a["uuid"], new_uuid())), 404)

    def test_open_batch_holds_customers_and_can_be_deleted(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        a = self.running_automation(node)
        src = new_uuid()
        self.check(self.batch(c, a, "FIRST", src, [{"userPk": "h%d" % i} for i in range(5)]), 201)
        self.check(self.batch(c, a, "MIDDLE", src, [{"userPk": "h%d" % i} for i in range(5, 8)]), 201)
        self.assertEqual(self.expanded(c, a, src)["customers"], 8)
        held = self.tokens(node, automationUuid=a["uuid"])
        self.assertEqual(held["page"]["totalElements"], 8)
        self.assertEqual({t["status"] for t in held["elements"]}, {"HELD"})
        time.sleep(0.5)  # held tokens must not start, however long one waits
        self.assertEqual({t["status"] for t in self.tokens(node)["elements"]}, {"HELD"})
        entered = c.get(BASE + "/automations/" + a["uuid"]).json["statistics"]["entered"]
        self.assertEqual(entered, 8)
        r = c.delete(BASE + "/automations/%s/customers/batch?sourceUuid=%s" % (a["uuid"], src))
        self.check(r, 204, "delete", "/automations/{automationUuid}/customers/batch")
        self.assertEqual(self.tokens(node)["page"]["totalElements"], 0)
        self.assertEqual(c.get(BASE + "/automations/" + a["uuid"]).json["statistics"]["entered"], 0)
        # The source is gone: it can be opened again.
        self.check(self.batch(c, a, "FIRST", src, [{"userPk": "again"}]), 201)

    def chunks_expanded(self):
        metrics = self.server.client().get("/metrics").body
        n = re.search(r"^rivulet_engine_batch_chunks_expanded_total (\d+)$", metrics, re.M)
        return int(n.group(1))

    def test_full_packet_of_ten_thousand(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        a = self.running_automation(node)
        src = new_uuid()
        customers = [{"userPk": "t%05d" % i, "attributes": {"n": i}} for i in range(10000)]
        chunks_before = self.chunks_expanded()
        started = time.monotonic()
        r = self.check(self.batch(c, a, "FIRST", src, customers), 201)
        took = time.monotonic() - started
        self.assertEqual(r["received"], 10000)
        r = self.check(self.batch(c, a, "LAST", src, []), 201)
        self.assertEqual(r["status"], "CLOSED")
        done = self.expanded(c, a, src, "ENABLED")
        self.assertEqual(done["customers"], 10000)
        # In chunks of 4,000 (three transactions), then the LAST packet.
        wait_until(lambda: self.chunks_expanded() == chunks_before + 4,
                   what="four more expansion transactions in the metrics")
        wait_until(lambda: self.tokens(node, aggregatedStatus="COMPLETED")["page"]["totalElements"]
                   == 10000, timeout=120, interval=0.5, what="10,000 tokens completed")
        print("10,000-customer packet accepted in %.2fs (debug build)" % took)


class JourneyTest(ContactflowBase):
    def start_peer(self, peer):
        self.addCleanup(peer.close)
        peer.start()
        return peer

    def test_full_journey(self):
        sink = self.start_peer(SmtpSink())
        receiver = self.start_peer(HttpReceiver())
        node = self.new_node("journey")["uuid"]
        c = self.cf(node)
        self.add_smtp(node, sink)
        self.check(c.post(BASE + "/settings", json={
            "type": "WEBHOOK_SIGNING", "value": {"secret": SIGNING_SECRET}}), 201)
        self.assertIn("CLAB_CAMPAIGN", self.check(c.get(BASE + "/actions"), 200, "get", "/actions"))

        mail, wait, hook, tag = new_uuid(), new_uuid(), new_uuid(), new_uuid()
        steps = [email_step(mail),
                 {"uuid": wait, "type": "WAIT", "operation": "FROM_LAST_STEP",
                  "settings": {"delay_seconds": 1}},
                 {"uuid": hook, "operation": "WEBHOOK",
                  "settings": {"url": receiver.url("/hook"), "body": "{\"pk\":\"{{contact.external_id}}\"}"}},
                 {"uuid": tag, "operation": "TAG", "settings": {"add": ["done"]}}]
        connections = [{"fromStepUuid": mail, "toStepUuid": wait},
                       {"fromStepUuid": wait, "toStepUuid": hook},
                       {"fromStepUuid": hook, "toStepUuid": tag}]
        a = self.create_automation(node, name="Journey", steps=steps, connections=connections)
        path = BASE + "/automations/" + a["uuid"]
        self.assertEqual(self.check(c.patch(path, json={"status": "COMMITTED"}), 200)["status"],
                         "COMMITTED")
        self.assertEqual(self.check(c.patch(path, json={"status": "RUNNING"}), 200)["status"],
                         "RUNNING")

        single = []
        for i in range(2):
            r = c.post(path + "/customers", json={"userPk": "s%d" % i, "attributes": {
                "email": "s%d@shop.example" % i, "firstName": "S%d" % i}})
            single.append(self.check(r, 201))
        src = new_uuid()
        packets = [("FIRST", range(0, 3)), ("MIDDLE", range(3, 6)), ("LAST", range(6, 8))]
        for packet, rng in packets:
            customers = [{"userPk": "b%d" % i, "attributes": {"email": "b%d@shop.example" % i}}
                         for i in rng]
            extra = {"sourceLabel": "import", "notification": {
                "type": "WEBHOOK", "url": receiver.url("/batch-done")}} if packet == "FIRST" else {}
            r = self.check(self.batch_post(c, a, packet, src, customers, **extra), 201)
            if packet != "LAST":
                self.assertEqual(r["status"], "OPEN")
                self.expanded(c, a, src)
                self.assertEqual({t["status"] for t in self.tokens(node, automationUuid=a["uuid"])[
                    "elements"] if t["userPk"].startswith("b")}, {"HELD"})
        self.assertEqual(r["status"], "CLOSED")
        note = wait_until(lambda: receiver.requests("/batch-done"), what="batch notification")
        verify_signature(self, note[0])
        body = json.loads(note[0]["body"])
        self.assertEqual((body["sourceUuid"], body["result"], body["customers"]), (src, "OK", 8))

        # Tokens move: all ten complete through mail, wait, webhook and tag.
        wait_until(lambda: self.tokens(node, automationUuid=a["uuid"], aggregatedStatus="COMPLETED")[
            "page"]["totalElements"] == 10, timeout=60, what="ten journeys")
        mails = sink.messages()
        self.assertEqual(sorted(m.to for m in mails),
                         sorted(["s0@shop.example", "s1@shop.example"] +
                                ["b%d@shop.example" % i for i in range(8)]))
        self.assertIn("Hello s0@shop.example", [m.subject for m in mails])
        hooks = receiver.requests("/hook")
        self.assertEqual(sorted(json.loads(h["body"])["pk"] for h in hooks),
                         sorted(["s0", "s1"] + ["b%d" % i for i in range(8)]))

        fb = self.check(c.get(path + "/feedbacks"), 200, "get", "/automations/{automationUuid}/feedbacks")
        self.assertEqual(fb["automationUuid"], a["uuid"])
        by_step = {s["uuid"]: s for s in fb["steps"]}
        self.assertEqual(by_step[mail]["operation"], "CLAB_CAMPAIGN")
        self.assertEqual(by_step[mail]["feedbacks"]["sent"], 10)
        self.assertEqual(by_step[mail]["feedbacks"]["delivered"], 10)
        self.assertEqual(by_step[hook]["feedbacks"]["delivered"], 10)
        self.assertEqual(fb["feedbacks"]["entered"], 10)
        self.assertEqual(fb["feedbacks"]["completed"], 10)
        one = self.check(c.get(path + "/steps/%s/feedbacks" % wait), 200,
                         "get", "/automations/{automationUuid}/steps/{stepUuid}/feedbacks")
        self.assertEqual((one["type"], one["operation"]), ("WAIT", "FROM_LAST_STEP"))
        self.assertEqual(one["feedbacks"]["entered"], 10)
        self.assertCfError(c.get(path + "/steps/%s/feedbacks" % new_uuid()), 404)
        got = c.get(path).json
        self.assertEqual(got["statistics"]["completed"], 10)

        kpi = [k for k in self.cf().get(BASE + "/kpis/nodes?size=1000").json["elements"]
               if k["uuid"] == node][0]
        self.assertEqual(kpi["customers"]["COMPLETED"], 10)

        r = c.get(BASE + "/automations/reports?automationUuid=" + a["uuid"])
        self.check(r, 200, "get", "/automations/reports")
        self.assertEqual(r.header("Content-Disposition"), 'attachment; filename="feedbacks.csv"')
        rows = list(csv.DictReader(io.StringIO(r.body)))
        self.assertEqual(len(rows), 1 + len(steps))
        self.assertEqual(rows[0]["automationUuid"], a["uuid"])
        self.assertEqual(rows[0]["completed"], "10")
        mail_row = [x for x in rows if x["stepUuid"] == mail][0]
        self.assertEqual(mail_row["delivered"], "10")

        r = c.get(BASE + "/tokens/reports?automationUuid=%s&filename=monitor" % a["uuid"])
        self.check(r, 200, "get", "/tokens/reports")
        self.assertEqual(r.header("Content-Type"), "application/zip")
        self.assertEqual(r.header("Content-Disposition"), 'attachment; filename="monitor.zip"')
        z = zipfile.ZipFile(io.BytesIO(r.raw))
        self.assertEqual(z.namelist(), ["monitor.csv"])
        rows = list(csv.DictReader(io.StringIO(z.read("monitor.csv").decode())))
        self.assertEqual(len(rows), 10)
        self.assertEqual({x["status"] for x in rows}, {"COMPLETED"})
        self.assertEqual(sorted(x["userPk"] for x in rows),
                         sorted(["s0", "s1"] + ["b%d" % i for i in range(8)]))

    def batch_post(self, c, a, packet, source, customers, **extra):
        body = {"packet": packet, "sourceUuid": source, "customers": customers}
        body.update(extra)
        return c.post(BASE + "/automations/%s/customers/batch" % a["uuid"], json=body)

    def test_reports_defaults_and_errors(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        r = c.get(BASE + "/tokens/reports")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Disposition"),
                         'attachment; filename="automations-monitor.zip"')
        z = zipfile.ZipFile(io.BytesIO(r.raw))
        self.assertEqual(z.read("automations-monitor.csv").decode().count("\n"), 1)  # header only
        r = c.get(BASE + "/automations/reports")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body.startswith("automationUuid,automationName,status"))
        self.assertCfError(c.get(BASE + "/tokens/reports?filename=../x"), 400, "filename")
        self.assertCfError(c.get(BASE + "/automations/reports?status=NOPE"), 400, "status")
        self.assertCfError(c.get(BASE + "/tokens/reports?automationUuid=" + new_uuid()), 404)

    def test_batch_notification_by_email_and_failures(self):
        sink = self.start_peer(SmtpSink())
        node = self.new_node()["uuid"]
        c = self.cf(node)
        a = self.running_automation(node, uniqueToken=True)
        # A webhook that fails: ENABLED_ERROR (a refused customer) and NOT_NOTIFIED later.
        self.check(c.post(BASE + "/automations/%s/customers" % a["uuid"], json={"userPk": "dup"}), 201)
        src = new_uuid()
        self.check(self.batch_post(c, a, "FIRST", src, [{"userPk": "dup"}, {"userPk": "new"}],
                                   notification={"type": "EMAIL", "recipient": "ops@shop.example"}),
                   201)
        self.check(self.batch_post(c, a, "LAST", src, []), 201)
        # No SMTP setting and no sender yet: the notification cannot go out (said and logged).
        r = self.expanded(c, a, src, "ENABLED_ERROR_NOT_NOTIFIED")
        self.assertEqual((r["customers"], r["rejected"]), (1, 1))
        wait_until(lambda: "notification not delivered" in self.server.log(), what="failure log")
        self.add_smtp(node, sink)
        admin = self.server.client({"Authorization": "Bearer " + self.token,
                                    "X-Rivulet-Workspace": node})
        self.assertEqual(admin.post("/v1/senders", json={
            "name": "ops", "from_address": "robot@shop.example"}).status, 201)
        src2 = new_uuid()
        self.check(self.batch_post(c, a, "FIRST", src2, [{"userPk": "n2"}], notification={
            "type": "EMAIL", "recipient": "ops@shop.example"}), 201)
        self.check(self.batch_post(c, a, "LAST", src2, []), 201)
        m = wait_until(lambda: [x for x in sink.messages() if x.to == "ops@shop.example"],
                       what="notification e-mail")
        self.assertIn("processed", m[0].subject)
        self.assertIn("@rivulet>", m[0].raw.decode(errors="replace"))  # a stable Message-ID


class ContentsAndDefinitionsTest(ContactflowBase):
    def test_definitions(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        self.create_automation(node, triggerEvents=[{"eventType": "order_paid"}])
        ev = self.check(c.get(BASE + "/definitions/trigger-events"), 200,
                        "get", "/definitions/trigger-events")
        self.assertIn("order_paid", ev)
        self.assertIn("contact_created", ev)
        ctx = self.check(c.get(BASE + "/definitions/contexts"), 200, "get", "/definitions/contexts")
        self.assertIn("contact", ctx)
        cust = self.check(c.get(BASE + "/definitions/customers"), 200, "get", "/definitions/customers")
        self.assertIn("userPk", cust)
        actions = self.check(c.get(BASE + "/actions"), 200, "get", "/actions")
        self.assertNotIn("CLAB_CAMPAIGN", actions)  # no SMTP setting on this node
        self.assertIn("WEBHOOK", actions)

    def start_peer(self, peer):
        self.addCleanup(peer.close)
        peer.start()
        return peer

    def test_external_contents_are_the_node_templates(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        native = self.server.client({"Authorization": "Bearer " + self.token,
                                     "X-Rivulet-Workspace": node})
        r = native.post("/v1/templates", json={
            "name": "Welcome", "kind": "email", "subject": "Hi {{run.data.name}}",
            "html": "<p>Hello {{run.data.name}}</p>", "text": "Hello {{run.data.name}}"})
        self.assertEqual(r.status, 201, r)
        r = native.post("/v1/templates", json={"name": "Code", "kind": "sms", "text": "Code 1"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(self.check(c.get(BASE + "/external-contents/email-designer"), 200,
                                    "get", "/external-contents/email-designer"), {"enabled": False})
        mails = self.check(c.get(BASE + "/external-contents/mail-models"), 200,
                           "get", "/external-contents/mail-models")
        self.assertEqual([m["name"] for m in mails], ["Welcome"])
        model_id = mails[0]["id"]
        sms = self.check(c.get(BASE + "/external-contents/sms-models"), 200,
                         "get", "/external-contents/sms-models")
        self.assertEqual([(m["name"], m["textContent"]) for m in sms], [("Code", "Code 1")])
        pb = self.check(c.get(BASE + "/external-contents/pagebuilder/templates"), 200,
                        "get", "/external-contents/pagebuilder/templates")
        self.assertEqual([t["id"] for t in pb["elements"]], [model_id])
        pages = self.check(c.get(BASE + "/external-contents/pagebuilder/templates/%d/pages" % model_id),
                           200, "get", "/external-contents/pagebuilder/templates/{templateId}/pages")
        self.assertEqual(pages["elements"], [{"id": 1, "templateId": model_id, "name": "Welcome"}])
        page = self.check(c.get(BASE + "/external-contents/pagebuilder/templates/%d/pages/1" % model_id),
                          200, "get",
                          "/external-contents/pagebuilder/templates/{templateId}/pages/{pageId}")
        self.assertEqual(page["html"], "<p>Hello {{run.data.name}}</p>")
        self.assertCfError(c.get(BASE + "/external-contents/pagebuilder/templates/%d/pages/2"
                                 % model_id), 404)
        self.assertCfError(c.get(BASE + "/external-contents/pagebuilder/templates/x/pages"), 400,
                           "templateId")
        other = self.cf(self.new_node()["uuid"])
        self.assertEqual(other.get(BASE + "/external-contents/mail-models").json, [])
        self.assertCfError(other.get(BASE + "/external-contents/pagebuilder/templates/%d/pages"
                                     % model_id), 404)

        # The test e-mail goes out for real through the node's SMTP relay.
        test_mail = {"modelIdentifier": model_id, "senderName": "Shop",
                     "senderEmail": "news@shop.example", "email": "qa@shop.example",
                     "customRef": "ref-1", "attributes": [{"key": "name", "value": "Ann"}]}
        self.assertCfError(c.post(BASE + "/external-contents/test-email", json=test_mail), 409)
        sink = self.start_peer(SmtpSink())
        self.add_smtp(node, sink)
        r = c.post(BASE + "/external-contents/test-email", json=test_mail)
        self.check(r, 204, "post", "/external-contents/test-email")
        got = [m for m in sink.messages() if m.to == "qa@shop.example"]
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0].subject, "Hi Ann")
        self.assertEqual(got[0].header("X-Custom-Ref"), "ref-1")
        self.assertIn("Hello Ann", got[0].text)
        self.assertCfError(c.post(BASE + "/external-contents/test-email",
                                  json=dict(test_mail, email="nope")), 400, "email")
        self.assertCfError(c.post(BASE + "/external-contents/test-email",
                                  json=dict(test_mail, modelIdentifier=999999)), 404)

    def test_send_subscriptions(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        r = self.check(c.get(BASE + "/send-subscriptions"), 200, "get", "/send-subscriptions")
        self.assertEqual(r, {"subscriptions": []})


if __name__ == "__main__":
    unittest.main()
