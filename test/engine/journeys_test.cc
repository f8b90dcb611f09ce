#include "engine/journeys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "core/template.h"
#include "delivery/webhook_signature.h"
#include "engine/engine_fixture.h"

namespace rivulet::engine {
namespace {

namespace json = boost::json;
using core::StepPhase;
using core::TokenStatus;
using delivery::Outcome;
using testing::Flow;
using FakeHttp = testing::FakeHttpSender;
using testing::kDay;
using testing::kHour;
using testing::kMinute;
using testing::kSecond;

class JourneysTest : public testing::JourneyFixture {};

// ---------------------------------------------------------------------------------------
// CLAB_CAMPAIGN

TEST_F(JourneysTest, EmailRendersContactAndEventDataAndEscapesHtml) {
  Flow f = Launch(R"({"trigger": "order.placed", "steps": [
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Hi {{contact.first_name}}, order {{event.data.total}}",
                              "<p>Hello {{contact.nickname}}</p><p>SKU "
                              "{{event.data.items.0.sku}}</p>") +
                  "}]}");
  core::Contact c = NewContact(
      "ada@example.com", R"({"first_name": "Ada & Co", "nickname": "<script>alert(1)</script>"})");
  SendEvent(c, "order.placed", R"({"total": 42.5, "items": [{"sku": "A-1"}]})");
  Pump();

  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 1u);
  const delivery::EmailMessage& m = sent[0].message;
  EXPECT_EQ(m.to_address, "ada@example.com");
  EXPECT_EQ(m.from_name, "Shop");
  EXPECT_EQ(m.from_address, "news@shop.example");
  // Subjects are plain text: not HTML-escaped.
  EXPECT_EQ(m.subject, "Hi Ada & Co, order 42.5");
  const std::string rendered = "<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p><p>SKU A-1</p>";
  EXPECT_EQ(m.html.substr(0, rendered.size()), rendered) << m.html;
  EXPECT_EQ(m.html.find("<script>"), std::string::npos);
  EXPECT_EQ(m.text, core::HtmlToText(rendered));
  EXPECT_NE(m.text.find("Hello <script>alert(1)</script>"), std::string::npos) << m.text;
  EXPECT_NE(m.text.find("SKU A-1"), std::string::npos) << m.text;
  EXPECT_EQ(m.text.find("<p>"), std::string::npos) << m.text;

  // Delivered with the workspace's SMTP setting at the simulated time.
  EXPECT_EQ(sent[0].settings.url, "smtp://127.0.0.1:1");
  EXPECT_EQ(sent[0].settings.tls, delivery::SmtpSettings::Tls::kNone);
  EXPECT_EQ(sent[0].settings.helo_domain, "shop.example");
  EXPECT_EQ(sent[0].now, clock_.Now());

  core::Token t = TokenOf(f, c);
  EXPECT_EQ(t.status, TokenStatus::kCompleted);
  EXPECT_EQ(t.step_uuid, f.step("mail"));
  auto rows = Messages(t);
  ASSERT_EQ(rows.size(), 1u);
  const core::OutboxMessage& row = rows[0];
  EXPECT_EQ(row.channel, "email");
  EXPECT_EQ(row.status, "sent");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.sent_at, clock_.Now());
  EXPECT_EQ(row.idempotency_key,
            t.uuid + ":" + f.step("mail") + ":0");  // the step's first message for this token
  json::object payload = Obj(row.payload_json);
  EXPECT_EQ(Str(payload.at("subject")), "Hi Ada & Co, order 42.5");
  EXPECT_EQ(m.message_id, row.uuid + "@rivulet");
  EXPECT_EQ(Str(payload.at("message_id")), m.message_id);
  // One-click unsubscribe, signed with the link secret, plus a mailto fallback.
  EXPECT_EQ(m.list_unsubscribe_url, "https://rivulet.test/t/u/" + row.uuid +
                                        "?s=" + journeys_->LinkSignature("u", row.uuid));
  EXPECT_TRUE(
      journeys_->CheckLinkSignature("u", row.uuid, journeys_->LinkSignature("u", row.uuid)));
  // The open pixel is appended to the rendered HTML, signed for this message.
  EXPECT_NE(m.html.find("https://rivulet.test/t/o/" + row.uuid +
                        ".gif?s=" + journeys_->LinkSignature("o", row.uuid)),
            std::string::npos)
      << m.html;
  EXPECT_EQ(m.list_unsubscribe_mailto,
            "mailto:unsubscribe@shop.example?subject=unsubscribe%20" + row.uuid);

  EXPECT_EQ(Counter(f, "", counter::kEntered), 1);
  EXPECT_EQ(Counter(f, "", counter::kCompleted), 1);
  EXPECT_EQ(Counter(f, "", counter::kSent), 1);
  EXPECT_EQ(Counter(f, "", counter::kDelivered), 1);
  EXPECT_EQ(Counter(f, "mail", counter::kEntered), 1);
  EXPECT_EQ(Counter(f, "mail", counter::kSent), 1);
  EXPECT_EQ(Counter(f, "mail", counter::kDelivered), 1);
  EXPECT_EQ(Counter(f, "mail", counter::kCompleted), 1);
  EXPECT_EQ(Counter(f, "mail", counter::kSkipped), 0);
  EXPECT_GT(delivery_wakes_.load(), 0);
}

TEST_F(JourneysTest, EmailUsesWorkspaceSenderAndTemplate) {
  core::Sender sender;
  sender.workspace_id = ws_;
  sender.uuid = core::NewUuidV7(clock_.Now());
  sender.name = "brand";
  sender.from_name = "Brand";
  sender.from_address = "hello@brand.example";
  sender.reply_to = "care@brand.example";
  core::MessageTemplate tpl;
  tpl.workspace_id = ws_;
  tpl.uuid = core::NewUuidV7(clock_.Now());
  tpl.name = "welcome";
  tpl.subject = "Welcome {{contact.first_name}}";
  tpl.html = "<h1>Hi {{contact.first_name}}</h1>";
  tpl.text = "Hi {{contact.first_name}} (text)";
  ASSERT_TRUE(store_
                  ->WriteAndWait([&](store::WriteTxn& txn) -> Status {
                    RIVULET_RETURN_IF_ERROR(txn.InsertSender(sender));
                    return txn.InsertTemplate(tpl);
                  })
                  .ok());
  Flow f = Launch(R"({"steps": [{"id": "mail", "type": "CLAB_CAMPAIGN", "config":
      {"sender_uuid": ")" +
                  sender.uuid + R"(", "template_uuid": ")" + tpl.uuid + R"("}}]})");
  core::Contact c = NewContact("ann@example.com", R"({"first_name": "Ann"})");
  MustEnroll(f, c);
  Pump();
  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.from_name, "Brand");
  EXPECT_EQ(sent[0].message.from_address, "hello@brand.example");
  EXPECT_EQ(sent[0].message.reply_to, "care@brand.example");
  EXPECT_EQ(sent[0].message.subject, "Welcome Ann");
  EXPECT_EQ(sent[0].message.html.rfind("<h1>Hi Ann</h1>", 0), 0u) << sent[0].message.html;
  EXPECT_EQ(sent[0].message.text, "Hi Ann (text)");  // the template's own text wins
}

