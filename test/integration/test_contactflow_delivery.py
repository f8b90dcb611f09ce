"""Black-box tests of what the Contactflow face delivers, against the real binary and peers.

- The node's channel switches (`emailActive`, `smsActive`) gate delivery (decision 15).
- A batch notification survives a kill -9 between the LAST packet and its delivery, and is
  delivered once per Idempotency-Key (decision 9).
- The CSV and ZIP reports are streamed (chunked) and stay correct beyond one chunk.
"""

import csv
import io
import json
import zipfile

from openapi_check import OpenApiChecker
from test_contactflow import BASE, ContactflowBase, email_step, new_uuid, wait_until
from test_engine_e2e import HttpReceiver, SmtpSink


def start_peer(test, peer):
    test.addCleanup(peer.close)
    peer.start()
    return peer


class ChannelSwitchTest(ContactflowBase):
    def test_switched_off_channels_send_nothing(self):
        sink = start_peer(self, SmtpSink())
        receiver = start_peer(self, HttpReceiver())
        node = self.new_node()["uuid"]
        c = self.cf(node)
        root = self.cf()
        self.add_smtp(node, sink)
        self.check(c.post(BASE + "/settings", json={
            "type": "SMS_GATEWAY", "value": {"url": receiver.url("/sms")}}), 201)
        mail, sms, tag = new_uuid(), new_uuid(), new_uuid()
        steps = [email_step(mail),
                 {"uuid": sms, "operation": "CLAB_CAMPAIGN_SMS", "settings": {"text": "Hi"}},
                 {"uuid": tag, "operation": "TAG", "settings": {"add": ["after"]}}]
        a = self.create_automation(node, steps=steps, connections=[
            {"fromStepUuid": mail, "toStepUuid": sms}, {"fromStepUuid": sms, "toStepUuid": tag}])
        path = BASE + "/automations/" + a["uuid"]
        for status in ("COMMITTED", "RUNNING"):
            self.check(c.patch(path, json={"status": status}), 200)

        def run_customer(pk):
            t = self.check(c.post(path + "/customers", json={"userPk": pk, "attributes": {
                "email": pk + "@shop.example", "phone": "+39333000%04d" % len(pk)}}), 201)
            wait_until(lambda: c.get(BASE + "/tokens/" + t["uuid"]).json["status"] == "COMPLETED",
                       what="the journey of " + pk)

        def step_feedbacks():
            fb = self.check(c.get(path + "/feedbacks"), 200)
            return {s["uuid"]: s["feedbacks"] for s in fb["steps"]}

        # E-mail off: the mail step is skipped (and counted), the SMS goes, the token goes on.
        node_json = self.check(root.patch(BASE + "/nodes/" + node, json={
            "active": True, "emailActive": False}), 200, "patch", "/nodes/{nodeUuid}")
        self.assertEqual((node_json["emailActive"], node_json["smsActive"]), (False, True))
        actions = self.check(c.get(BASE + "/actions"), 200)
        self.assertNotIn("CLAB_CAMPAIGN", actions)
        self.assertIn("CLAB_CAMPAIGN_SMS", actions)
        run_customer("off")
        self.assertEqual(sink.messages(), [])
        self.assertEqual(len(receiver.requests("/sms")), 1)
        fb = step_feedbacks()
        self.assertEqual((fb[mail]["skipped"], fb[mail]["sent"], fb[mail]["completed"]), (1, 0, 1))
        self.assertEqual((fb[sms]["sent"], fb[sms]["skipped"]), (1, 0))

        # E-mail on, SMS off: the e-mail really goes out through the SMTP server, no SMS.
        self.check(root.patch(BASE + "/nodes/" + node, json={
            "active": True, "emailActive": True, "smsActive": False}), 200)
        self.assertEqual(self.check(c.get(BASE + "/actions"), 200).count("CLAB_CAMPAIGN_SMS"), 0)
        run_customer("back")
        mails = sink.messages()
        self.assertEqual([m.to for m in mails], ["back@shop.example"])
        self.assertEqual(len(receiver.requests("/sms")), 1)
        fb = step_feedbacks()
        self.assertEqual((fb[mail]["sent"], fb[mail]["skipped"]), (1, 1))
        self.assertEqual((fb[sms]["sent"], fb[sms]["skipped"]), (1, 1))
        tokens = self.tokens(node, automationUuid=a["uuid"], aggregatedStatus="COMPLETED")
        self.assertEqual(tokens["page"]["totalElements"], 2)


