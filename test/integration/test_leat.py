"""Black-box tests of the Leat (Piggy) v3 Automations face against the REAL binary and a REAL
SMTP server (test/support/smtp_sink.py).

The workspace gets the three example automations of the Leat documentation, applied from
examples/ with `rivulet automation apply -f` exactly as a user would:
  examples/leat-send-reward.json    "Send Reward" on physical_reward_reception_created (inactive)
  examples/leat-birthday.json       "Send email on birthday" on contact_updated: e-mail + 50 credits
  examples/leat-first-credit.json   "Send mail on first credit reception" (credit_reception_created)

  ListTest      GET /api/v3/oauth/clients/automations (and the legacy /api/automations): shape,
                active/inactive, ISO-8601 times with offset, only Leat-event automations.
  RunTest       POST …/automations/runs with JSON, a PHP-bracket form and multipart, each
                delivering a real e-mail whose body shows the run data; ISSUE_CREDITS emitting
                credit_reception_created (the first-credit mail); the reward example by event.
  ErrorTest     1003 (422, field errors), 55031 and 60013 (404), 401, 405, unknown paths, all in
                Leat's envelope, and no run started by any of them.
  IsolationTest another workspace's contact or automation → 55031 / 60013, never a run.

Run: cd test/integration && RIVULET_BIN=<worktree>/build/debug/rivulet \\
         /usr/bin/python3 -m unittest -v test_leat
"""

import datetime
import os
import re
import urllib.parse
import uuid as uuidlib

from rivulet_harness import RivuletTestCase, encode_multipart
from test_engine_e2e import SmtpSink, poll_until

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.normpath(os.path.join(HERE, "..", "..", "examples"))

V3 = "/api/v3/oauth/clients"
REWARD = "0190a6f5-0a11-7c3d-8e2f-00000000c001"
BIRTHDAY = "0190a6f5-0a11-7c3d-8e2f-00000000c002"
FIRST_CREDIT = "0190a6f5-0a11-7c3d-8e2f-00000000c003"
ISO_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
MAIL_TIMEOUT = 30


def new_uuid():
    return str(uuidlib.uuid4())


class LeatBase(RivuletTestCase):
    """One server and one SMTP sink for the class, the examples applied to the demo
    workspace, which sends through the sink."""

    @classmethod
    def setUpClass(cls):
        cls.server = cls.start_class_server()
        cls.smtp = SmtpSink()
        cls.addClassCleanup(cls.smtp.close)
        cls.smtp.start()
        api = cls.server.client("api_key")
        r = api.post("/v1/settings", json={"type": "SMTP",
                                           "value": {"url": cls.smtp.url, "tls": "none"}})
        assert r.status == 201, r
        for name in ("leat-send-reward.json", "leat-birthday.json", "leat-first-credit.json"):
            out = cls.server.cli("automation", "apply", "-f", os.path.join(EXAMPLES, name),
                                 "--workspace", cls.server.creds.workspace_uuid)
            assert "created" in out.stdout, out.stdout

    def setUp(self):
        super().setUp()
        self.api = self.server.client("api_key")   # native API, same workspace
        self.leat = self.server.client("api_key")  # Leat face: Bearer API key

    # -- helpers ------------------------------------------------------------------------------

    def ok(self, r, status=200):
        self.assertEqual(r.status, status, r)
        return r.json

    def new_contact(self, first_name, api=None):
        addr = "%s.%s@leat.example" % (first_name.lower(), uuidlib.uuid4().hex[:8])
        c = self.ok((api or self.api).post("/v1/contacts", json={
            "email": addr, "attributes": {"first_name": first_name}}), 201)["contact"]
        return c

    def mails_to(self, addr):
        return [m for m in self.smtp.messages() if m.to == addr.lower()]

    def wait_mails(self, addr, count, what):
        return poll_until(lambda: (lambda ms: ms if len(ms) >= count else None)(self.mails_to(addr)),
                          MAIL_TIMEOUT, what)

    def entered(self, automation, api=None):
        s = self.ok((api or self.api).get("/v1/automations/%s/statistics" % automation))
        return s["automation"].get("entered", 0)

    def set_status(self, automation, *statuses, api=None):
        for status in statuses:
            r = self.ok((api or self.api).post("/v1/automations/%s/status" % automation,
                                               json={"status": status}))
            self.assertEqual(r["automation"]["status"], status, r)

    def assertLeatError(self, r, status, code, fields=()):
        """Leat's envelope: status_code, code and message all present (what the Leat PHP client
        checks), errors an object of field → [messages]."""
        self.assertEqual(r.status, status, r)
        self.assertTrue(r.header("Content-Type", "").startswith("application/json"), r)
        body = r.json
        self.assertEqual(body.get("status_code"), status, r)
        self.assertEqual(body.get("code"), code, r)
        self.assertIsInstance(body.get("message"), str, r)
        self.assertTrue(body["message"], r)
        self.assertIsInstance(body.get("errors"), dict, r)
        for f in fields:
            self.assertIn(f, body["errors"], r)
            self.assertIsInstance(body["errors"][f], list, r)
            self.assertTrue(all(isinstance(m, str) and m for m in body["errors"][f]), r)
        return body

    def assertRunStarted(self, r):
        body = self.ok(r)
        self.assertEqual(body["data"], [], r)
        run_uuid = body["meta"]["run_uuid"]
        self.assertRegex(run_uuid, r"^[0-9a-f-]{36}$")
        return run_uuid