TEST_F(JourneysTest, EmailLinksBecomeSignedClickLinks) {
  Flow f = Launch(R"({"steps": [{"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Links",
                              "<a href='https://shop.example/p?id={{contact.pid}}&amp;x=1'>"
                              "shop</a> <a href='mailto:care@shop.example'>mail</a>") +
                  "}]}");
  core::Contact c = NewContact("links@example.com", R"({"pid": "42"})");
  core::Token t = MustEnroll(f, c);
  Pump();
  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 1u);
  const std::string& html = sent[0].message.html;
  std::string uuid = Messages(t).at(0).uuid;
  std::string target = "https://shop.example/p?id=42&x=1";
  EXPECT_NE(html.find("href='https://rivulet.test/t/c/" + uuid +
                      "?u=https%3A%2F%2Fshop.example%2Fp%3Fid%3D42%26x%3D1&amp;s=" +
                      journeys_->ClickSignature(uuid, target) + "'"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("href='https://shop.example"), std::string::npos) << html;
  EXPECT_NE(html.find("href='mailto:care@shop.example'"), std::string::npos) << html;
  // The text alternative keeps the real link.
  EXPECT_NE(sent[0].message.text.find(target), std::string::npos) << sent[0].message.text;
}

TEST_F(JourneysTest, EmailIsSkippedForUnsubscribedOrAddresslessContacts) {
  Flow f = Launch(R"({"unsubscribe_group": "news", "steps": [
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Hello", "<p>News</p>") + R"(},
      {"id": "after", "type": "TAG", "config": {"add": ["after-mail"]}}]})");
  core::Contact ok = NewContact("ok@example.com");
  core::Contact off_email = NewContact("off@example.com");
  SetSubscription(off_email, core::Channel::kEmail, std::nullopt, false);
  core::Contact off_group = NewContact("group@example.com");
  SetSubscription(off_group, core::Channel::kEmail, "news", false);
  core::Contact other_group = NewContact("other@example.com");
  SetSubscription(other_group, core::Channel::kEmail, "promotions", false);
  core::Contact no_email = NewContact("", "{}", "+393330000001");
  for (const auto& c : {ok, off_email, off_group, other_group, no_email}) MustEnroll(f, c);
  Pump();

  std::vector<std::string> to;
  for (const auto& s : email_.sent()) to.push_back(s.message.to_address);
  std::sort(to.begin(), to.end());
  EXPECT_EQ(to, (std::vector<std::string>{"ok@example.com", "other@example.com"}));
  for (const auto& c : {off_email, off_group, no_email}) {
    core::Token t = TokenOf(f, c);
    EXPECT_EQ(t.status, TokenStatus::kCompleted) << c.uuid;
    for (const auto& m : Messages(t)) EXPECT_EQ(m.status, "skipped") << c.uuid;
    // A skipped message still moves the token along its default branch.
    EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"after-mail"}));
  }
  EXPECT_EQ(Counter(f, "mail", counter::kSkipped), 3);
  EXPECT_EQ(Counter(f, "mail", counter::kSent), 2);
  EXPECT_EQ(Counter(f, "mail", counter::kCompleted), 5);
  EXPECT_EQ(Counter(f, "", counter::kCompleted), 5);
}

TEST_F(JourneysTest, UnsubscribeLinkStopsLaterEmailsOfTheAutomation) {
  Flow f = Launch(R"({"unsubscribe_group": "news", "steps": [
      {"id": "first", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("First", "<p>1</p>") + R"(},
      {"id": "wait", "type": "WAIT", "config": {"delay_seconds": 86400}},
      {"id": "second", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Second", "<p>2</p>") + R"(}]})");
  core::Contact leaver = NewContact("leaver@example.com");
  core::Contact stayer = NewContact("stayer@example.com");
  core::Token tl = MustEnroll(f, leaver);
  MustEnroll(f, stayer);
  Pump();
  ASSERT_EQ(email_.sent().size(), 2u);

  std::string first_uuid = Messages(tl).at(0).uuid;
  ASSERT_TRUE(
      store_
          ->WriteAndWait([&](store::WriteTxn& txn) -> Status {
            Effects effects;
            RIVULET_RETURN_IF_ERROR(journeys_->RecordMessageEvent(
                txn, first_uuid, Journeys::MessageEvent::kUnsubscribed, clock_.Now(), effects));
            return effects.Flush(txn);
          })
          .ok());
  EXPECT_FALSE(IsSubscribed(Reload(leaver), core::Channel::kEmail));
  AdvanceAndPump(kDay);

  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2].message.to_address, "stayer@example.com");
  EXPECT_EQ(Reload(tl).status, TokenStatus::kCompleted);
  EXPECT_EQ(Counter(f, "second", counter::kSkipped), 1);
  EXPECT_EQ(Counter(f, "first", counter::kUnsubscribes), 1);
  EXPECT_EQ(Counter(f, "", counter::kUnsubscribes), 1);
}

// The node's channel switches (Contactflow emailActive / smsActive): a switched-off channel
// sends nothing, whether it was off when the step ran or went off before the delivery.
TEST_F(JourneysTest, SwitchedOffChannelsSkipTheirMessages) {
  Flow f = Launch(R"({"steps": [
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Hello", "<p>Hi</p>") + R"(},
      {"id": "sms", "type": "CLAB_CAMPAIGN_SMS", "config": {"text": "Hi"}},
      {"id": "after", "type": "TAG", "config": {"add": ["after"]}}]})");
  auto set_flags = [&](const std::string& settings_json) {
    ASSERT_TRUE(store_
                    ->WriteAndWait([&](store::WriteTxn& txn) -> Status {
                      RIVULET_ASSIGN_OR_RETURN(core::Workspace ws, txn.FindWorkspaceById(ws_));
                      ws.settings_json = settings_json;
                      return txn.UpdateWorkspace(ws);
                    })
                    .ok());
  };
  set_flags(R"({"emailActive": false, "smsActive": true})");
  core::Contact first = NewContact("first@example.com", "{}", "+393330000011");
  core::Token t1 = MustEnroll(f, first);
  Pump();
  EXPECT_TRUE(email_.sent().empty());
  EXPECT_EQ(http_.sent().size(), 1u);  // the SMS
  EXPECT_EQ(Reload(t1).status, TokenStatus::kCompleted);
  EXPECT_EQ(TagsOf(Reload(first)), (std::vector<std::string>{"after"}));
  EXPECT_EQ(Counter(f, "mail", counter::kSkipped), 1);
  EXPECT_EQ(Counter(f, "mail", counter::kCompleted), 1);

  // E-mail on, SMS off after the SMS was queued: it is not sent either.
  set_flags(R"({"emailActive": true, "smsActive": true})");
  core::Contact second = NewContact("second@example.com", "{}", "+393330000012");
  core::Token t2 = MustEnroll(f, second);
  ASSERT_TRUE(scheduler_->RunDueNow().ok());
  ASSERT_TRUE(outbox_->DeliverDueNow().ok());  // the e-mail goes; the SMS is queued next
  ASSERT_TRUE(scheduler_->RunDueNow().ok());
  set_flags(R"({"smsActive": false})");
  Pump();
  ASSERT_EQ(email_.sent().size(), 1u);
  EXPECT_EQ(email_.sent()[0].message.to_address, "second@example.com");
  EXPECT_EQ(http_.sent().size(), 1u);
  auto rows = Messages(t2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].channel, "sms");
  EXPECT_EQ(rows[1].status, "skipped");
  EXPECT_EQ(Reload(t2).status, TokenStatus::kCompleted);
  EXPECT_EQ(Counter(f, "sms", counter::kSkipped), 1);
}

// ---------------------------------------------------------------------------------------
// CLAB_CAMPAIGN_SMS