class NotificationAfterCrashTest(ContactflowBase):
    """kill -9 while the notification is on the wire; after a restart it goes out again with
    the same Idempotency-Key, is recorded once, and is not sent a third time."""

    @classmethod
    def setUpClass(cls):
        pass  # each test starts its own server

    def start(self, srv):
        self.server = srv
        self.token = srv.oauth_token()
        if type(self).checker is None:
            type(self).checker = OpenApiChecker(srv.client().get(BASE + "/openapi.json").json)
        return srv

    def test_notification_is_delivered_after_a_kill(self):
        receiver = start_peer(self, HttpReceiver())
        srv = self.start(self.start_server(args=[
            "--delivery-lease-seconds", "15", "--webhook-timeout-seconds", "10"]))
        node = self.new_node()["uuid"]
        c = self.cf(node)
        a = self.running_automation(node)
        src = new_uuid()
        # The first delivery hangs 8 s (longer than the kill takes); later ones answer at once.
        url = receiver.url("/flaky/1/slow8000")
        body = {"packet": "FIRST", "sourceUuid": src, "sourceLabel": "crash",
                "customers": [{"userPk": "k%d" % i} for i in range(3)],
                "notification": {"type": "WEBHOOK", "url": url}}
        batch_path = BASE + "/automations/%s/customers/batch" % a["uuid"]
        self.check(c.post(batch_path, json=body), 201)
        r = self.check(c.post(batch_path, json={"packet": "LAST", "sourceUuid": src,
                                                "customers": []}), 201)
        self.assertEqual(r["status"], "CLOSED")
        wait_until(lambda: receiver.requests("/flaky/1/slow8000"), what="the notification")
        srv.kill()
        srv.start()
        self.token = srv.oauth_token()
        c = self.cf(node)  # the server listens on a new port
        # The lease of the dead process runs out (15 s), then the notification goes again.
        hits = wait_until(lambda: len(receiver.requests("/flaky/1/slow8000")) >= 2 and
                          receiver.requests("/flaky/1/slow8000"), timeout=60,
                          what="the notification after the restart")
        keys = set()
        for h in hits:
            headers = {k.lower(): v for k, v in h["headers"]}
            keys.add(headers["idempotency-key"])
            note = json.loads(h["body"])
            self.assertEqual((note["sourceUuid"], note["result"], note["customers"]), (src, "OK", 3))
        self.assertEqual(len(keys), 1, keys)  # one notification, delivered at least once on the wire
        self.expanded(c, a, src, "ENABLED_OK_NOTIFIED")
        # Another restart sends nothing more.
        srv.stop()
        srv.start()
        self.token = srv.oauth_token()
        c = self.cf(node)
        self.assertEqual(len(receiver.requests("/flaky/1/slow8000")), 2)
        wait_until(lambda: self.tokens(node, automationUuid=a["uuid"], aggregatedStatus="COMPLETED")[
            "page"]["totalElements"] == 3, what="the batch's journeys")
        self.assertEqual(len(receiver.requests("/flaky/1/slow8000")), 2)

    def test_accepted_packets_survive_a_kill_during_expansion(self):
        srv = self.start(self.start_server())
        node = self.new_node()["uuid"]
        c = self.cf(node)
        a = self.running_automation(node)
        src = new_uuid()
        batch_path = BASE + "/automations/%s/customers/batch" % a["uuid"]
        for i, packet in enumerate(("FIRST", "MIDDLE", "LAST")):
            customers = [{"userPk": "p%d-%04d" % (i, k)} for k in range(3000)]
            self.check(c.post(batch_path, json={"packet": packet, "sourceUuid": src,
                                                "customers": customers}), 201)
        # Killed with packets acknowledged but (some of them) not expanded yet.
        srv.kill()
        srv.start()
        self.token = srv.oauth_token()
        c = self.cf(node)
        done = self.expanded(c, a, src, "ENABLED")
        self.assertEqual((done["received"], done["customers"], done["rejected"]), (9000, 9000, 0))
        finished = wait_until(lambda: (lambda t: t if t["page"]["totalElements"] == 9000 else None)(
            self.tokens(node, automationUuid=a["uuid"], aggregatedStatus="COMPLETED", size=1)),
            timeout=120, interval=0.5, what="9,000 journeys")
        # No customer twice.
        self.assertEqual(self.tokens(node, automationUuid=a["uuid"], size=1)["page"]["totalElements"],
                         9000)
        self.assertEqual(finished["page"]["totalElements"], 9000)