class ListTest(LeatBase):
    def leat_list(self, client, path=V3 + "/automations", **kw):
        body = self.ok(client.get(path, **kw))
        self.assertEqual(set(body), {"data", "meta"}, body)
        self.assertEqual(body["meta"], [], body)
        self.assertIsInstance(body["data"], list, body)
        for item in body["data"]:
            self.assertEqual(set(item), {"uuid", "name", "event", "status", "created_at",
                                         "updated_at"}, item)
            self.assertIn(item["status"], ("active", "inactive"), item)
            for key in ("created_at", "updated_at"):
                self.assertRegex(item[key], ISO_OFFSET, item)
                datetime.datetime.fromisoformat(item[key])
        return {item["uuid"]: item for item in body["data"]}

    def test_lists_the_examples_with_events_and_statuses(self):
        items = self.leat_list(self.leat)
        self.assertEqual(items[REWARD]["name"], "Send Reward")
        self.assertEqual(items[REWARD]["event"], "physical_reward_reception_created")
        self.assertEqual(items[REWARD]["status"], "inactive")  # as in Leat's example
        self.assertEqual(items[BIRTHDAY]["name"], "Send email on birthday")
        self.assertEqual(items[BIRTHDAY]["event"], "contact_updated")
        self.assertEqual(items[BIRTHDAY]["status"], "active")
        self.assertEqual(items[FIRST_CREDIT]["name"], "Send mail on first credit reception")
        self.assertEqual(items[FIRST_CREDIT]["event"], "credit_reception_created")
        self.assertEqual(items[FIRST_CREDIT]["status"], "active")
        # The times are the automation's, in UTC with an explicit offset.
        native = self.ok(self.api.get("/v1/automations/%s" % BIRTHDAY))["automation"]
        leat_created = datetime.datetime.fromisoformat(items[BIRTHDAY]["created_at"])
        native_created = datetime.datetime.fromisoformat(native["created_at"].replace("Z", "+00:00"))
        self.assertLess(abs((leat_created - native_created).total_seconds()), 1.0)
        self.assertTrue(items[BIRTHDAY]["created_at"].endswith("+00:00"))

    def test_status_follows_the_lifecycle_and_only_leat_events_are_listed(self):
        step = {"uuid": new_uuid(), "type": "TAG", "name": "tag", "settings": {"add": ["x"]}}
        leat = self.ok(self.api.post("/v1/automations", json={
            "name": "Tier mail", "triggers": [{"event_type": "tier_reached"}],
            "steps": [step], "connections": []}), 201)["automation"]["uuid"]
        custom = self.ok(self.api.post("/v1/automations", json={
            "name": "Custom", "triggers": [{"event_type": "signed_up"}],
            "steps": [dict(step, uuid=new_uuid())], "connections": []}), 201)["automation"]["uuid"]
        self.assertEqual(self.leat_list(self.leat)[leat]["status"], "inactive")  # DRAFT
        self.set_status(leat, "COMMITTED")
        self.assertEqual(self.leat_list(self.leat)[leat]["status"], "inactive")
        self.set_status(leat, "RUNNING")
        self.assertEqual(self.leat_list(self.leat)[leat]["status"], "active")
        self.set_status(leat, "PAUSED")
        self.assertEqual(self.leat_list(self.leat)[leat]["status"], "inactive")
        items = self.leat_list(self.leat)
        self.assertEqual(items[leat]["event"], "tier_reached")
        self.assertNotIn(custom, items)  # Leat has no automations on other events

    def test_oauth_token_legacy_path_and_php_client_requests(self):
        by_key = self.leat_list(self.leat)
        # An OAuth access token (client_id is an integer, as Leat's clients send it).
        token = self.server.oauth_token(client_id=int(self.server.creds.client_id))
        self.assertEqual(self.leat_list(self.server.client(token)), by_key)
        # The PHP client sends its GETs with an empty form body.
        self.assertEqual(self.leat_list(self.leat, form=""), by_key)
        # The older page's path answers Bearer requests the same way.
        self.assertEqual(self.leat_list(self.leat, path="/api/automations"), by_key)

    def test_legacy_path_is_not_leats_without_bearer(self):
        # PublicKey/SecretKey requests to /api/automations belong to the AllsTechnology face;
        # whatever answers them, it is not the Leat face.
        for client in (self.server.client("keypair"), self.server.client(None)):
            r = client.get("/api/automations")
            body = r.body if isinstance(r.body, dict) else {}
            self.assertNotIn("status_code", body, r)
            self.assertNotIn("data", body, r)
        # With a Bearer header it is Leat's, errors included.
        r = self.server.client("not-a-valid-token").get("/api/automations")
        self.assertLeatError(r, 401, 401)