TEST_F(JourneysTest, SmsGoesThroughTheWorkspaceGateway) {
  Flow f = Launch(R"({"steps": [{"id": "sms", "type": "CLAB_CAMPAIGN_SMS",
      "config": {"text": "Hi {{contact.first_name}}, code {{run.data.code}} & more"}}]})");
  core::Contact c = NewContact("sms@example.com", R"({"first_name": "Bea"})", "+393331234567");
  core::Contact no_phone = NewContact("nophone@example.com");
  core::Contact opted_out = NewContact("optout@example.com", "{}", "+393339999999");
  SetSubscription(opted_out, core::Channel::kSms, std::nullopt, false);
  MustEnroll(f, c, R"({"code": "X1"})");
  MustEnroll(f, no_phone, R"({"code": "X2"})");
  MustEnroll(f, opted_out, R"({"code": "X3"})");
  Pump();

  EXPECT_TRUE(email_.sent().empty());
  auto reqs = http_.sent();
  ASSERT_EQ(reqs.size(), 1u);
  const delivery::HttpRequest& r = reqs[0];
  EXPECT_EQ(r.url, testing::kSmsGatewayUrl);
  EXPECT_EQ(r.method, "POST");
  core::Token t = TokenOf(f, c);
  auto rows = Messages(t);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].channel, "sms");
  EXPECT_EQ(rows[0].status, "sent");
  EXPECT_EQ(Json(r.body), Json(R"({"to": "+393331234567", "text": "Hi Bea, code X1 & more",
                                    "message_id": ")" +
                               rows[0].uuid + R"("})"));
  EXPECT_EQ(FakeHttp::Header(r, "Authorization"), "Bearer sms-key");
  EXPECT_EQ(FakeHttp::Header(r, "Content-Type"), "application/json");
  EXPECT_EQ(FakeHttp::Header(r, "Idempotency-Key"), rows[0].idempotency_key);
  EXPECT_EQ(t.status, TokenStatus::kCompleted);

  core::Token skipped = TokenOf(f, no_phone);
  EXPECT_EQ(skipped.status, TokenStatus::kCompleted);
  EXPECT_EQ(TokenOf(f, opted_out).status, TokenStatus::kCompleted);
  EXPECT_EQ(Counter(f, "sms", counter::kSkipped), 2);
  EXPECT_EQ(Counter(f, "sms", counter::kSent), 1);
}

// ---------------------------------------------------------------------------------------
// WEBHOOK

TEST_F(JourneysTest, WebhookSendsDefaultJsonBodyAndIdempotencyKey) {
  Flow f = Launch(R"({"steps": [
      {"id": "hook", "type": "WEBHOOK",
       "config": {"url": "https://hooks.test/a", "headers": {"X-Api-Key": "k1"}}},
      {"id": "done", "type": "TAG", "config": {"add": ["hooked"]}}]})");
  core::Contact c = NewContact("hook@example.com", R"({"first_name": "Cy", "plan": "pro"})");
  core::Token enrolled = MustEnroll(f, c, R"({"coupon": "C-1"})");
  Pump();

  auto reqs = http_.sent();
  ASSERT_EQ(reqs.size(), 1u);
  const delivery::HttpRequest& r = reqs[0];
  EXPECT_EQ(r.url, "https://hooks.test/a");
  EXPECT_EQ(r.method, "POST");
  json::object body = Obj(r.body);
  EXPECT_EQ(Str(body.at("automation").at("uuid")), f.uuid());
  EXPECT_EQ(Str(body.at("token").at("uuid")), enrolled.uuid);
  EXPECT_EQ(Str(body.at("contact").at("email")), "hook@example.com");
  EXPECT_EQ(Str(body.at("contact").at("uuid")), c.uuid);
  EXPECT_EQ(Str(body.at("contact").at("attributes").at("plan")), "pro");
  EXPECT_EQ(Str(body.at("run").at("data").at("coupon")), "C-1");
  EXPECT_EQ(Str(body.at("step")), f.step("hook"));
  EXPECT_EQ(FakeHttp::Header(r, "X-Api-Key"), "k1");
  EXPECT_EQ(FakeHttp::Header(r, "Content-Type"), "application/json");
  EXPECT_TRUE(r.signing_secret.empty());
  core::Token t = Reload(enrolled);
  auto rows = Messages(t);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(FakeHttp::Header(r, "Idempotency-Key"), rows[0].idempotency_key);
  EXPECT_EQ(rows[0].status, "sent");

  // Success follows the default branch.
  EXPECT_EQ(t.status, TokenStatus::kCompleted);
  EXPECT_EQ(t.step_uuid, f.step("done"));
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"hooked"}));
  EXPECT_EQ(Counter(f, "hook", counter::kDelivered), 1);
}

TEST_F(JourneysTest, WebhookRendersCustomBodyAndSignsIt) {
  AddSetting("WEBHOOK_SIGNING", R"({"secret": "whsec-test"})");
  Flow f = Launch(R"({"steps": [{"id": "hook", "type": "WEBHOOK", "config": {
      "url": "https://hooks.test/b", "headers": {"Content-Type": "application/vnd.shop+json"},
      "body": "{\"email\":\"{{contact.email}}\",\"coupon\":\"{{run.data.coupon}}\",\"name\":\"{{contact.name}}\"}"}}]})");
  core::Contact c = NewContact("sig@example.com", R"({"name": "Dee & <Co>"})");
  MustEnroll(f, c, R"({"coupon": "SAVE10"})");
  Pump();

  auto reqs = http_.sent();
  ASSERT_EQ(reqs.size(), 1u);
  const delivery::HttpRequest& r = reqs[0];
  // Webhook bodies are not HTML-escaped.
  EXPECT_EQ(r.body, R"({"email":"sig@example.com","coupon":"SAVE10","name":"Dee & <Co>"})");
  // The sender signs as the transfer starts (http_sender_test checks the header).
  EXPECT_EQ(r.signing_secret, "whsec-test");
  // The step's own Content-Type is kept, not doubled.
  int content_types = 0;
  for (const auto& [k, v] : r.headers) content_types += k == "Content-Type";
  EXPECT_EQ(content_types, 1);
  EXPECT_EQ(FakeHttp::Header(r, "Content-Type"), "application/vnd.shop+json");
}

TEST_F(JourneysTest, WebhookPermanentFailureFollowsTheErrorBranch) {
  Flow f = Launch(R"({"steps": [
      {"id": "hook", "type": "WEBHOOK", "config": {"url": "https://hooks.test/c"}},
      {"id": "ok", "type": "TAG", "config": {"add": ["hooked"]}},
      {"id": "failed", "type": "TAG", "config": {"add": ["hook-failed"]}}],
      "connections": [["hook", "ok"], ["hook", "failed", "error"]]})");
  http_.Script("https://hooks.test/c", {Outcome::Permanent(400, "bad request")});
  core::Contact c = NewContact("e@example.com");
  core::Token t = MustEnroll(f, c);
  Pump();

  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kCompleted);
  EXPECT_EQ(t.step_uuid, f.step("failed"));
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"hook-failed"}));
  auto rows = Messages(t);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, "failed");
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_EQ(rows[0].last_error, "400 bad request");
  EXPECT_EQ(http_.sent().size(), 1u);  // permanent: no retry
  EXPECT_EQ(Counter(f, "hook", counter::kFailed), 1);
  EXPECT_EQ(Counter(f, "hook", counter::kDelivered), 0);
  EXPECT_EQ(Counter(f, "", counter::kErrors), 0);
  EXPECT_EQ(Counter(f, "", counter::kCompleted), 1);
}

