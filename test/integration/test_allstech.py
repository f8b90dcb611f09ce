"""Black-box tests of the AllsTechnology face (/api/…, seed 003) against the real binary.

The server runs with `--test-clock true` (a clock that POST /v1/admin/clock/advance moves) and
a real SMTP server (test/support/smtp_sink.py), so a welcome series of three schedules
(instantly, 1 hour, 2 days) is delivered in order without waiting. Requests use the seed's
encodings: multipart forms for create endpoints, `strIds[0]=…` urlencoded for bulk delete and
`?utr=` queries for the rest.

  AllsTechAuthTest       the PublicKey/SecretKey errors of the seed
  AllsTechApiTest        every automation, schedule and resource endpoint with its errors;
                         another workspace's keys see none of it
  AllsTechJourneyTest    audience enrollment, the welcome series in order, and total_*
                         counters moving with opens, bounces and unsubscribes

Run: cd test/integration && RIVULET_BIN=<worktree>/build/debug/rivulet \
         /usr/bin/python3 -m unittest -v test_allstech
"""

import re
import unittest
import urllib.parse
import uuid as uuidlib

from rivulet_harness import RivuletTestCase
from test_engine_e2e import PUBLIC_BASE, SmtpSink, poll_until

SERVER_ARGS = ["--public-base-url", PUBLIC_BASE, "--test-clock", "true"]
LARAVEL_TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
LIVE_AT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
AUTOMATION_FIELDS = {
    "id": int, "user_id": int, "automation_for": (int, type(None)),
    "automation_for_table": (str, type(None)), "automation_name": str, "exit_criteria": int,
    "unsubscribe_group_id": (str, type(None)), "automation_type": int, "utr": str,
    "status": int, "live_at": (str, type(None)), "total_triggered": int,
    "total_delivered": int, "total_unique_opens": int, "total_opens": int,
    "total_bounces": int, "total_unsubscribe": int, "deleted_at": type(None),
    "created_at": str, "updated_at": str,
}
SCHEDULE_FIELDS = {
    "id": int, "user_id": int, "automation_id": int, "sender_id": int, "subject": str,
    "waiting_period": int, "waiting_type": str, "utr": str, "template_id": int,
    "preview_img": str, "template_json": (str, type(None)), "template_html": (str, type(None)),
    "created_at": str, "updated_at": str, "design_url": str, "image": str,
}


def rand(prefix):
    return prefix + uuidlib.uuid4().hex[:8]


class AllsTechBase(RivuletTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = cls.start_class_server(args=SERVER_ARGS)

    def setUp(self):
        super().setUp()
        self.api = self.server.client("keypair")
        self.native = self.server.client("api_key")

    # -- envelope ------------------------------------------------------------------------------

    def success(self, r):
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], "success", r)
        return r.json["message"]

    def failed(self, r, status, errors):
        """Asserts {"status":"failed","errors":errors} with the HTTP status."""
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.json, {"status": "failed", "errors": errors}, r)

    # -- resources through this face --------------------------------------------------------

    def sender(self, api=None):
        m = self.success((api or self.api).post("/api/senders", multipart={
            "name": "News", "from_name": "Shop News", "from_email": "news@shop.example",
            "reply_to": "help@shop.example"}.items()))
        return m["sender"]["id"]

    def template(self, api=None):
        m = self.success((api or self.api).post("/api/templates", multipart={
            "name": "Welcome", "subject": "Hello {{contact.first_name}}",
            "template_html": "<p>Hi {{contact.first_name}}</p>"}.items()))
        return m["template"]["id"]

    def group(self, api=None):
        m = self.success((api or self.api).post("/api/unsubscribe-groups", multipart={
            "name": "Newsletter"}.items()))
        return m["unsubscribe_group"]["id"]

    def contact_type(self, tag, api=None):
        m = self.success((api or self.api).post("/api/contact-types", multipart={
            "name": "Customers " + tag, "tag": tag}.items()))
        return m["contact_type"]["id"]

    def create(self, api=None, **fields):
        form = {"type": "custom", "automation_name": "Api Automation"}
        form.update({k: str(v) for k, v in fields.items()})
        return self.success((api or self.api).post("/api/automations/create",
                                                   multipart=form.items()))["utr"]

    def add_schedule(self, utr, sender_id, template_id, subject="Test Api Subject",
                     waiting_period=1, waiting_type="instantly", html="<p>xyz</p>", api=None):
        r = (api or self.api).post("/api/automations/schedule/create", multipart={
            "utr": utr, "sender_id": str(sender_id), "subject": subject,
            "waiting_period": str(waiting_period), "waiting_type": waiting_type,
            "template_id": str(template_id), "preview_img": "verify_email.png",
            "template_json": "abc", "template_html": html}.items())
        self.assertEqual(self.success(r), "Schedule Added")

    def details(self, utr, api=None):
        return self.success((api or self.api).get("/api/automations/details?utr=" + utr))[
            "automation"]

    def schedules(self, utr):
        return self.success(self.api.get("/api/automations/schedule?utr=" + utr))[
            "automation_schedules"]

    def listed(self, api=None):
        r = (api or self.api).get("/api/automations")
        if r.status == 404:
            return []
        return self.success(r)["automations"]