class RunTest(LeatBase):
    def test_json_run_sends_the_birthday_mail_with_run_data_and_issues_credits(self):
        c = self.new_contact("Ada")
        before = self.entered(BIRTHDAY)
        run_uuid = self.assertRunStarted(self.leat.post(V3 + "/automations/runs", json={
            "contact_uuid": c["uuid"], "automation_uuid": BIRTHDAY,
            "data": {"coupon": "JSON-<123>", "age": 30, "deep": {"a": [1, {"b": None}]}}}))
        self.assertEqual(self.entered(BIRTHDAY), before + 1)

        mails = self.wait_mails(c["email"], 2, "birthday and first-credit mails")
        by_subject = {m.subject: m for m in mails}
        birthday = by_subject["Happy birthday, Ada!"]
        self.assertIn("<b>JSON-&lt;123&gt;</b>", birthday.html)  # run data, HTML-escaped
        self.assertIn("30 already", birthday.html)
        # ISSUE_CREDITS emitted credit_reception_created, which ran the first-credit example.
        first = by_subject["You received your first credits"]
        self.assertIn("you just received 50 credits; your balance is 50", first.html)

        token = self.ok(self.api.get("/v1/tokens/%s" % run_uuid))["token"]
        self.assertEqual(token["automation_uuid"], BIRTHDAY, token)
        self.assertEqual(token["contact_uuid"], c["uuid"], token)
        contact = self.ok(self.api.get("/v1/contacts/%s" % c["uuid"]))["contact"]
        self.assertEqual(contact["attributes"]["credits"], 50, contact)
        events = self.ok(self.api.get("/v1/contacts/%s/events" % c["uuid"]))
        types = [e["type"] for e in events["data"]]
        self.assertIn("credit_reception_created", types)

        # A second run: another birthday mail and 50 more credits, no second first-credit mail.
        self.assertRunStarted(self.leat.post(V3 + "/automations/runs", json={
            "contact_uuid": c["uuid"], "automation_uuid": BIRTHDAY, "data": None}))
        mails = self.wait_mails(c["email"], 3, "second birthday mail")
        poll_until(lambda: self.ok(self.api.get("/v1/contacts/%s" % c["uuid"]))["contact"]
                   ["attributes"].get("credits") == 100, MAIL_TIMEOUT, "credits 100")
        self.assertEqual(sorted(m.subject for m in mails),
                         ["Happy birthday, Ada!", "Happy birthday, Ada!",
                          "You received your first credits"])

    def test_bracketed_form_run_as_the_php_client_sends_it(self):
        c = self.new_contact("Grace")
        form = urllib.parse.urlencode([
            ("contact_uuid", c["uuid"].upper()), ("automation_uuid", BIRTHDAY),
            ("data[coupon]", "FORM-9&co"), ("data[age]", "41"),
            ("data[gift][name]", "Mug"), ("data[tags][]", "a"), ("data[tags][]", "b")])
        self.assertIn("data%5Bcoupon%5D", form)
        run_uuid = self.assertRunStarted(self.leat.post(V3 + "/automations/runs", form=form))
        mails = self.wait_mails(c["email"], 2, "birthday mail from a form run")
        birthday = [m for m in mails if m.subject == "Happy birthday, Grace!"][0]
        self.assertIn("<b>FORM-9&amp;co</b>", birthday.html)
        self.assertIn("41 already", birthday.html)
        self.assertIn("FORM-9&co", birthday.text)
        token = self.ok(self.api.get("/v1/tokens/%s" % run_uuid))["token"]
        self.assertEqual(token["contact_uuid"], c["uuid"], token)

    def test_multipart_and_legacy_path_runs(self):
        c = self.new_contact("Linus")
        body, ctype = encode_multipart([("contact_uuid", c["uuid"]),
                                        ("automation_uuid", BIRTHDAY),
                                        ("data[coupon]", "MULTI-7")])
        # The legacy path, with an OAuth access token.
        client = self.server.client("oauth")
        self.assertRunStarted(client.post("/api/automations/runs", body=body, content_type=ctype))
        mails = self.wait_mails(c["email"], 2, "birthday mail from a multipart run")
        birthday = [m for m in mails if m.subject == "Happy birthday, Linus!"][0]
        self.assertIn("<b>MULTI-7</b>", birthday.html)

    def test_reward_example_runs_when_active_and_contact_updates_do_not_start_birthdays(self):
        c = self.new_contact("Barbara")
        # An ordinary contact update emits contact_updated, which the birthday example ignores
        # (its trigger condition wants event.data.birthday); enrollment is in the same
        # transaction, so the counter is final when the update has answered.
        before = self.entered(BIRTHDAY)
        self.ok(self.api.patch("/v1/contacts/%s" % c["uuid"],
                               json={"attributes": {"first_name": "Barbara", "city": "Delft"}}))
        self.assertEqual(self.entered(BIRTHDAY), before)

        self.set_status(REWARD, "COMMITTED", "RUNNING")
        self.addCleanup(self.set_status, REWARD, "PAUSED")
        r = self.api.post("/v1/events", json={"events": [{
            "type": "physical_reward_reception_created", "contact": {"uuid": c["uuid"]},
            "data": {"reward": {"title": "Treasure chest"}, "credits": 100}}]})
        self.assertEqual(r.status, 201, r)
        mail = self.wait_mails(c["email"], 1, "reward mail")[0]
        self.assertEqual(mail.subject, "Your Treasure chest is on its way")
        self.assertIn("<b>Treasure chest</b> for 100 credits", mail.html)
        # A contact_updated event that says it is the birthday starts the birthday example.
        r = self.api.post("/v1/events", json={"events": [{
            "type": "contact_updated", "contact": {"uuid": c["uuid"]}, "data": {"birthday": True}}]})
        self.assertEqual(r.status, 201, r)
        mails = self.wait_mails(c["email"], 2, "birthday mail by event")
        self.assertIn("Happy birthday, Barbara!", [m.subject for m in mails])


