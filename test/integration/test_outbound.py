"""Outbound safety (issue #8.6): webhook and SMS-gateway calls and SMTP connections only reach
addresses the policy allows, decided on the RESOLVED address, and redirects are not followed.

Private, loopback and link-local networks are refused unless `outbound_allow` lists them.
The harness passes --outbound-allow 127.0.0.0/8,::1/128 so other suites can use loopback
receivers; these tests start servers without it (outbound_allow=None) to see the default.

Run: cd test/integration && RIVULET_BIN=.../build/debug/rivulet \
         /usr/bin/python3 -m unittest -v test_outbound
"""

import unittest
import urllib.request

from rivulet_harness import run_cli
from test_engine_e2e import E2EBase, SmtpSink, poll_until


class OutboundPolicyTest(E2EBase):

    def hook_automation(self, api, url, name):
        hook = self.step("WEBHOOK", {"url": url})
        return self.running_automation(api, name, [hook], []), hook

    def assert_refused(self, api, automation, email, recv):
        token = self.enroll(api, automation, {"email": email})
        t = self.wait_token(api, token["uuid"], {"ERROR", "COMPLETED"}, 20)
        self.assertEqual(t["status"], "ERROR", t)
        self.assertIn("address not allowed", t["error_message"] or "", t)
        self.assertIn("outbound_allow", t["error_message"] or "", t)
        self.assertEqual([(m["status"], m["attempts"]) for m in t["messages"]], [("failed", 1)], t)
        return t

    def test_loopback_webhook_is_refused_without_the_setting_and_nothing_is_sent(self):
        recv = self.receiver()
        srv = self.start_server(name="default-policy", outbound_allow=None, args=self.SERVER_ARGS)
        api = srv.client("api_key")
        by_ip, _ = self.hook_automation(api, recv.url("/hooks/by-ip"), "by ip")
        by_name, _ = self.hook_automation(
            api, "http://localhost:%d/hooks/by-name" % recv.port, "by name")
        mapped, _ = self.hook_automation(
            api, "http://[::ffff:127.0.0.1]:%d/hooks/mapped" % recv.port, "mapped")
        t = self.assert_refused(api, by_ip, "ip@outbound.example", recv)
        self.assertIn("127.0.0.1 is loopback", t["error_message"], t)
        t = self.assert_refused(api, by_name, "name@outbound.example", recv)  # resolved first
        self.assertIn("loopback", t["error_message"], t)
        self.assert_refused(api, mapped, "mapped@outbound.example", recv)

        # SMS gateways obey the same policy.
        self.ok(api.post("/v1/settings", json={
            "type": "SMS_GATEWAY", "value": {"url": recv.url("/sms")}}), 201)
        sms = self.step("CLAB_CAMPAIGN_SMS", {"text": "hi"})
        a_sms = self.running_automation(api, "sms", [sms], [])
        token = self.enroll(api, a_sms, {"email": "sms@outbound.example", "phone": "+31612345678"})
        t = self.wait_token(api, token["uuid"], {"ERROR", "COMPLETED"}, 20)
        self.assertEqual(t["status"], "ERROR", t)
        self.assertIn("address not allowed", t["error_message"] or "", t)

        # The receiver saw none of it (a request to it directly proves it is listening).
        urllib.request.urlopen(recv.url("/sentinel"), timeout=10).read()
        poll_until(lambda: recv.requests("/sentinel"), 10, "the sentinel request")
        self.assertEqual([e["path"] for e in recv.requests()], ["/sentinel"])
        srv.stop()

    def test_loopback_smtp_relay_is_refused_without_the_setting_and_nothing_is_sent(self):
        sink = self.start_peer(SmtpSink())
        srv = self.start_server(name="smtp-policy", outbound_allow=None, args=self.SERVER_ARGS)
        api = srv.client("api_key")
        sender = self.configure(api, smtp=sink, signing=False)
        mail = self.step("CLAB_CAMPAIGN", {"sender_uuid": sender, "subject": "Hi",
                                           "text": "Hello {{contact.email}}"})
        a = self.running_automation(api, "smtp by ip", [mail], [])
        t = self.assert_refused(api, a, "smtp-ip@outbound.example", None)
        self.assertIn("127.0.0.1 is loopback", t["error_message"], t)
        # By host name: refused on the resolved address, the same way.
        self.ok(api.put("/v1/settings/%s" % self.smtp_setting(api), json={
            "type": "SMTP", "value": {"url": "smtp://localhost:%d" % sink.port,
                                      "tls": "none"}}), 200)
        t = self.assert_refused(api, a, "smtp-name@outbound.example", None)
        self.assertIn("loopback", t["error_message"], t)
        # Contactflow's test e-mail goes through the same sender and policy.
        token = srv.oauth_token()
        cf = srv.client({"Authorization": "Bearer " + token, "Node": srv.creds.workspace_uuid})
        r = cf.post("/contactflow/external-contents/test-email", json={
            "senderEmail": "news@shop.example", "email": "test@outbound.example",
            "subject": "s", "textContent": "t"})
        self.assertEqual(r.status, 409, r)
        self.assertIn("address not allowed", r.json["message"], r)
        self.assertEqual(sink.messages(), [])
        self.assertEqual(self.stats(api, a)["automation"].get("sent", 0), 0)

        # Listed in outbound_allow, the same relay gets the mail.
        srv.stop()
        srv.outbound_allow = "127.0.0.0/8"
        srv.start()
        api = srv.client("api_key")
        t = self.wait_token(api, self.enroll(api, a, {"email": "allowed@outbound.example"})["uuid"],
                            {"ERROR", "COMPLETED"}, 20)
        self.assertEqual(t["status"], "COMPLETED", t)
        poll_until(lambda: [m for m in sink.messages() if m.to == "allowed@outbound.example"],
                   10, "the allowed mail")
        self.assertEqual(len(sink.messages()), 1)
        srv.stop()

    def smtp_setting(self, api):
        settings = self.ok(api.get("/v1/settings"), 200)["data"]
        return [s["uuid"] for s in settings if s["type"] == "SMTP"][0]

    def test_allowed_network_is_delivered_and_redirects_are_not_followed(self):
        recv = self.receiver()
        srv = self.start_server(name="allow", outbound_allow="127.0.0.0/8",
                                args=self.SERVER_ARGS)
        api = srv.client("api_key")
        ok_a, _ = self.hook_automation(api, recv.url("/hooks/ok"), "ok")
        token = self.enroll(api, ok_a, {"email": "ok@outbound.example"})
        t = self.wait_token(api, token["uuid"], {"ERROR", "COMPLETED"}, 20)
        self.assertEqual(t["status"], "COMPLETED", t)

        redirect_a, _ = self.hook_automation(api, recv.url("/redirect"), "redirect")
        token = self.enroll(api, redirect_a, {"email": "redirect@outbound.example"})
        t = self.wait_token(api, token["uuid"], {"ERROR", "COMPLETED"}, 20)
        self.assertEqual(t["status"], "ERROR", t)
        self.assertIn("redirect not followed", t["error_message"] or "", t)
        poll_until(lambda: recv.requests("/redirect"), 10, "the redirecting request")
        self.assertEqual(recv.requests("/ok"), [])  # the Location was not visited
        srv.stop()

    def test_bad_setting_is_refused_at_start_and_documented_in_help(self):
        p = run_cli("serve", "--help")
        self.assertIn("--outbound-allow", p.stdout)
        self.assertIn("RIVULET_OUTBOUND_ALLOW", p.stdout)
        srv = self.start_server(start=False, name="bad-allow", outbound_allow="127.0.0.0/99")
        with self.assertRaises(AssertionError) as ctx:
            srv.start(timeout=20)
        self.assertIn("outbound_allow", str(ctx.exception))


if __name__ == "__main__":
    unittest.main()