TEST_F(JourneysTest, WebhookPermanentFailureWithoutErrorBranchEndsTheTokenInError) {
  Flow f = Launch(R"({"steps": [
      {"id": "hook", "type": "WEBHOOK", "config": {"url": "https://hooks.test/d"}},
      {"id": "ok", "type": "TAG", "config": {"add": ["hooked"]}}]})");
  http_.Script("https://hooks.test/d", {Outcome::Permanent(410, "gone")});
  core::Contact c = NewContact("f@example.com");
  core::Token t = MustEnroll(f, c);
  Pump();

  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kError);
  EXPECT_EQ(t.step_uuid, f.step("hook"));
  EXPECT_EQ(t.error_message, "410 gone");
  EXPECT_EQ(t.error_at, clock_.Now());
  EXPECT_FALSE(t.wake_at.has_value());
  EXPECT_TRUE(TagsOf(Reload(c)).empty());
  EXPECT_EQ(Counter(f, "", counter::kErrors), 1);
  EXPECT_EQ(Counter(f, "", counter::kCompleted), 0);
  EXPECT_EQ(Counter(f, "hook", counter::kFailed), 1);
}

// ---------------------------------------------------------------------------------------
// TAG, NO_ACTION

TEST_F(JourneysTest, TagAddsAndRemovesTagsAndSetsAttributes) {
  Flow f = Launch(R"({"steps": [{"id": "tag", "type": "TAG", "config": {
      "add": ["new", "vip"], "remove": ["old", "absent"],
      "set_attributes": {"plan": "pro", "score": 7, "gone": null}}}]})");
  engine::ContactInput in;
  in.email = "tag@example.com";
  in.attributes_json = R"({"plan": "free", "keep": 1, "gone": "x"})";
  in.tags = std::vector<std::string>{"old", "keep"};
  core::Contact c = NewContact(in);
  size_t events_before = EventsOf(c).size();
  MustEnroll(f, c);
  Pump();

  core::Contact after = Reload(c);
  EXPECT_EQ(TagsOf(after), (std::vector<std::string>{"keep", "new", "vip"}));
  EXPECT_EQ(Json(after.attributes_json), Json(R"({"plan": "pro", "keep": 1, "score": 7})"));
  EXPECT_EQ(after.updated_at, clock_.Now());
  // TAG steps emit no contact_updated event (automations cannot trigger each other forever).
  EXPECT_EQ(EventsOf(c).size(), events_before);
  EXPECT_EQ(TokenOf(f, c).status, TokenStatus::kCompleted);
  EXPECT_EQ(Counter(f, "tag", counter::kCompleted), 1);
}

TEST_F(JourneysTest, NoActionPassesThroughToTheNextStep) {
  Flow f = Launch(R"({"steps": [{"id": "noop", "type": "NO_ACTION"},
      {"id": "tag", "type": "TAG", "config": {"add": ["after-noop"]}}]})");
  core::Contact c = NewContact("noop@example.com");
  MustEnroll(f, c);
  Pump();
  core::Token t = TokenOf(f, c);
  EXPECT_EQ(t.status, TokenStatus::kCompleted);
  EXPECT_EQ(t.step_uuid, f.step("tag"));
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"after-noop"}));
  EXPECT_EQ(Counter(f, "noop", counter::kEntered), 1);
  EXPECT_EQ(Counter(f, "noop", counter::kCompleted), 1);
  EXPECT_EQ(Counter(f, "tag", counter::kEntered), 1);
  EXPECT_EQ(Counter(f, "", counter::kCompleted), 1);
}

// ---------------------------------------------------------------------------------------
// WAIT_AND_CHECK

TEST_F(JourneysTest, WaitAndCheckEvaluatesTheConditionWhenTheWaitEnds) {
  Flow f = Launch(R"({"steps": [
      {"id": "check", "type": "WAIT_AND_CHECK", "config": {"delay_seconds": 3600,
        "condition": {"field": "contact.attributes.plan", "op": "eq", "value": "pro"}}},
      {"id": "yes", "type": "TAG", "config": {"add": ["is-pro"]}},
      {"id": "no", "type": "TAG", "config": {"add": ["not-pro"]}}],
      "connections": [["check", "yes", "yes"], ["check", "no", "no"]]})");
  core::Contact upgrader = NewContact("up@example.com", R"({"plan": "free"})");
  core::Contact stayer = NewContact("stay@example.com", R"({"plan": "free"})");
  core::Token t1 = MustEnroll(f, upgrader);
  core::Token t2 = MustEnroll(f, stayer);
  core::Millis start = clock_.Now();
  Pump();
  t1 = Reload(t1);
  EXPECT_EQ(t1.phase, StepPhase::kWaiting);
  EXPECT_EQ(t1.wake_at, start + kHour);

  // The condition sees the contact as it is when the wait ends.
  engine::ContactInput up;
  up.attributes_json = R"({"plan": "pro"})";
  UpdateContact(upgrader, up);
  AdvanceAndPump(kHour);

  t1 = Reload(t1);
  t2 = Reload(t2);
  EXPECT_EQ(t1.status, TokenStatus::kCompleted);
  EXPECT_EQ(t1.step_uuid, f.step("yes"));
  EXPECT_EQ(t2.status, TokenStatus::kCompleted);
  EXPECT_EQ(t2.step_uuid, f.step("no"));
  EXPECT_EQ(TagsOf(Reload(upgrader)), (std::vector<std::string>{"is-pro"}));
  EXPECT_EQ(TagsOf(Reload(stayer)), (std::vector<std::string>{"not-pro"}));
  EXPECT_EQ(Counter(f, "check", counter::kCompleted), 2);
  EXPECT_EQ(Counter(f, "yes", counter::kEntered), 1);
  EXPECT_EQ(Counter(f, "no", counter::kEntered), 1);
}

TEST_F(JourneysTest, WaitAndCheckSeesWhetherAnEarlierEmailWasOpened) {
  Flow f = Launch(R"({"steps": [
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("First", "<p>first</p>") + R"(},
      {"id": "check", "type": "WAIT_AND_CHECK", "config": {"delay_seconds": 86400,
        "condition": {"field": "messages.${mail}.opened", "op": "eq", "value": true}}},
      {"id": "opened", "type": "TAG", "config": {"add": ["opened"]}},
      {"id": "reminder", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Reminder", "<p>second</p>") + R"(}],
      "connections": [["mail", "check"], ["check", "opened", "yes"],
                      ["check", "reminder", "no"]]})");
  core::Contact reader = NewContact("reader@example.com");
  core::Contact ignorer = NewContact("ignorer@example.com");
  core::Token tr = MustEnroll(f, reader);
  core::Token ti = MustEnroll(f, ignorer);
  Pump();
  ASSERT_EQ(email_.sent().size(), 2u);
  EXPECT_EQ(Reload(tr).step_uuid, f.step("check"));
  EXPECT_EQ(Reload(tr).phase, StepPhase::kWaiting);

  // The open pixel fires for the reader's message.
  auto rows = Messages(tr);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_TRUE(store_
                  ->WriteAndWait([&](store::WriteTxn& txn) -> Status {
                    RIVULET_ASSIGN_OR_RETURN(core::OutboxMessage m,
                                             txn.FindOutboxMessage(rows[0].uuid));
                    m.opened_at = clock_.Now() + kHour;
                    m.open_count = 1;
                    return txn.UpdateOutboxMessage(m);
                  })
                  .ok());
  AdvanceAndPump(kDay);

  tr = Reload(tr);
  ti = Reload(ti);
  EXPECT_EQ(tr.status, TokenStatus::kCompleted);
  EXPECT_EQ(tr.step_uuid, f.step("opened"));
  EXPECT_EQ(TagsOf(Reload(reader)), (std::vector<std::string>{"opened"}));
  EXPECT_EQ(ti.status, TokenStatus::kCompleted);
  EXPECT_EQ(ti.step_uuid, f.step("reminder"));
  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2].message.to_address, "ignorer@example.com");
  EXPECT_EQ(sent[2].message.subject, "Reminder");
  EXPECT_EQ(Counter(f, "reminder", counter::kSent), 1);
}

