#include "engine/events.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/engine_test_util.h"

namespace rivulet::engine {
namespace {

using core::Code;
using K = core::ContactRef::Kind;

class EventsTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    events_ = std::make_unique<Events>(*store_, clock_);
    contacts_ = std::make_unique<Contacts>(*store_, clock_);
  }

  Result<std::vector<IngestedEvent>> Ingest(std::vector<EventInput> in, int64_t ws = 0) {
    return testing::Await<std::vector<IngestedEvent>>(
        [&](Callback<std::vector<IngestedEvent>> done) {
          events_->Ingest(ws ? ws : ws_, std::move(in), std::move(done));
        });
  }

  static EventInput ByEmail(const std::string& type, const std::string& email,
                            std::optional<std::string> key = std::nullopt) {
    EventInput e;
    e.type = type;
    e.contact.email = email;
    e.idempotency_key = std::move(key);
    return e;
  }

  core::Contact MustCreateContact(const std::string& email) {
    ContactInput in;
    in.email = email;
    auto r = testing::Await<ContactChange>([&](Callback<ContactChange> done) {
      contacts_->Create(ws_, in, std::move(done));
    });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->contact : core::Contact{};
  }

  std::unique_ptr<Events> events_;
  std::unique_ptr<Contacts> contacts_;
};

TEST_F(EventsTest, IngestCreatesAnUnknownContactByEmail) {
  EventInput in = ByEmail("order.placed", "Buyer@Example.com");
  in.contact.email = "buyer@example.com";  // faces normalise before the engine
  in.data_json = R"({"total":42})";
  auto r = Ingest({in});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  const IngestedEvent& got = (*r)[0];
  EXPECT_FALSE(got.duplicate);
  EXPECT_EQ(got.event.type, "order.placed");
  EXPECT_EQ(got.event.occurred_at, clock_.Now());
  EXPECT_EQ(got.event.received_at, clock_.Now());
  EXPECT_TRUE(core::IsUuid(got.event.uuid));

  auto contact = Find(ws_, K::kEmail, "buyer@example.com");
  ASSERT_TRUE(contact.ok()) << contact.status().ToString();
  EXPECT_EQ(got.event.contact_id, contact->id);
  EXPECT_EQ(got.event.contact_uuid, contact->uuid);
  EXPECT_EQ(EventTypes(ws_, contact->id),
            (std::vector<std::string>{"contact_created", "order.placed"}));
  auto stored = EventsOf(ws_, contact->id);
  EXPECT_EQ(Json(stored.back().data_json), Json(R"({"total":42})"));
}

TEST_F(EventsTest, IngestAttachesToAnExistingContact) {
  core::Contact c = MustCreateContact("known@example.com");
  EventInput by_email = ByEmail("opened", "known@example.com");
  EventInput by_uuid;
  by_uuid.type = "clicked";
  by_uuid.contact.uuid = c.uuid;
  by_uuid.occurred_at = clock_.Now() - 60'000;
  auto r = Ingest({by_email, by_uuid});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].event.contact_id, c.id);
  EXPECT_EQ((*r)[1].event.contact_id, c.id);
  EXPECT_EQ((*r)[1].event.occurred_at, clock_.Now() - 60'000);
  EXPECT_EQ(CountContacts(ws_), 1);
  EXPECT_EQ(EventTypes(ws_, c.id),
            (std::vector<std::string>{"contact_created", "opened", "clicked"}));
}

TEST_F(EventsTest, IngestDoesNotChangeAnExistingContactsFields) {
  ContactInput seed;
  seed.external_id = "crm-9";
  seed.email = "old@example.com";
  auto created = testing::Await<ContactChange>([&](Callback<ContactChange> done) {
    contacts_->Create(ws_, seed, std::move(done));
  });
  ASSERT_TRUE(created.ok());
  // The event names its contact by external id, with a different e-mail alongside.
  EventInput in;
  in.type = "purchase";
  in.contact.external_id = "crm-9";
  in.contact.email = "new@example.com";
  auto r = Ingest({in});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0].event.contact_id, created->contact.id);
  // Ingestion identifies the contact; it does not edit it (events.cc: "without changing its
  // fields"), so no contact_updated event either.
  auto stored = Find(ws_, K::kExternalId, "crm-9");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->email, "old@example.com");
  EXPECT_EQ(EventTypes(ws_, created->contact.id),
            (std::vector<std::string>{"contact_created", "purchase"}));
}