class AllsTechAuthTest(AllsTechBase):
    def test_missing_keys_get_the_seed_error(self):
        bare = self.server.client(None)
        self.failed(bare.get("/api/automations/duplicate?utr=" + str(uuidlib.uuid4())), 401, {
            "PublicKey": ["The public key field is required."],
            "SecretKey": ["The secret key field is required."]})
        only_public = self.server.client({"PublicKey": self.server.creds.public_key})
        self.failed(only_public.get("/api/automations"), 401, {
            "SecretKey": ["The secret key field is required."]})

    def test_wrong_secret_is_refused_in_the_envelope(self):
        wrong = self.server.client({"PublicKey": self.server.creds.public_key,
                                    "SecretKey": "not-the-secret"})
        r = wrong.get("/api/automations")
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.json["status"], "failed", r)
        self.assertIsInstance(r.json["errors"], str, r)

    def test_bearer_keys_are_not_this_faces_auth(self):
        # (GET /api/automations with Bearer is Leat's legacy path: see test_leat.py.)
        r = self.native.get("/api/senders")
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.json["status"], "failed", r)
        self.assertIn("PublicKey", r.json["errors"], r)


class AllsTechApiTest(AllsTechBase):
    def test_create_details_list_in_the_seed_shapes(self):
        group = self.group()
        ctype = self.contact_type(rand("t"))
        utr = self.create(automation_for="contacts_%d" % ctype, unsubscribe_group_id=group,
                          automation_name="Test Automation")
        self.assertRegex(utr, r"^[0-9a-f-]{36}$")
        a = self.details(utr)
        for field, kind in AUTOMATION_FIELDS.items():
            self.assertIsInstance(a[field], kind, field)
        self.assertNotIn("automation_schedule_count", a)
        self.assertEqual(a["utr"], utr)
        self.assertEqual(a["automation_for"], ctype)
        self.assertEqual(a["automation_for_table"], "contacts_")
        self.assertEqual(a["unsubscribe_group_id"], str(group))
        self.assertEqual(a["exit_criteria"], 1)
        self.assertEqual(a["status"], 0)
        self.assertIsNone(a["live_at"])
        self.assertRegex(a["created_at"], LARAVEL_TS)
        self.assertRegex(a["updated_at"], LARAVEL_TS)
        listed = {x["utr"]: x for x in self.listed()}
        self.assertIn(utr, listed)
        self.assertEqual(listed[utr]["automation_schedule_count"], 0)
        self.assertEqual(listed[utr]["id"], a["id"])

        # The same automation in the native API, with its audience.
        n = self.native.get("/v1/automations/" + utr)
        self.assertEqual(n.status, 200, n)
        self.assertEqual(n.json["automation"]["audience_id"], ctype)

        # urlencoded and JSON bodies are accepted too.
        r = self.api.post("/api/automations/create", form={"type": "welcome",
                                                            "automation_name": "Form"})
        self.assertEqual(self.details(self.success(r)["utr"])["automation_type"], 0)
        r = self.api.post("/api/automations/create", json={"type": "custom",
                                                           "automation_name": "Json"})
        self.assertEqual(self.details(self.success(r)["utr"])["automation_type"], 1)

    def test_create_validation_errors_change_nothing(self):
        before = len(self.listed())
        self.failed(self.api.post("/api/automations/create", multipart={"type": "custom"}.items()), 422,
                    {"automation_name": ["The automation name field is required."]})
        self.failed(self.api.post("/api/automations/create", multipart={
            "type": "weekly", "automation_name": "x", "automation_for": "lists_3",
            "unsubscribe_group_id": "abc"}.items()), 422, {
            "type": ["The selected type is invalid."],
            "automation_for": ["The automation for format is invalid."],
            "unsubscribe_group_id": ["The unsubscribe group id must be an integer."]})
        self.failed(self.api.post("/api/automations/create", multipart={
            "type": "custom", "automation_name": "x", "automation_for": "segments_999999",
            "unsubscribe_group_id": "999999"}.items()), 422, {
            "automation_for": ["The selected automation for is invalid."],
            "unsubscribe_group_id": ["The selected unsubscribe group id is invalid."]})
        self.assertEqual(len(self.listed()), before)

    def test_unknown_utr_is_record_not_found_everywhere(self):
        missing = str(uuidlib.uuid4())
        for path in ("details", "duplicate", "pause", "set-live", "schedule"):
            self.failed(self.api.get("/api/automations/%s?utr=%s" % (path, missing)), 404,
                        "Record not found")
        self.failed(self.api.get("/api/automations/details?utr=not-a-uuid"), 404,
                    "Record not found")
        self.failed(self.api.delete("/api/automations/delete?utr=" + missing), 404,
                    "Record not found")
        self.failed(self.api.delete("/api/automations/schedule/delete?utr=" + missing), 404,
                    "Record not found")
        self.failed(self.api.get("/api/automations/details"), 422,
                    {"utr": ["The utr field is required."]})

    def test_schedules_set_live_pause_duplicate_delete(self):
        sender, template = self.sender(), self.template()
        utr = self.create()
        # Set live needs an unsubscribe group (the seed's error) and a schedule.
        self.failed(self.api.get("/api/automations/set-live?utr=" + utr), 409,
                    "Unsubscribe group require to live automation")

        self.failed(self.api.post("/api/automations/schedule/create", multipart={
            "utr": utr, "waiting_period": "1", "template_id": str(template),
            "preview_img": "verify_email.png"}.items()), 422, {
            "sender_id": ["The sender id field is required."],
            "subject": ["The subject field is required."],
            "waiting_type": ["The waiting type field is required."]})
        self.failed(self.api.post("/api/automations/schedule/create", multipart={
            "utr": utr, "sender_id": "999999", "subject": "s", "waiting_period": "1",
            "waiting_type": "weeks", "template_id": str(template),
            "preview_img": "x.png"}.items()), 422, {
            "waiting_type": ["The selected waiting type is invalid."]})
        self.failed(self.api.post("/api/automations/schedule/create", multipart={
            "utr": utr, "sender_id": "999999", "subject": "s", "waiting_period": "1",
            "waiting_type": "days", "template_id": "999999", "preview_img": "x.png"}.items()), 422, {
            "sender_id": ["The selected sender id is invalid."],
            "template_id": ["The selected template id is invalid."]})
        self.failed(self.api.post("/api/automations/schedule/create", multipart={
            "utr": str(uuidlib.uuid4()), "sender_id": str(sender), "subject": "s",
            "waiting_period": "1", "waiting_type": "days", "template_id": str(template),
            "preview_img": "x.png"}.items()), 404, "Record not found")
        self.assertEqual(self.schedules(utr), [])

        self.add_schedule(utr, sender, template)
        self.add_schedule(utr, sender, template, subject="Second", waiting_period=2,
                          waiting_type="days", html="")
        sched = self.schedules(utr)
        self.assertEqual([s["subject"] for s in sched], ["Test Api Subject", "Second"])
        for s in sched:
            for field, kind in SCHEDULE_FIELDS.items():
                self.assertIsInstance(s[field], kind, field)
            self.assertEqual(s["design_url"],
                             PUBLIC_BASE + "/user/automations/schedule/email/design/" + s["utr"])
            self.assertEqual(s["image"], PUBLIC_BASE + "/assets/sample_template/verify_email.png")
            self.assertEqual(s["sender_id"], sender)
            self.assertEqual(s["template_id"], template)
            self.assertRegex(s["created_at"], LARAVEL_TS)
        self.assertEqual(sched[0]["template_html"], "<p>xyz</p>")
        self.assertEqual(sched[0]["template_json"], "abc")
        self.assertIsNone(sched[1]["template_html"])
        self.assertEqual(sched[1]["waiting_period"], 2)
        self.assertNotEqual(sched[0]["id"], sched[1]["id"])
        a = self.details(utr)
        self.assertEqual(sched[0]["automation_id"], a["id"])

        # A pause needs a live automation.
        self.failed(self.api.get("/api/automations/pause?utr=" + utr), 409,
                    "Only live automation can be paused")

        # With an unsubscribe group it goes live.
        utr2 = self.create(unsubscribe_group_id=self.group())
        self.failed(self.api.get("/api/automations/set-live?utr=" + utr2), 409,
                    "At least one schedule require to live automation")
        self.add_schedule(utr2, sender, template)
        self.assertEqual(self.success(self.api.get("/api/automations/set-live?utr=" + utr2)),
                         "Automation has been set live")
        live = self.details(utr2)
        self.assertEqual(live["status"], 1)
        self.assertRegex(live["live_at"], LIVE_AT)
        native = self.native.get("/v1/automations/" + utr2).json["automation"]
        self.assertEqual(native["status"], "RUNNING")
        self.assertEqual([s["type"] for s in native["steps"]], ["WAIT", "CLAB_CAMPAIGN"])
        # Schedules of a live automation are not changed.
        r = self.api.post("/api/automations/schedule/create", multipart={
            "utr": utr2, "sender_id": str(sender), "subject": "s", "waiting_period": "1",
            "waiting_type": "days", "template_id": str(template), "preview_img": "x.png"}.items())
        self.assertEqual(r.status, 409, r)
        self.assertEqual(len(self.schedules(utr2)), 1)

        self.assertEqual(self.success(self.api.get("/api/automations/pause?utr=" + utr2)),
                         "Automation Paused Successfully")
        self.assertEqual(self.details(utr2)["status"], 0)
        self.assertEqual(self.native.get("/v1/automations/" + utr2).json["automation"]["status"],
                         "PAUSED")
        self.assertEqual(self.success(self.api.get("/api/automations/set-live?utr=" + utr2)),
                         "Automation has been set live")
        self.assertEqual(self.details(utr2)["status"], 1)

        # Duplicate: a draft copy with its own schedules.
        copy_utr = self.success(self.api.get("/api/automations/duplicate?utr=" + utr))["utr"]
        self.assertNotEqual(copy_utr, utr)
        copy = self.details(copy_utr)
        self.assertEqual(copy["status"], 0)
        self.assertEqual(copy["automation_name"], a["automation_name"])
        copied = self.schedules(copy_utr)
        self.assertEqual([s["subject"] for s in copied], ["Test Api Subject", "Second"])
        self.assertTrue({s["utr"] for s in copied}.isdisjoint({s["utr"] for s in sched}))
        self.assertTrue({s["id"] for s in copied}.isdisjoint({s["id"] for s in sched}))

        # Deleting a schedule (of a draft).
        self.assertEqual(self.success(self.api.delete(
            "/api/automations/schedule/delete?utr=" + copied[0]["utr"])), "Deleted Successfully")
        self.assertEqual([s["subject"] for s in self.schedules(copy_utr)], ["Second"])
        self.assertEqual(len(self.schedules(utr)), 2)
        listed = {x["utr"]: x for x in self.listed()}
        self.assertEqual(listed[copy_utr]["automation_schedule_count"], 1)

        # Soft delete: gone from the face, a live one stops.
        self.assertEqual(self.success(self.api.delete("/api/automations/delete?utr=" + utr2)),
                         "Deleted Successfully")
        self.failed(self.api.get("/api/automations/details?utr=" + utr2), 404, "Record not found")
        self.failed(self.api.delete("/api/automations/delete?utr=" + utr2), 404,
                    "Record not found")
        self.assertNotIn(utr2, {x["utr"] for x in self.listed()})
        self.assertEqual(self.native.get("/v1/automations/" + utr2).json["automation"]["status"],
                         "PAUSED")

    def test_unknown_paths_and_methods_answer_in_the_envelope(self):
        r = self.api.get("/api/no-such-thing")
        self.assertEqual(r.status, 404, r)
        self.assertEqual(r.json["status"], "failed", r)
        r = self.api.post("/api/automations/details", form="utr=x")
        self.assertEqual(r.status, 405, r)
        self.assertEqual(r.json["status"], "failed", r)
        self.assertEqual(r.header("Allow"), "GET", r)

    def test_native_api_reads_and_checks_the_audience(self):
        ctype = self.contact_type(rand("n"))
        body = {"name": "Native with audience", "audience_id": ctype,
                "steps": [{"type": "NO_ACTION", "settings": {}}]}
        r = self.native.post("/v1/automations", json=body)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["automation"]["audience_id"], ctype)
        body["audience_id"] = 999999999
        r = self.native.post("/v1/automations", json=body)
        self.assertEqual(r.status, 201, r)
        uuid = r.json["automation"]["uuid"]
        r = self.native.post("/v1/automations/%s/status" % uuid, json={"status": "COMMITTED"})
        self.assertEqual(r.status, 400, r)
        self.assertIn("audience", r.json["error"]["message"])

    def test_bulk_delete_is_all_or_nothing(self):
        a, b, c = (self.create(automation_name=n) for n in ("A", "B", "C"))
        ids = {u: self.details(u)["id"] for u in (a, b, c)}
        # One unknown id: nothing is deleted.
        r = self.api.post("/api/automations/bulk-delete",
                          form="strIds%%5B0%%5D=%d&strIds%%5B1%%5D=999999999" % ids[a])
        self.failed(r, 404, "Record not found")
        self.assertEqual(self.details(a)["utr"], a)
        self.failed(self.api.post("/api/automations/bulk-delete", form=""), 422,
                    {"strIds": ["The str ids field is required."]})
        # The seed's encoding: strIds[0]=…&strIds[1]=…
        r = self.api.post("/api/automations/bulk-delete",
                          form="strIds%%5B0%%5D=%d&strIds%%5B1%%5D=%d" % (ids[a], ids[b]))
        self.assertEqual(self.success(r), "Deleted Successfully")
        for u in (a, b):
            self.failed(self.api.get("/api/automations/details?utr=" + u), 404,
                        "Record not found")
        # strIds[] works too; an already deleted one is not found.
        r = self.api.post("/api/automations/bulk-delete",
                          form=urllib.parse.urlencode([("strIds[]", ids[c])]))
        self.assertEqual(self.success(r), "Deleted Successfully")
        r = self.api.post("/api/automations/bulk-delete", form="strIds[]=%d" % ids[c])
        self.failed(r, 404, "Record not found")

    def test_resources_share_the_workspace_data_with_the_native_api(self):
        sender = self.sender()
        template = self.template()
        senders = self.success(self.api.get("/api/senders"))["senders"]
        s = [x for x in senders if x["id"] == sender][0]
        self.assertEqual(s["from_email"], "news@shop.example")
        native = self.native.get("/v1/senders").json["data"]
        self.assertIn(s["uuid"], [x["uuid"] for x in native])
        # A sender made in the native API shows here too.
        n = self.native.post("/v1/senders", json={"name": "Native",
                                                 "from_address": "n@shop.example"})
        self.assertEqual(n.status, 201, n)
        self.assertIn(n.json["sender"]["uuid"],
                      [x["uuid"] for x in self.success(self.api.get("/api/senders"))["senders"]])
        templates = self.success(self.api.get("/api/templates"))["templates"]
        t = [x for x in templates if x["id"] == template][0]
        self.assertEqual(t["subject"], "Hello {{contact.first_name}}")

        g = self.group()
        self.assertIn(g, [x["id"] for x in
                          self.success(self.api.get("/api/unsubscribe-groups"))[
                              "unsubscribe_groups"]])
        tag = rand("tag")
        ct = self.contact_type(tag)
        types = self.success(self.api.get("/api/contact-types"))["contact_types"]
        self.assertIn({"id": ct, "tag": tag}, [{"id": x["id"], "tag": x["tag"]} for x in types])
        seg = self.success(self.api.post("/api/segments", multipart={
            "name": "Pro", "conditions": '{"field":"contact.plan","op":"eq","value":"pro"}'}.items()))
        sid = seg["segment"]["id"]
        segs = self.success(self.api.get("/api/segments"))["segments"]
        self.assertEqual([x["conditions"] for x in segs if x["id"] == sid],
                         [{"field": "contact.plan", "op": "eq", "value": "pro"}])
        utr = self.create(automation_for="segments_%d" % sid)
        self.assertEqual(self.details(utr)["automation_for_table"], "segments_")
        # A segment id is not a contact type id.
        self.failed(self.api.post("/api/automations/create", multipart={
            "type": "custom", "automation_name": "x", "automation_for": "contacts_%d" % sid}.items()),
            422, {"automation_for": ["The selected automation for is invalid."]})

        # Validation in the face's envelope.
        self.failed(self.api.post("/api/senders", multipart={"name": "x",
                                                             "from_email": "nope"}.items()), 422,
                    {"from_email": ["The from email must be a valid email address."]})
        self.failed(self.api.post("/api/templates", multipart={"name": "x"}.items()), 422, {
            "subject": ["The subject field is required."],
            "template_html": ["The template html field is required."]})
        self.failed(self.api.post("/api/unsubscribe-groups", multipart={}.items()), 422,
                    {"name": ["The name field is required."]})
        self.failed(self.api.post("/api/contact-types", multipart={"name": "x",
                                                                   "tag": "bad tag"}.items()), 422,
                    {"tag": ["The tag format is invalid."]})
        r = self.api.post("/api/segments", multipart={"name": "x", "conditions": '{"op":1}'}.items())
        self.assertEqual(r.status, 422, r)
        self.assertIn("conditions", r.json["errors"])

    def test_another_workspace_sees_none_of_it(self):
        sender, template = self.sender(), self.template()
        utr = self.create(unsubscribe_group_id=self.group())
        self.add_schedule(utr, sender, template)
        aid = self.details(utr)["id"]
        sched_utr = self.schedules(utr)[0]["utr"]

        ws = self.server.create_workspace()
        cred = self.server.create_credential(ws["uuid"], "keypair")
        other = self.server.client({"PublicKey": cred["public_key"],
                                    "SecretKey": cred["secret_key"]})
        self.failed(other.get("/api/automations"), 404, "Record Not Found")
        for path in ("details", "duplicate", "pause", "set-live", "schedule"):
            self.failed(other.get("/api/automations/%s?utr=%s" % (path, utr)), 404,
                        "Record not found")
        self.failed(other.delete("/api/automations/delete?utr=" + utr), 404, "Record not found")
        self.failed(other.delete("/api/automations/schedule/delete?utr=" + sched_utr), 404,
                    "Record not found")
        self.failed(other.post("/api/automations/bulk-delete", form="strIds%%5B0%%5D=%d" % aid),
                    404, "Record not found")
        for res, key in (("senders", "senders"), ("templates", "templates"),
                         ("contact-types", "contact_types"), ("segments", "segments"),
                         ("unsubscribe-groups", "unsubscribe_groups")):
            self.assertEqual(self.success(other.get("/api/" + res))[key], [], res)
        other_utr = self.create(api=other)
        r = other.post("/api/automations/schedule/create", multipart={
            "utr": other_utr, "sender_id": str(sender), "subject": "s", "waiting_period": "1",
            "waiting_type": "days", "template_id": str(template), "preview_img": "x.png"}.items())
        self.failed(r, 422, {"sender_id": ["The selected sender id is invalid."],
                             "template_id": ["The selected template id is invalid."]})
        # And the first workspace still has everything.
        self.assertEqual(self.details(utr)["id"], aid)
        self.assertEqual(len(self.schedules(utr)), 1)