def dechunk(test, body):
    """The chunks of a chunked body (asserting the framing), without the final empty one."""
    chunks = []
    while True:
        size_line, sep, rest = body.partition(b"\r\n")
        test.assertTrue(sep, "unterminated chunk size line")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            test.assertEqual(rest, b"\r\n", "trailing bytes after the last chunk")
            return chunks
        chunks.append(rest[:size])
        test.assertEqual(rest[size:size + 2], b"\r\n")
        body = rest[size + 2:]


class StreamedReportsTest(ContactflowBase):
    CHUNK = 64 * 1024  # the server's streaming piece (src/http/server.cc)

    def raw_get(self, node, path):
        """GET over a raw socket, so the chunked framing itself can be checked."""
        request = ("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nNode: %s\r\n"
                   "Connection: close\r\n\r\n" % (path, self.token, node)).encode()
        status, headers, body, error = self.server.raw_request(request, timeout=60)
        self.assertEqual(status, 200, (headers, body[:200], error))
        self.assertEqual(headers.get("transfer-encoding"), "chunked", headers)
        self.assertNotIn("content-length", headers)
        chunks = dechunk(self, body)
        # Written piece by piece: more than one chunk, none larger than a piece.
        self.assertGreater(len(chunks), 1)
        self.assertLessEqual(max(len(c) for c in chunks), self.CHUNK)
        return headers, b"".join(chunks)

    def test_token_report_larger_than_a_chunk(self):
        node = self.new_node()["uuid"]
        c = self.cf(node)
        a = self.running_automation(node)
        src = new_uuid()
        batch = BASE + "/automations/%s/customers/batch" % a["uuid"]
        customers = [{"userPk": "u%05d" % i, "attributes": {"email": "u%05d@shop.example" % i}}
                     for i in range(4000)]
        self.check(c.post(batch, json={"packet": "FIRST", "sourceUuid": src,
                                       "customers": customers}), 201)
        self.check(c.post(batch, json={"packet": "LAST", "sourceUuid": src, "customers": []}), 201)
        self.expanded(c, a, src, "ENABLED")
        headers, data = self.raw_get(node, BASE + "/tokens/reports?filename=big")
        self.assertGreater(len(data), self.CHUNK)
        self.assertEqual(headers["content-type"], "application/zip")
        self.assertEqual(headers["content-disposition"], 'attachment; filename="big.zip"')
        rows = list(csv.DictReader(io.StringIO(
            zipfile.ZipFile(io.BytesIO(data)).read("big.csv").decode())))
        self.assertEqual(sorted(r["userPk"] for r in rows), ["u%05d" % i for i in range(4000)])

    def test_automation_report_larger_than_a_chunk(self):
        node = self.new_node()["uuid"]
        for n in range(20):
            ids = [new_uuid() for _ in range(10)]
            steps = [{"uuid": u, "operation": "NO_ACTION", "description": ("s%d-" % k) + "x" * 190}
                     for k, u in enumerate(ids)]
            self.create_automation(node, name="report-%02d" % n, steps=steps, connections=[
                {"fromStepUuid": x, "toStepUuid": y} for x, y in zip(ids, ids[1:])])
        headers, data = self.raw_get(node, BASE + "/automations/reports")
        self.assertGreater(len(data), self.CHUNK)
        self.assertEqual(headers["content-disposition"], 'attachment; filename="feedbacks.csv"')
        rows = list(csv.DictReader(io.StringIO(data.decode())))
        self.assertEqual(len(rows), 20 * 11)
        self.assertEqual(sorted({r["automationName"] for r in rows}),
                         ["report-%02d" % n for n in range(20)])
        # The harness client (http.client) reads the same body.
        r = self.cf(node).get(BASE + "/automations/reports")
        self.assertEqual(r.raw, data)