TEST_F(EventsTest, IdempotencyKeyReturnsTheFirstEventAndStoresNothingNew) {
  auto first = Ingest({ByEmail("signup", "i@example.com", "key-1")});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  size_t stored = EventsOf(ws_).size();

  clock_.Advance(1000);
  EventInput retry = ByEmail("signup", "i@example.com", "key-1");
  retry.data_json = R"({"different":true})";
  auto second = Ingest({retry});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(second->size(), 1u);
  EXPECT_TRUE((*second)[0].duplicate);
  EXPECT_EQ((*second)[0].event.uuid, (*first)[0].event.uuid);
  EXPECT_EQ((*second)[0].event.received_at, (*first)[0].event.received_at);
  EXPECT_EQ(Json((*second)[0].event.data_json), Json("{}"));
  EXPECT_EQ(EventsOf(ws_).size(), stored);
}

TEST_F(EventsTest, IdempotencyKeyRepeatedWithinOneBatchStoresOnce) {
  auto r = Ingest({ByEmail("a", "b1@example.com", "dup"), ByEmail("a", "b1@example.com", "dup"),
                   ByEmail("a", "b1@example.com", "other")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_FALSE((*r)[0].duplicate);
  EXPECT_TRUE((*r)[1].duplicate);
  EXPECT_EQ((*r)[1].event.uuid, (*r)[0].event.uuid);
  EXPECT_FALSE((*r)[2].duplicate);
  EXPECT_EQ(EventTypes(ws_), (std::vector<std::string>{"contact_created", "a", "a"}));
}

TEST_F(EventsTest, IdempotencyKeysAreScopedToTheWorkspace) {
  auto a = Ingest({ByEmail("t", "s@example.com", "shared")});
  auto b = Ingest({ByEmail("t", "s@example.com", "shared")}, other_ws_);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE((*b)[0].duplicate);
  EXPECT_NE((*a)[0].event.uuid, (*b)[0].event.uuid);
  EXPECT_EQ((*b)[0].event.workspace_id, other_ws_);
}

TEST_F(EventsTest, DuplicateOnlyBatchCreatesNoContact) {
  ASSERT_TRUE(Ingest({ByEmail("t", "first@example.com", "k")}).ok());
  // Same key, different contact: the first event wins and no contact is created.
  auto r = Ingest({ByEmail("t", "second@example.com", "k")});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].duplicate);
  EXPECT_EQ(Find(ws_, K::kEmail, "second@example.com").status().code(), Code::kNotFound);
}

TEST_F(EventsTest, UuidOnlyUnknownContactIsNotFound) {
  EventInput in;
  in.type = "t";
  in.contact.uuid = "018f628b-768b-7000-8000-00000000abcd";
  auto r = Ingest({ByEmail("t", "ok@example.com"), in});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_EQ(r.status().fields().count("events[1].contact"), 1u) << r.status().ToString();
  // All or none: the first event and its new contact are gone too.
  EXPECT_EQ(CountContacts(ws_), 0);
  EXPECT_TRUE(EventsOf(ws_).empty());
}

TEST_F(EventsTest, UuidOfAnotherWorkspacesContactIsNotFound) {
  core::Contact c = MustCreateContact("mine@example.com");
  EventInput in;
  in.type = "t";
  in.contact.uuid = c.uuid;
  EXPECT_EQ(Ingest({in}, other_ws_).status().code(), Code::kNotFound);
}

TEST_F(EventsTest, BatchLimits) {
  std::vector<EventInput> big(Events::kMaxBatch + 1, ByEmail("t", "big@example.com"));
  auto r = Ingest(big);
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
  EXPECT_EQ(CountContacts(ws_), 0);

  EXPECT_EQ(Ingest({}).status().code(), Code::kInvalidArgument);

  std::vector<EventInput> max(Events::kMaxBatch, ByEmail("t", "max@example.com"));
  auto ok = Ingest(max);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->size(), Events::kMaxBatch);
}

}  // namespace
}  // namespace rivulet::engine