TEST_F(JourneysTest, ReenteringAnEmailStepInTheSameMillisecondSendsASecondMessage) {
  // start → mail → check (no delay) —yes→ untag → mail again; the loop runs within one
  // millisecond of simulated time.
  Flow f = Launch(R"({"steps": [
      {"id": "start", "type": "NO_ACTION"},
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Loop", "<p>x</p>") + R"(},
      {"id": "check", "type": "WAIT_AND_CHECK", "config": {"delay_seconds": 0,
        "condition": {"field": "contact.tags", "op": "contains", "value": "again"}}},
      {"id": "untag", "type": "TAG", "config": {"remove": ["again"]}}],
      "connections": [["start", "mail"], ["mail", "check"], ["check", "untag", "yes"],
                      ["untag", "mail"]]})");
  engine::ContactInput in;
  in.email = "loop@example.com";
  in.tags = std::vector<std::string>{"again"};
  core::Contact c = NewContact(in);
  core::Token t = MustEnroll(f, c);
  Pump();

  t = Reload(t);
  EXPECT_EQ(email_.sent().size(), 2u);
  EXPECT_EQ(Messages(t).size(), 2u);
  EXPECT_EQ(t.status, TokenStatus::kCompleted)
      << "phase " << core::StepPhaseName(t.phase) << " at step "
      << (t.step_uuid == f.step("mail") ? "mail" : t.step_uuid);
  EXPECT_EQ(Counter(f, "mail", counter::kEntered), 2);
}

// ---------------------------------------------------------------------------------------
// WAIT_FOR_TRIGGER

constexpr const char* kWaitForPurchase = R"({"steps": [
    {"id": "wait", "type": "WAIT_FOR_TRIGGER", "config": {"event_type": "purchase",
      "condition": {"field": "event.data.amount", "op": "gt", "value": 10},
      "timeout_seconds": 3600}},
    {"id": "bought", "type": "WEBHOOK",
     "config": {"url": "https://hooks.test/bought", "body": "amount={{event.data.amount}}"}},
    {"id": "timeout", "type": "TAG", "config": {"add": ["no-purchase"]}}],
    "connections": [["wait", "bought", "triggered"], ["wait", "timeout", "timeout"]]})";

TEST_F(JourneysTest, WaitForTriggerIsWokenByAMatchingEventOfTheSameContact) {
  Flow f = Launch(kWaitForPurchase);
  core::Contact buyer = NewContact("buyer@example.com");
  core::Contact other = NewContact("other@example.com");
  core::Token t = MustEnroll(f, buyer);
  core::Millis start = clock_.Now();
  Pump();
  t = Reload(t);
  EXPECT_EQ(t.phase, StepPhase::kWaiting);
  EXPECT_EQ(t.waiting_event, "purchase");
  EXPECT_EQ(t.wake_at, start + kHour);

  // Another contact's purchase, a purchase failing the condition, another event type: nothing.
  AdvanceAndPump(10 * kMinute);
  SendEvent(other, "purchase", R"({"amount": 50})");
  SendEvent(buyer, "purchase", R"({"amount": 5})");
  SendEvent(buyer, "refund", R"({"amount": 50})");
  Pump();
  t = Reload(t);
  EXPECT_EQ(t.phase, StepPhase::kWaiting);
  EXPECT_EQ(t.step_uuid, f.step("wait"));
  EXPECT_EQ(t.wake_at, start + kHour);
  EXPECT_TRUE(http_.sent().empty());

  SendEvent(buyer, "purchase", R"({"amount": 20})");
  Pump();
  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kCompleted);
  EXPECT_EQ(t.step_uuid, f.step("bought"));
  // The trigger's event is the token's event for the steps that follow.
  auto reqs = http_.SentTo("https://hooks.test/bought");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].body, "amount=20");
  EXPECT_EQ(Str(Json(t.event_json).at("type")), "purchase");
  EXPECT_TRUE(TagsOf(Reload(buyer)).empty());
  EXPECT_EQ(Counter(f, "wait", counter::kCompleted), 1);
  EXPECT_EQ(Counter(f, "bought", counter::kEntered), 1);
  EXPECT_EQ(Counter(f, "timeout", counter::kEntered), 0);
}

TEST_F(JourneysTest, WaitForTriggerTimesOut) {
  Flow f = Launch(kWaitForPurchase);
  core::Contact c = NewContact("slow@example.com");
  core::Token t = MustEnroll(f, c);
  Pump();
  AdvanceAndPump(kHour - 1);
  EXPECT_EQ(Reload(t).phase, StepPhase::kWaiting);
  AdvanceAndPump(1);
  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kCompleted);
  EXPECT_EQ(t.step_uuid, f.step("timeout"));
  EXPECT_TRUE(t.waiting_event.empty());
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"no-purchase"}));

  // A late purchase no longer does anything.
  SendEvent(c, "purchase", R"({"amount": 99})");
  Pump();
  EXPECT_TRUE(http_.sent().empty());
  EXPECT_EQ(Reload(t).step_uuid, f.step("timeout"));
}

TEST_F(JourneysTest, WaitForTriggerEventAfterTheTimeoutDoesNotTrigger) {
  Flow f = Launch(kWaitForPurchase);
  core::Contact c = NewContact("late-buyer@example.com");
  core::Token t = MustEnroll(f, c);
  Pump();
  // The timeout passes; the event comes before the scheduler gets round to the token.
  clock_.Advance(kHour + kMinute);
  SendEvent(c, "purchase", R"({"amount": 50})");
  Pump();
  t = Reload(t);
  EXPECT_EQ(t.step_uuid, f.step("timeout"));
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"no-purchase"}));
  EXPECT_TRUE(http_.SentTo("https://hooks.test/bought").empty());
}

// ---------------------------------------------------------------------------------------
// AB_TEST