class ErrorTest(LeatBase):
    def test_invalid_input_is_1003_with_field_errors_and_starts_nothing(self):
        c = self.new_contact("Input")
        before = self.entered(BIRTHDAY)
        url = V3 + "/automations/runs"
        cases = [
            ({}, ("contact_uuid", "automation_uuid")),
            ({"contact_uuid": c["uuid"]}, ("automation_uuid",)),
            ({"contact_uuid": "not-a-uuid", "automation_uuid": BIRTHDAY}, ("contact_uuid",)),
            ({"contact_uuid": 12, "automation_uuid": BIRTHDAY}, ("contact_uuid",)),
            ({"contact_uuid": c["uuid"], "automation_uuid": BIRTHDAY, "data": "text"}, ("data",)),
            ({"contact_uuid": c["uuid"], "automation_uuid": BIRTHDAY, "data": 5}, ("data",)),
        ]
        for body, fields in cases:
            with self.subTest(body=body):
                err = self.assertLeatError(self.leat.post(url, json=body), 422, 1003, fields)
                self.assertEqual(err["message"], "Invalid input.")
                self.assertEqual(set(err["errors"]), set(fields))
        err = self.assertLeatError(self.leat.post(url, json={"automation_uuid": BIRTHDAY}),
                                   422, 1003, ("contact_uuid",))
        self.assertEqual(err["errors"]["contact_uuid"], ["The contact uuid field is required."])
        # The same from a form, and a malformed JSON body.
        self.assertLeatError(self.leat.post(url, form="contact_uuid=&data[x]=1"), 422, 1003,
                             ("contact_uuid", "automation_uuid"))
        self.assertLeatError(self.leat.post(url, body='{"contact_uuid":', content_type="application/json"),
                             422, 1003, ("body",))
        self.assertEqual(self.entered(BIRTHDAY), before)

    def test_unknown_contact_is_55031_and_unknown_or_unrunnable_automation_is_60013(self):
        c = self.new_contact("Missing")
        before = {a: self.entered(a) for a in (BIRTHDAY, FIRST_CREDIT, REWARD)}
        url = V3 + "/automations/runs"
        err = self.assertLeatError(self.leat.post(url, json={
            "contact_uuid": new_uuid(), "automation_uuid": BIRTHDAY}), 404, 55031)
        self.assertEqual(err["message"], "Contact not found.")
        err = self.assertLeatError(self.leat.post(url, json={
            "contact_uuid": c["uuid"], "automation_uuid": new_uuid()}), 404, 60013)
        self.assertEqual(err["message"], "Model not found.")
        # Only contact_updated automations may be run.
        for automation in (FIRST_CREDIT, REWARD):
            self.assertLeatError(self.leat.post(url, json={
                "contact_uuid": c["uuid"], "automation_uuid": automation}), 404, 60013)
        # Both unknown: the contact is reported.
        self.assertLeatError(self.leat.post(url, json={
            "contact_uuid": new_uuid(), "automation_uuid": new_uuid()}), 404, 55031)
        self.assertEqual({a: self.entered(a) for a in before}, before)

    def test_bad_credentials_are_401(self):
        url = V3 + "/automations"
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eDp5"},
                        {"Authorization": "Bearer " + self.server.creds.admin_key + "x"}):
            with self.subTest(headers=headers):
                client = self.server.client(headers)
                r = client.get(url)
                self.assertLeatError(r, 401, 401)
                self.assertEqual(r.header("WWW-Authenticate"), "Bearer")
                self.assertLeatError(client.post(url + "/runs", json={}), 401, 401)
        # PublicKey/SecretKey is not a Leat credential.
        self.assertLeatError(self.server.client("keypair").get(url), 401, 401)

    def test_other_errors_stay_in_leats_envelope(self):
        self.assertLeatError(self.leat.get(V3 + "/nothing-here"), 404, 404)
        r = self.leat.put(V3 + "/automations", json={})
        self.assertLeatError(r, 405, 405)
        self.assertEqual(r.header("Allow"), "GET")
        self.assertLeatError(self.leat.post(V3 + "/automations/runs", body="x",
                                            content_type="text/plain"), 415, 415)