class AllsTechJourneyTest(AllsTechBase):
    """One server, one SMTP sink: a welcome series through the real engine."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.smtp = SmtpSink()
        cls.addClassCleanup(cls.smtp.close)
        cls.smtp.start()
        r = cls.server.client("api_key").post("/v1/settings", json={
            "type": "SMTP", "value": {"url": cls.smtp.url, "tls": "none"}})
        assert r.status == 201, r

    def advance(self, seconds):
        admin = self.server.client("admin")
        r = admin.post("/v1/admin/clock/advance", json={"seconds": seconds})
        self.assertEqual(r.status, 200, r)
        return r.json

    def mails_to(self, address):
        return [m for m in self.smtp.messages() if m.to == address]

    def wait_mails(self, address, n, timeout=30):
        return poll_until(lambda: len(self.mails_to(address)) >= n and self.mails_to(address),
                          timeout, "%d mails to %s" % (n, address))

    def new_contact(self, email, tag, first_name):
        r = self.native.post("/v1/contacts", json={
            "email": email, "tags": [tag], "attributes": {"first_name": first_name}})
        self.assertEqual(r.status, 201, r)
        return r.json["contact"]

    def counters(self, utr):
        a = self.details(utr)
        return {k: a[k] for k in a if k.startswith("total_")}

    def wait_counter(self, utr, name, value, timeout=20):
        return poll_until(lambda: self.counters(utr)[name] == value and self.counters(utr),
                          timeout, "%s = %d" % (name, value))

    def test_admin_only_clock(self):
        r = self.native.post("/v1/admin/clock/advance", json={"seconds": 1})
        self.assertEqual(r.status, 403, r)
        admin = self.server.client("admin")
        r = admin.post("/v1/admin/clock/advance", json={"seconds": 0})
        self.assertEqual(r.status, 400, r)

    def test_welcome_series_audience_and_counters(self):
        tag = rand("welcome")
        first = rand("ada") + "@example.com"
        self.new_contact(first, tag, "Ada")
        outsider = rand("out") + "@example.com"
        self.new_contact(outsider, rand("other"), "Out")

        sender, template = self.sender(), self.template()
        group = self.group()
        ctype = self.contact_type(tag)
        utr = self.success(self.api.post("/api/automations/create", multipart={
            "type": "welcome", "automation_for": "contacts_%d" % ctype,
            "automation_name": "Welcome series", "unsubscribe_group_id": str(group)}.items()))["utr"]
        self.add_schedule(utr, sender, template, subject="Welcome {{contact.first_name}}",
                          html="<p>Day 0 for {{contact.first_name}}</p>")
        self.add_schedule(utr, sender, template, subject="One hour later",
                          waiting_period=1, waiting_type="hours",
                          html="<p>Hour 1</p>")
        # The third schedule uses the template's HTML.
        self.add_schedule(utr, sender, template, subject="Two days later",
                          waiting_period=2, waiting_type="days", html="")
        self.assertEqual(self.success(self.api.get("/api/automations/set-live?utr=" + utr)),
                         "Automation has been set live")

        # Going live enrolls the contact type's member: the instant mail arrives.
        mails = self.wait_mails(first, 1)
        self.assertEqual(mails[0].subject, "Welcome Ada")
        self.assertIn("Day 0 for Ada", mails[0].html)
        self.assertEqual(mails[0].header("From"), "Shop News <news@shop.example>")
        self.assertEqual(self.wait_counter(utr, "total_delivered", 1)["total_triggered"], 1)
        self.assertEqual(self.mails_to(outsider), [])

        # A contact who joins later is enrolled too.
        second = rand("bob") + "@example.com"
        self.new_contact(second, tag, "Bob")
        self.assertEqual(self.wait_mails(second, 1)[0].subject, "Welcome Bob")
        self.wait_counter(utr, "total_delivered", 2)

        # exit_criteria: a contact who leaves the contact type leaves the series.
        third = rand("cy") + "@example.com"
        cy = self.new_contact(third, tag, "Cy")
        self.assertEqual(self.wait_mails(third, 1)[0].subject, "Welcome Cy")
        self.wait_counter(utr, "total_delivered", 3)
        r = self.native.patch("/v1/contacts/" + cy["uuid"], json={"remove_tags": [tag]})
        self.assertEqual(r.status, 200, r)

        # Nothing more until the clock moves an hour.
        self.assertEqual(len(self.mails_to(first)), 1)
        self.advance(3600)
        mails = self.wait_mails(first, 2)
        self.assertEqual(mails[1].subject, "One hour later")
        self.wait_mails(second, 2)
        self.advance(24 * 3600)
        self.assertEqual(len(self.mails_to(first)), 2)

        # Counters move as a person opens, bounces and unsubscribes.
        track = self.server.client(None)
        pixel = mails[0].links("o")
        self.assertTrue(pixel, mails[0].html)
        path = urllib.parse.urlsplit(pixel[0])
        for _ in range(2):
            r = track.get(path.path + "?" + path.query)
            self.assertEqual(r.status, 200, r)
        c = self.wait_counter(utr, "total_opens", 2)
        self.assertEqual(c["total_unique_opens"], 1)
        r = self.native.post("/v1/bounces", json={"message_id": mails[1].message_id})
        self.assertEqual(r.status, 202, r)
        self.wait_counter(utr, "total_bounces", 1)
        bob_mail = self.mails_to(second)[0]
        lu = [u for u in re.findall(r"<([^>]+)>", bob_mail.header("List-Unsubscribe"))
              if u.startswith("http")][0]
        parts = urllib.parse.urlsplit(lu)
        r = track.post(parts.path + "?" + parts.query, form="List-Unsubscribe=One-Click")
        self.assertEqual(r.status, 200, r)
        self.wait_counter(utr, "total_unsubscribe", 1)

        # Day two: Ada gets the last mail (the template's HTML); Bob unsubscribed, gets none.
        self.advance(24 * 3600)
        mails = self.wait_mails(first, 3)
        self.assertEqual([m.subject for m in mails],
                         ["Welcome Ada", "One hour later", "Two days later"])
        self.assertIn("Hi Ada", mails[2].html)
        final = self.wait_counter(utr, "total_delivered", 6)
        self.assertEqual(final["total_triggered"], 3)
        self.assertEqual(len(self.mails_to(second)), 2)
        self.assertEqual(len(self.mails_to(third)), 1)
        self.assertEqual(self.mails_to(outsider), [])


if __name__ == "__main__":
    unittest.main()