TEST_F(JourneysTest, AbTestSplitsDeterministicallyByWeight) {
  Flow f = Launch(R"({"steps": [
      {"id": "ab", "type": "AB_TEST", "config": {"variants": [
        {"name": "A", "weight": 70}, {"name": "B", "weight": 30}]}},
      {"id": "a", "type": "WAIT", "config": {"delay_seconds": 3600}},
      {"id": "b", "type": "WAIT", "config": {"delay_seconds": 3600}}],
      "connections": [["ab", "a", "variant:A"], ["ab", "b", "variant:B"]]})");
  constexpr int kTokens = 1000;
  std::vector<ContactInput> many;
  for (int i = 0; i < kTokens; ++i) {
    ContactInput in;
    in.email = "ab" + std::to_string(i) + "@example.com";
    many.push_back(in);
  }
  auto enrolled = testing::Await<std::vector<Automations::EnrollResult>>(
      [&](Callback<std::vector<Automations::EnrollResult>> done) {
        automations_->EnrollMany(ws_, f.uuid(), many, EnrollOptions{}, std::move(done));
      });
  ASSERT_TRUE(enrolled.ok()) << enrolled.status().ToString();
  Pump();

  std::map<std::string, int> by_step;
  auto tokens = Tokens(f);
  ASSERT_EQ(tokens.size(), static_cast<size_t>(kTokens));
  for (const auto& t : tokens) {
    EXPECT_EQ(t.phase, StepPhase::kWaiting);
    by_step[t.step_uuid]++;
  }
  int a = by_step[f.step("a")], b = by_step[f.step("b")];
  EXPECT_EQ(a + b, kTokens);
  EXPECT_NEAR(a, 700, 60);  // ±4 standard deviations
  EXPECT_EQ(Counter(f, "ab", "variant:A"), a);
  EXPECT_EQ(Counter(f, "ab", "variant:B"), b);
  EXPECT_EQ(Counter(f, "a", counter::kEntered), a);
  EXPECT_EQ(Counter(f, "b", counter::kEntered), b);
  EXPECT_EQ(Counter(f, "ab", counter::kCompleted), kTokens);

  // The same token at the same step always takes the same variant: replay the AB step for a
  // sample of tokens inside write jobs that roll back.
  core::Automation automation = Reload(f);
  for (int i = 0; i < 30; ++i) {
    const core::Token& stored = tokens[i];
    for (int replay = 0; replay < 3; ++replay) {
      std::string chosen;
      Status st = store_->WriteAndWait([&](store::WriteTxn& txn) -> Status {
        core::Token t = stored;
        t.step_uuid = f.step("ab");
        t.phase = StepPhase::kEnter;
        t.wake_at = clock_.Now();
        Effects effects;
        RIVULET_RETURN_IF_ERROR(journeys_->Advance(txn, automation, t, clock_.Now(), effects));
        chosen = t.step_uuid;
        return core::FailedPrecondition("roll back the replay");
      });
      EXPECT_EQ(st.code(), core::Code::kFailedPrecondition);
      EXPECT_EQ(chosen, stored.step_uuid) << "token " << stored.uuid << " replay " << replay;
    }
  }
  EXPECT_EQ(Counter(f, "ab", "variant:A"), a);  // replays rolled back
}

// ---------------------------------------------------------------------------------------
// ISSUE_CREDITS

TEST_F(JourneysTest, IssueCreditsAddsCreditsAndTriggersOtherAutomations) {
  Flow loyalty = Launch(R"({"name": "loyalty", "steps": [
      {"id": "credits", "type": "ISSUE_CREDITS", "config": {"credits": 10}}]})");
  Flow follow =
      Launch(R"({"name": "follow-up", "triggers": [{"event_type": "credit_reception_created",
      "condition": {"field": "event.data.credits", "op": "gte", "value": 10}}],
      "steps": [
      {"id": "tag", "type": "TAG", "config": {"add": ["credited"]}},
      {"id": "hook", "type": "WEBHOOK",
       "config": {"url": "https://hooks.test/credits", "body": "balance={{event.data.balance}}"}}]})");
  core::Contact c = NewContact("loyal@example.com", R"({"credits": 5})");
  core::Token t = MustEnroll(loyalty, c);
  Pump();

  core::Contact after = Reload(c);
  EXPECT_EQ(Str(Json(after.attributes_json).at("credits")), "15");
  EXPECT_EQ(Reload(t).status, TokenStatus::kCompleted);
  std::vector<core::Event> credit_events;
  for (const auto& e : EventsOf(c)) {
    if (e.type == "credit_reception_created") credit_events.push_back(e);
  }
  ASSERT_EQ(credit_events.size(), 1u);
  json::value data = Json(credit_events[0].data_json);
  EXPECT_EQ(Str(data.at("credits")), "10");
  EXPECT_EQ(Str(data.at("balance")), "15");
  EXPECT_EQ(Str(data.at("automation_uuid")), loyalty.uuid());
  EXPECT_EQ(Str(data.at("token_uuid")), t.uuid);

  core::Token other = TokenOf(follow, c);
  EXPECT_EQ(other.status, TokenStatus::kCompleted);
  EXPECT_EQ(Str(Json(other.event_json).at("type")), "credit_reception_created");
  EXPECT_EQ(TagsOf(after), (std::vector<std::string>{"credited"}));
  auto reqs = http_.SentTo("https://hooks.test/credits");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].body, "balance=15");
  EXPECT_EQ(Counter(follow, "", counter::kEntered), 1);
}

// ---------------------------------------------------------------------------------------
// Enrollment by trigger

TEST_F(JourneysTest, TriggerEventEnrollsOnlyWhenItsConditionHolds) {
  Flow f = Launch(R"({"triggers": [{"event_type": "order.placed",
      "condition": {"field": "event.data.total", "op": "gte", "value": 100}}],
      "steps": [{"id": "tag", "type": "TAG", "config": {"add": ["big-spender"]}}]})");
  Flow draft = Create(R"({"trigger": "order.placed",
      "steps": [{"id": "tag", "type": "TAG", "config": {"add": ["draft"]}}]})");
  core::Contact c = NewContact("orders@example.com");
  SendEvent(c, "order.placed", R"({"total": 50})");
  SendEvent(c, "order.cancelled", R"({"total": 500})");
  Pump();
  EXPECT_TRUE(Tokens(f).empty());
  EXPECT_TRUE(Tokens(draft).empty());

  {
    std::lock_guard lock(hooks_mu_);
    scheduler_wakes_.clear();
  }
  core::Event e = SendEvent(c, "order.placed", R"({"total": 150})");
  {
    std::lock_guard lock(hooks_mu_);
    EXPECT_EQ(scheduler_wakes_, (std::vector<core::Millis>{clock_.Now()}));
  }
  Pump();
  core::Token t = TokenOf(f, c);
  EXPECT_EQ(t.status, TokenStatus::kCompleted);
  json::value ev = Json(t.event_json);
  EXPECT_EQ(Str(ev.at("type")), "order.placed");
  EXPECT_EQ(Str(ev.at("uuid")), e.uuid);
  EXPECT_EQ(Str(ev.at("data").at("total")), "150");
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"big-spender"}));
  EXPECT_TRUE(Tokens(draft).empty());
  EXPECT_EQ(Counter(f, "", counter::kEntered), 1);
}

TEST_F(JourneysTest, ContactCreatedTriggersAWelcomeJourney) {
  Flow f = Launch(R"({"trigger": "contact_created", "steps": [
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Welcome {{contact.first_name}}", "<p>hi</p>") + R"(}]})");
  core::Contact c = NewContact("welcome@example.com", R"({"first_name": "Eve"})");
  Pump();
  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.subject, "Welcome Eve");
  EXPECT_EQ(Str(Json(TokenOf(f, c).event_json).at("type")), "contact_created");
}

TEST_F(JourneysTest, DuplicateEventByIdempotencyKeyEnrollsOnce) {
  Flow f = Launch(R"({"trigger": "order.placed",
      "steps": [{"id": "tag", "type": "TAG", "config": {"add": ["ordered"]}}]})");
  core::Contact c = NewContact("dup@example.com");
  for (int i = 0; i < 2; ++i) {
    EventInput in;
    in.type = "order.placed";
    in.contact.uuid = c.uuid;
    in.idempotency_key = "order-17";
    auto r =
        testing::Await<std::vector<IngestedEvent>>([&](Callback<std::vector<IngestedEvent>> done) {
          events_->Ingest(ws_, {in}, std::move(done));
        });
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->front().duplicate, i == 1);
  }
  Pump();
  EXPECT_EQ(Tokens(f).size(), 1u);
  EXPECT_EQ(Counter(f, "", counter::kEntered), 1);
}