class IsolationTest(LeatBase):
    def test_another_workspaces_contact_or_automation_is_not_found_and_never_runs(self):
        ws, other_api = self.server.workspace_client()
        other_leat = other_api  # the same Bearer API key of the other workspace
        step = {"uuid": new_uuid(), "type": "TAG", "name": "tag", "settings": {"add": ["ran"]}}
        theirs = self.ok(other_api.post("/v1/automations", json={
            "name": "Their birthday", "triggers": [{"event_type": "contact_updated"}],
            "steps": [step], "connections": []}), 201)["automation"]["uuid"]
        self.set_status(theirs, "COMMITTED", "RUNNING", api=other_api)
        their_contact = self.new_contact("Theirs", api=other_api)
        mine = self.new_contact("Mine")
        before = self.entered(BIRTHDAY)
        url = V3 + "/automations/runs"

        self.assertLeatError(self.leat.post(url, json={
            "contact_uuid": their_contact["uuid"], "automation_uuid": BIRTHDAY}), 404, 55031)
        self.assertLeatError(self.leat.post(url, json={
            "contact_uuid": mine["uuid"], "automation_uuid": theirs}), 404, 60013)
        self.assertLeatError(other_leat.post(url, json={
            "contact_uuid": mine["uuid"], "automation_uuid": theirs}), 404, 55031)
        self.assertLeatError(other_leat.post(url, json={
            "contact_uuid": their_contact["uuid"], "automation_uuid": BIRTHDAY}), 404, 60013)
        self.assertEqual(self.entered(BIRTHDAY), before)
        self.assertEqual(self.entered(theirs, api=other_api), 0)
        self.assertEqual(self.mails_to(mine["email"]), [])

        # Each workspace lists only its own automations.
        their_list = self.ok(other_leat.get(V3 + "/automations"))["data"]
        self.assertEqual([a["uuid"] for a in their_list], [theirs])
        my_list = [a["uuid"] for a in self.ok(self.leat.get(V3 + "/automations"))["data"]]
        self.assertNotIn(theirs, my_list)

        # Their own run works, in their workspace.
        self.assertRunStarted(other_leat.post(url, json={
            "contact_uuid": their_contact["uuid"], "automation_uuid": theirs}))
        poll_until(lambda: "ran" in self.ok(other_api.get("/v1/contacts/%s" % their_contact["uuid"]))
                   ["contact"]["tags"], MAIL_TIMEOUT, "their run tagged their contact")