// ---------------------------------------------------------------------------------------
// Delivery retries

class OutboxDeliveryTest : public testing::JourneyFixture {};

TEST_F(OutboxDeliveryTest, RetryableOutcomeReschedulesWithBackoffAndKeepsTheMessageId) {
  Flow f = Launch(R"({"steps": [
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Retry me", "<p>x</p>") + R"(},
      {"id": "after", "type": "TAG", "config": {"add": ["mailed"]}}]})");
  email_.Script({Outcome::Retryable(451, "try later"), Outcome::Retryable(451, "try later"),
                 Outcome::Retryable(421, "busy")});
  core::Contact c = NewContact("retry@example.com");
  core::Token t = MustEnroll(f, c);
  Pump();

  core::Millis previous_attempt_at = 0;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto rows = Messages(t);
    ASSERT_EQ(rows.size(), 1u);
    const core::OutboxMessage& m = rows[0];
    EXPECT_EQ(m.status, "pending");
    EXPECT_EQ(m.attempts, attempt);
    EXPECT_EQ(m.last_error, attempt == 3 ? "421 busy" : "451 try later");
    core::Millis delay = config_.first_retry_delay << (attempt - 1);
    core::Millis waited = m.next_attempt_at - clock_.Now();
    EXPECT_GE(waited, delay / 2) << "attempt " << attempt;
    EXPECT_LE(waited, delay * 3 / 2) << "attempt " << attempt;
    EXPECT_GT(m.next_attempt_at, previous_attempt_at);
    previous_attempt_at = m.next_attempt_at;
    core::Token now = Reload(t);
    EXPECT_EQ(now.phase, StepPhase::kDelivery);
    EXPECT_EQ(now.status, TokenStatus::kActive);

    // Not before its time.
    clock_.Set(m.next_attempt_at - 1);
    auto early = outbox_->DeliverDueNow();
    ASSERT_TRUE(early.ok());
    EXPECT_EQ(*early, 0);
    AdvanceAndPump(1);
  }

  auto rows = Messages(t);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, "sent");
  EXPECT_EQ(rows[0].attempts, 4);
  EXPECT_EQ(rows[0].last_error, "");
  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 4u);
  for (const auto& s : sent) EXPECT_EQ(s.message.message_id, rows[0].uuid + "@rivulet");
  EXPECT_EQ(Reload(t).status, TokenStatus::kCompleted);
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"mailed"}));
  EXPECT_EQ(Counter(f, "mail", counter::kSent), 1);
  EXPECT_EQ(Counter(f, "mail", counter::kDelivered), 1);
  EXPECT_EQ(Counter(f, "mail", counter::kFailed), 0);
  EXPECT_EQ(outbox_->retried(), 3u);
  EXPECT_EQ(outbox_->delivered(), 1u);
}

TEST_F(OutboxDeliveryTest, BackoffIsCappedAtTheMaximumDelay) {
  config_.first_retry_delay = 60'000;
  config_.max_retry_delay = 100'000;
  Restart();
  Flow f = Launch(R"({"steps": [{"id": "hook", "type": "WEBHOOK",
      "config": {"url": "https://hooks.test/cap"}}]})");
  http_.Script(
      "https://hooks.test/cap",
      {Outcome::Retryable(503, "a"), Outcome::Retryable(503, "b"), Outcome::Retryable(503, "c")});
  core::Token t = MustEnroll(f, NewContact("cap@example.com"));
  Pump();
  for (int attempt = 1; attempt <= 3; ++attempt) {
    core::OutboxMessage m = Messages(t).at(0);
    core::Millis delay = std::min<core::Millis>(60'000LL << (attempt - 1), 100'000);
    core::Millis waited = m.next_attempt_at - clock_.Now();
    EXPECT_GE(waited, delay / 2) << attempt;
    EXPECT_LE(waited, delay * 3 / 2) << attempt;
    clock_.Set(m.next_attempt_at);
    Pump();
  }
  EXPECT_EQ(Messages(t).at(0).status, "sent");
}

TEST_F(OutboxDeliveryTest, ExhaustedRetriesFollowTheErrorBranchWithOneIdempotencyKey) {
  config_.max_delivery_attempts = 3;
  Restart();
  Flow f = Launch(R"({"steps": [
      {"id": "hook", "type": "WEBHOOK", "config": {"url": "https://hooks.test/flaky"}},
      {"id": "ok", "type": "TAG", "config": {"add": ["hooked"]}},
      {"id": "failed", "type": "TAG", "config": {"add": ["hook-failed"]}}],
      "connections": [["hook", "ok"], ["hook", "failed", "error"]]})");
  http_.Script("https://hooks.test/flaky",
               {Outcome::Retryable(503, "unavailable"), Outcome::Retryable(503, "unavailable"),
                Outcome::Retryable(503, "unavailable"), Outcome::Delivered(200)});
  core::Contact c = NewContact("flaky@example.com");
  core::Token t = MustEnroll(f, c);
  Pump();
  for (int i = 0; i < 2; ++i) {
    clock_.Set(Messages(t).at(0).next_attempt_at);
    Pump();
  }

  auto reqs = http_.SentTo("https://hooks.test/flaky");
  ASSERT_EQ(reqs.size(), 3u);
  auto rows = Messages(t);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, "failed");
  EXPECT_EQ(rows[0].attempts, 3);
  EXPECT_EQ(rows[0].last_error, "503 unavailable");
  for (const auto& r : reqs) {
    EXPECT_EQ(FakeHttp::Header(r, "Idempotency-Key"), rows[0].idempotency_key);
  }
  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kCompleted);
  EXPECT_EQ(t.step_uuid, f.step("failed"));
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"hook-failed"}));
  EXPECT_EQ(Counter(f, "hook", counter::kFailed), 1);
  EXPECT_EQ(Counter(f, "hook", counter::kDelivered), 0);

  // Nothing is retried after the last attempt.
  AdvanceAndPump(10 * kDay);
  EXPECT_EQ(http_.SentTo("https://hooks.test/flaky").size(), 3u);
}

TEST_F(OutboxDeliveryTest, ExhaustedRetriesWithoutErrorBranchEndTheTokenInError) {
  config_.max_delivery_attempts = 2;
  Restart();
  Flow f = Launch(R"({"steps": [
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("x", "<p>x</p>") + R"(},
      {"id": "ok", "type": "TAG", "config": {"add": ["mailed"]}}]})");
  email_.Script({Outcome::Retryable(451, "greylisted"), Outcome::Retryable(451, "greylisted")});
  core::Contact c = NewContact("grey@example.com");
  core::Token t = MustEnroll(f, c);
  Pump();
  clock_.Set(Messages(t).at(0).next_attempt_at);
  Pump();

  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kError);
  EXPECT_EQ(t.error_message, "451 greylisted");
  EXPECT_TRUE(TagsOf(Reload(c)).empty());
  EXPECT_EQ(Messages(t).at(0).status, "failed");
  EXPECT_EQ(Messages(t).at(0).attempts, 2);
  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].message.message_id, sent[1].message.message_id);
  EXPECT_EQ(Counter(f, "", counter::kErrors), 1);
  EXPECT_EQ(Counter(f, "mail", counter::kFailed), 1);
}

TEST_F(OutboxDeliveryTest, MessageWhoseLeaseExpiredIsSentAgainWithTheSameMessageId) {
  Flow f = Launch(R"({"steps": [
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Once", "<p>x</p>") + R"(}]})");
  core::Contact c = NewContact("lease@example.com");
  core::Token t = MustEnroll(f, c);
  ASSERT_TRUE(scheduler_->RunDueNow().ok());  // queues the message, delivers nothing

  // A worker claims the message, sends it, and dies before recording the outcome.
  std::vector<core::OutboxMessage> claimed;
  core::Millis lease_until = clock_.Now() + config_.delivery_lease;
  ASSERT_TRUE(store_
                  ->WriteAndWait([&](store::WriteTxn& txn) -> Status {
                    RIVULET_ASSIGN_OR_RETURN(claimed,
                                             txn.ClaimOutbox(clock_.Now(), 10, lease_until));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(claimed.size(), 1u);
  std::string first_message_id(Obj(claimed[0].payload_json).at("message_id").as_string());
  EXPECT_EQ(Messages(t).at(0).status, "sending");
  EXPECT_EQ(Messages(t).at(0).lease_until, lease_until);

  // While the lease holds, nobody else takes it.
  clock_.Set(lease_until - 1);
  auto during = outbox_->DeliverDueNow();
  ASSERT_TRUE(during.ok());
  EXPECT_EQ(*during, 0);
  EXPECT_TRUE(email_.sent().empty());

  clock_.Set(lease_until);
  Pump();
  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].message.message_id, first_message_id);
  auto rows = Messages(t);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, "sent");
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_EQ(rows[0].idempotency_key, claimed[0].idempotency_key);
  EXPECT_EQ(Reload(t).status, TokenStatus::kCompleted);
  EXPECT_EQ(Counter(f, "mail", counter::kSent), 1);
}

TEST_F(OutboxDeliveryTest, RetryIsNotSentToAContactWhoUnsubscribedMeanwhile) {
  Flow f = Launch(R"({"steps": [
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Promo", "<p>x</p>") + R"(}]})");
  email_.Script({Outcome::Retryable(451, "try later")});
  core::Contact c = NewContact("changed-mind@example.com");
  core::Token t = MustEnroll(f, c);
  Pump();
  ASSERT_EQ(email_.sent().size(), 1u);
  ASSERT_EQ(Messages(t).at(0).status, "pending");

  // The contact unsubscribes before the retry is due.
  SetSubscription(c, core::Channel::kEmail, std::nullopt, false);
  clock_.Set(Messages(t).at(0).next_attempt_at);
  Pump();

  EXPECT_EQ(email_.sent().size(), 1u) << "a message went to an unsubscribed contact";
  EXPECT_NE(Messages(t).at(0).status, "sent");
  EXPECT_EQ(Counter(f, "mail", counter::kSent), 0);
}

TEST_F(OutboxDeliveryTest, EmailOfAWorkspaceWithoutSmtpSettingFailsWithoutUsingAnothers) {
  auto other = accounts_->CreateWorkspace("no-smtp");
  ASSERT_TRUE(other.ok());
  int64_t main_ws = ws_;
  ws_ = other->id;  // build everything below in the other workspace
  Flow f = Launch(R"({"steps": [{"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Hello", "<p>x</p>") + R"(}]})");
  core::Contact c = NewContact("nosmtp@example.com");
  core::Token t = MustEnroll(f, c);
  Pump();
  t = Reload(t);
  ws_ = main_ws;

  EXPECT_TRUE(email_.sent().empty());
  auto rows = Messages(t);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, "failed");
  EXPECT_EQ(rows[0].last_error, "the workspace has no SMTP setting");
  EXPECT_EQ(t.status, TokenStatus::kError);
  EXPECT_EQ(t.error_message, "the workspace has no SMTP setting");
}

TEST_F(OutboxDeliveryTest, SlowSenderWhoseLeaseRanOutIsRecordedOnlyOnce) {
  Flow f = Launch(R"({"steps": [
      {"id": "mail", "type": "CLAB_CAMPAIGN", "config": )" +
                  EmailConfig("Slow", "<p>x</p>") + R"(},
      {"id": "after", "type": "TAG", "config": {"add": ["after"]}}]})");
  core::Contact c = NewContact("slow-smtp@example.com");
  core::Token t = MustEnroll(f, c);
  ASSERT_TRUE(scheduler_->RunDueNow().ok());

  // Worker A's send hangs past its lease; worker B takes the message over and finishes first.
  delivery::OutboxWorker other(*store_, *journeys_, clock_, &hooks_, email_, http_);
  int taken_over = -1;
  email_.OnNextSend([&] {
    clock_.Advance(config_.delivery_lease);
    auto n = other.DeliverDueNow();
    taken_over = n.ok() ? *n : -2;
  });
  auto first = outbox_->DeliverDueNow();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(taken_over, 1);

  auto sent = email_.sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].message.message_id, sent[1].message.message_id);
  auto rows = Messages(t);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, "sent");
  EXPECT_EQ(rows[0].attempts, 1);
  t = Reload(t);
  EXPECT_EQ(t.status, TokenStatus::kCompleted);
  EXPECT_EQ(TagsOf(Reload(c)), (std::vector<std::string>{"after"}));
  EXPECT_EQ(Counter(f, "mail", counter::kSent), 1);
  EXPECT_EQ(Counter(f, "mail", counter::kDelivered), 1);
  EXPECT_EQ(Counter(f, "", counter::kDelivered), 1);
  EXPECT_EQ(Counter(f, "after", counter::kEntered), 1);
}

}  // namespace
}  // namespace rivulet::engine

namespace rivulet::engine {
namespace {

// WriteWithEffects tells the hooks what a committed write did, and only then hands over
// its value; a write that fails tells them nothing.
TEST_F(JourneysTest, WriteWithEffectsWakesTheHooksOnlyForACommittedWrite) {
  {
    std::lock_guard lock(hooks_mu_);
    scheduler_wakes_.clear();
  }
  core::Millis wake = clock_.Now() + 5 * testing::kSecond;
  auto failed = WaitFor<int>([&](Callback<int> done) {
    WriteWithEffects<int>(
        *store_, &hooks_,
        [wake](store::WriteTxn&, Effects& effects) -> Result<int> {
          effects.WakeAt(wake);
          return core::InvalidArgument("refused");
        },
        std::move(done));
  });
  EXPECT_EQ(failed.status().message(), "refused");
  {
    std::lock_guard lock(hooks_mu_);
    EXPECT_TRUE(scheduler_wakes_.empty());
  }
  std::vector<core::Millis> wakes_when_done;
  auto ok = WaitFor<int>([&](Callback<int> done) {
    WriteWithEffects<int>(
        *store_, &hooks_,
        [wake](store::WriteTxn&, Effects& effects) -> Result<int> {
          effects.WakeAt(wake);
          return 42;
        },
        [&, done = std::move(done)](Result<int> r) {
          {
            std::lock_guard lock(hooks_mu_);
            wakes_when_done = scheduler_wakes_;
          }
          done(std::move(r));
        });
  });
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, 42);
  EXPECT_EQ(wakes_when_done, (std::vector<core::Millis>{wake}));
}

}  // namespace
}  // namespace rivulet::engine
