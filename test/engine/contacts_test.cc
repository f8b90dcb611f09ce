#include "engine/contacts.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "engine/engine_test_util.h"

namespace rivulet::engine {
namespace {

using core::Code;
using K = core::ContactRef::Kind;
namespace json = boost::json;

class ContactsTest : public testing::EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    contacts_ = std::make_unique<Contacts>(*store_, clock_);
  }

  Result<ContactChange> Create(ContactInput in, int64_t ws = 0) {
    return testing::Await<ContactChange>([&](Callback<ContactChange> done) {
      contacts_->Create(ws ? ws : ws_, std::move(in), std::move(done));
    });
  }
  Result<ContactChange> Upsert(ContactInput in, int64_t ws = 0) {
    return testing::Await<ContactChange>([&](Callback<ContactChange> done) {
      contacts_->Upsert(ws ? ws : ws_, std::move(in), std::move(done));
    });
  }
  Result<std::vector<ContactChange>> UpsertBatch(std::vector<ContactInput> in) {
    return testing::Await<std::vector<ContactChange>>(
        [&](Callback<std::vector<ContactChange>> done) {
          contacts_->UpsertBatch(ws_, std::move(in), std::move(done));
        });
  }
  Result<ContactChange> Update(core::ContactRef ref, ContactInput in) {
    return testing::Await<ContactChange>([&](Callback<ContactChange> done) {
      contacts_->Update(ws_, std::move(ref), std::move(in), std::move(done));
    });
  }
  Result<ContactChange> Subscribe(core::ContactRef ref, core::Channel ch,
                                  std::optional<std::string> group, bool on) {
    return testing::Await<ContactChange>([&](Callback<ContactChange> done) {
      contacts_->SetSubscription(ws_, std::move(ref), ch, std::move(group), on, std::move(done));
    });
  }
  Result<bool> Erase(core::ContactRef ref, int64_t ws = 0) {
    return testing::Await<bool>([&](Callback<bool> done) {
      contacts_->Erase(ws ? ws : ws_, std::move(ref), std::move(done));
    });
  }

  static ContactInput Email(const std::string& e) {
    ContactInput in;
    in.email = e;
    return in;
  }

  static std::vector<std::string> Tags(const core::Contact& c) {
    std::vector<std::string> out;
    json::value parsed = json::parse(c.tags_json);
    for (const auto& t : parsed.as_array()) out.emplace_back(t.as_string());
    return out;
  }

  std::unique_ptr<Contacts> contacts_;
};

// ---- Create ----

TEST_F(ContactsTest, CreateStoresTheContactAndEmitsContactCreated) {
  ContactInput in = Email("new@example.com");
  in.phone = "+31612345678";
  in.attributes_json = R"({"first_name":"Ann"})";
  auto r = Create(in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->created);
  EXPECT_TRUE(r->changed);
  const core::Contact& c = r->contact;
  EXPECT_TRUE(core::IsUuid(c.uuid));
  EXPECT_EQ(c.workspace_id, ws_);
  EXPECT_EQ(c.created_at, clock_.Now());
  EXPECT_EQ(c.updated_at, clock_.Now());

  auto stored = Find(ws_, K::kEmail, "new@example.com");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->id, c.id);
  EXPECT_EQ(stored->phone, "+31612345678");
  EXPECT_EQ(Json(stored->attributes_json), Json(R"({"first_name":"Ann"})"));

  auto events = EventsOf(ws_, c.id);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "contact_created");
  EXPECT_EQ(events[0].contact_uuid, c.uuid);
  EXPECT_EQ(events[0].occurred_at, clock_.Now());
}

TEST_F(ContactsTest, CreateKeepsAGivenUuid) {
  ContactInput in = Email("u@example.com");
  in.uuid = "018f628b-768b-7000-8000-000000000001";
  auto r = Create(in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->contact.uuid, *in.uuid);
}

TEST_F(ContactsTest, CreateWithTakenIdentifierIsAlreadyExistsAndStoresNothing) {
  ASSERT_TRUE(Create(Email("dup@example.com")).ok());
  auto again = Create(Email("dup@example.com"));
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);

  ContactInput by_phone;
  by_phone.phone = "+3100000001";
  ASSERT_TRUE(Create(by_phone).ok());
  ContactInput clash = Email("fresh@example.com");
  clash.phone = "+3100000001";
  EXPECT_EQ(Create(clash).status().code(), Code::kAlreadyExists);

  EXPECT_EQ(CountContacts(ws_), 2);
  EXPECT_EQ(EventsOf(ws_).size(), 2u);  // no event from the failed creations
  EXPECT_EQ(Find(ws_, K::kEmail, "fresh@example.com").status().code(), Code::kNotFound);
}

TEST_F(ContactsTest, SameIdentifierMayExistInAnotherWorkspace) {
  ASSERT_TRUE(Create(Email("shared@example.com")).ok());
  auto r = Create(Email("shared@example.com"), other_ws_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->contact.workspace_id, other_ws_);
}

// ---- Upsert ----

TEST_F(ContactsTest, UpsertCreatesWhenNothingMatches) {
  auto r = Upsert(Email("first@example.com"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->created);
  EXPECT_EQ(EventTypes(ws_, r->contact.id), std::vector<std::string>{"contact_created"});
}

TEST_F(ContactsTest, UpsertMatchesByExternalIdEmailOrPhone) {
  ContactInput seed = Email("m@example.com");
  seed.external_id = "crm-1";
  seed.phone = "+3100000002";
  auto created = Create(seed);
  ASSERT_TRUE(created.ok());
  int64_t id = created->contact.id;

  ContactInput by_ext;
  by_ext.external_id = "crm-1";
  by_ext.attributes_json = R"({"n":1})";
  ContactInput by_email = Email("m@example.com");
  by_email.attributes_json = R"({"n":2})";
  ContactInput by_phone;
  by_phone.phone = "+3100000002";
  by_phone.attributes_json = R"({"n":3})";
  ContactInput by_uuid;
  by_uuid.uuid = created->contact.uuid;
  by_uuid.attributes_json = R"({"n":4})";

  for (const ContactInput* in : {&by_ext, &by_email, &by_phone, &by_uuid}) {
    auto r = Upsert(*in);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_FALSE(r->created);
    EXPECT_TRUE(r->changed);
    EXPECT_EQ(r->contact.id, id);
  }
  EXPECT_EQ(CountContacts(ws_), 1);
  auto stored = Find(ws_, K::kUuid, created->contact.uuid);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(Json(stored->attributes_json), Json(R"({"n":4})"));
}

TEST_F(ContactsTest, UpsertMatchedByExternalIdTakesTheNewEmail) {
  ContactInput a;
  a.external_id = "ext-a";
  ASSERT_TRUE(Create(a).ok());
  ASSERT_TRUE(Create(Email("b@example.com")).ok());
  // Matches by external id first, then gives that contact the new e-mail.
  ContactInput in = Email("a@example.com");
  in.external_id = "ext-a";
  auto r = Upsert(in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->created);
  EXPECT_EQ(r->contact.external_id, "ext-a");
  EXPECT_EQ(r->contact.email, "a@example.com");
  EXPECT_EQ(CountContacts(ws_), 2);
}

TEST_F(ContactsTest, UpsertEmitsContactUpdatedOnlyWhenSomethingChanged) {
  ContactInput in = Email("same@example.com");
  in.attributes_json = R"({"plan":"gold"})";
  in.tags = std::vector<std::string>{"a"};
  auto first = Upsert(in);
  ASSERT_TRUE(first.ok());
  core::Millis created_at = clock_.Now();

  clock_.Advance(1000);
  auto same = Upsert(in);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_FALSE(same->created);
  EXPECT_FALSE(same->changed);
  EXPECT_EQ(EventTypes(ws_), std::vector<std::string>{"contact_created"});
  EXPECT_EQ(Find(ws_, K::kEmail, "same@example.com")->updated_at, created_at);

  clock_.Advance(1000);
  in.attributes_json = R"({"plan":"platinum"})";
  auto changed = Upsert(in);
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(changed->changed);
  EXPECT_EQ(changed->contact.updated_at, clock_.Now());
  EXPECT_EQ(EventTypes(ws_), (std::vector<std::string>{"contact_created", "contact_updated"}));
  EXPECT_EQ(Find(ws_, K::kEmail, "same@example.com")->updated_at, clock_.Now());
}

TEST_F(ContactsTest, AttributesMergeKeyByKeyAndNullDeletes) {
  ContactInput in = Email("attrs@example.com");
  in.attributes_json = R"({"a":1,"b":"two","c":{"deep":true}})";
  ASSERT_TRUE(Upsert(in).ok());

  in.attributes_json = R"({"b":null,"d":[1,2],"a":1})";
  auto r = Upsert(in);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->changed);
  EXPECT_EQ(Json(r->contact.attributes_json), Json(R"({"a":1,"c":{"deep":true},"d":[1,2]})"));
  EXPECT_EQ(Json(Find(ws_, K::kEmail, "attrs@example.com")->attributes_json),
            Json(R"({"a":1,"c":{"deep":true},"d":[1,2]})"));

  // Deleting a key that is not there, and re-sending equal values, changes nothing.
  in.attributes_json = R"({"zzz":null,"a":1,"c":{"deep":true}})";
  r = Upsert(in);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->changed);
  EXPECT_EQ(EventTypes(ws_).size(), 2u);
}

TEST_F(ContactsTest, TagsAreASortedUniqueSet) {
  ContactInput in = Email("tags@example.com");
  in.tags = std::vector<std::string>{"zeta", "alpha", "zeta", "mid"};
  auto r = Upsert(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Tags(r->contact), (std::vector<std::string>{"alpha", "mid", "zeta"}));

  ContactInput add = Email("tags@example.com");
  add.add_tags = {"beta", "alpha"};
  r = Upsert(add);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->changed);
  EXPECT_EQ(Tags(r->contact), (std::vector<std::string>{"alpha", "beta", "mid", "zeta"}));

  ContactInput remove = Email("tags@example.com");
  remove.remove_tags = {"mid", "not-there"};
  r = Upsert(remove);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Tags(r->contact), (std::vector<std::string>{"alpha", "beta", "zeta"}));

  // Replace, then add and remove, in one input.
  ContactInput all = Email("tags@example.com");
  all.tags = std::vector<std::string>{"x", "y"};
  all.add_tags = {"w"};
  all.remove_tags = {"y"};
  r = Upsert(all);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Tags(r->contact), (std::vector<std::string>{"w", "x"}));
  EXPECT_EQ(Tags(*Find(ws_, K::kEmail, "tags@example.com")), (std::vector<std::string>{"w", "x"}));

  // Adding tags it already has is no change.
  ContactInput again = Email("tags@example.com");
  again.add_tags = {"x"};
  r = Upsert(again);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->changed);

  ContactInput clear = Email("tags@example.com");
  clear.tags = std::vector<std::string>{};
  r = Upsert(clear);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->changed);
  EXPECT_TRUE(Tags(r->contact).empty());
}

TEST_F(ContactsTest, UpsertChangingToATakenIdentifierFails) {
  ContactInput a = Email("a@example.com");
  a.external_id = "A";
  ASSERT_TRUE(Create(a).ok());
  ASSERT_TRUE(Create(Email("b@example.com")).ok());
  ContactInput steal = Email("b@example.com");
  steal.external_id = "A";  // matches A, then tries to take B's e-mail
  EXPECT_EQ(Upsert(steal).status().code(), Code::kAlreadyExists);
  EXPECT_EQ(Find(ws_, K::kExternalId, "A")->email, "a@example.com");
}

// ---- UpsertBatch ----

TEST_F(ContactsTest, UpsertBatchAppliesAllInOrder) {
  std::vector<ContactInput> batch = {Email("b1@example.com"), Email("b2@example.com"),
                                     Email("b1@example.com")};
  batch[2].attributes_json = R"({"seen":2})";
  auto r = UpsertBatch(batch);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_TRUE((*r)[0].created);
  EXPECT_TRUE((*r)[1].created);
  EXPECT_FALSE((*r)[2].created);  // sees the row the first item created
  EXPECT_TRUE((*r)[2].changed);
  EXPECT_EQ((*r)[2].contact.id, (*r)[0].contact.id);
  EXPECT_EQ(CountContacts(ws_), 2);
}

TEST_F(ContactsTest, UpsertBatchIsAllOrNothing) {
  ContactInput a = Email("a@example.com");
  a.external_id = "A";
  ASSERT_TRUE(Create(a).ok());
  ASSERT_TRUE(Create(Email("b@example.com")).ok());
  size_t events_before = EventsOf(ws_).size();

  ContactInput ok1 = Email("new1@example.com");
  ContactInput update_a = Email("a@example.com");
  update_a.attributes_json = R"({"touched":true})";
  ContactInput conflict = Email("b@example.com");
  conflict.external_id = "A";
  ContactInput ok2 = Email("new2@example.com");
  auto r = UpsertBatch({ok1, update_a, conflict, ok2});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(r.status().fields().count("contacts[2]"), 1u) << r.status().ToString();

  EXPECT_EQ(CountContacts(ws_), 2);
  EXPECT_EQ(Find(ws_, K::kEmail, "new1@example.com").status().code(), Code::kNotFound);
  EXPECT_EQ(Find(ws_, K::kEmail, "new2@example.com").status().code(), Code::kNotFound);
  EXPECT_EQ(Json(Find(ws_, K::kEmail, "a@example.com")->attributes_json), Json("{}"));
  EXPECT_EQ(EventsOf(ws_).size(), events_before);
}

TEST_F(ContactsTest, UpsertBatchOverLimitIsPayloadTooLarge) {
  std::vector<ContactInput> big(Contacts::kMaxBatch + 1);
  auto r = UpsertBatch(std::move(big));
  EXPECT_EQ(r.status().code(), Code::kPayloadTooLarge);
  EXPECT_EQ(CountContacts(ws_), 0);
}

// ---- Update ----

TEST_F(ContactsTest, UpdateByRefChangesFieldsAndEmitsEvent) {
  auto c = Create(Email("up@example.com"));
  ASSERT_TRUE(c.ok());
  clock_.Advance(5);
  ContactInput in;
  in.phone = "+3100000003";
  in.uuid = "018f628b-768b-7000-8000-0000000000ff";  // the uuid never changes
  auto r = Update({K::kEmail, "up@example.com"}, in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->changed);
  EXPECT_EQ(r->contact.uuid, c->contact.uuid);
  EXPECT_EQ(Find(ws_, K::kUuid, c->contact.uuid)->phone, "+3100000003");
  EXPECT_EQ(EventTypes(ws_, c->contact.id),
            (std::vector<std::string>{"contact_created", "contact_updated"}));

  EXPECT_EQ(Update({K::kEmail, "missing@example.com"}, in).status().code(), Code::kNotFound);
  ASSERT_TRUE(Create(Email("other@example.com")).ok());
  EXPECT_EQ(Update({K::kEmail, "other@example.com"}, in).status().code(), Code::kAlreadyExists);
}

// ---- Erase ----

TEST_F(ContactsTest, EraseRemovesTheContactAndItsEvents) {
  auto gone = Create(Email("gone@example.com"));
  auto kept = Create(Email("kept@example.com"));
  ASSERT_TRUE(gone.ok() && kept.ok());
  ContactInput touch = Email("gone@example.com");
  touch.attributes_json = R"({"x":1})";
  ASSERT_TRUE(Upsert(touch).ok());
  ASSERT_EQ(EventsOf(ws_, gone->contact.id).size(), 2u);

  auto r = Erase({K::kEmail, "gone@example.com"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r);
  EXPECT_EQ(Find(ws_, K::kUuid, gone->contact.uuid).status().code(), Code::kNotFound);
  EXPECT_TRUE(EventsOf(ws_, gone->contact.id).empty());
  EXPECT_EQ(EventsOf(ws_).size(), 1u);
  EXPECT_EQ(testing::RawQueryInt(path_, "SELECT COUNT(*) FROM events WHERE contact_id = " +
                                            std::to_string(gone->contact.id)),
            0);

  EXPECT_EQ(Erase({K::kEmail, "gone@example.com"}).status().code(), Code::kNotFound);
  // Another workspace cannot erase it.
  EXPECT_EQ(Erase({K::kUuid, kept->contact.uuid}, other_ws_).status().code(), Code::kNotFound);
  EXPECT_TRUE(Find(ws_, K::kUuid, kept->contact.uuid).ok());
}

// ---- Subscriptions ----

TEST_F(ContactsTest, ContactsAreSubscribedByDefault) {
  core::Contact c;
  EXPECT_TRUE(IsSubscribed(c, core::Channel::kEmail));
  EXPECT_TRUE(IsSubscribed(c, core::Channel::kSms, "news"));
  c.subscriptions_json = "not json";
  EXPECT_TRUE(IsSubscribed(c, core::Channel::kEmail));
}

TEST_F(ContactsTest, IsSubscribedHonoursChannelAndGroup) {
  core::Contact c;
  c.subscriptions_json =
      R"({"email":{"subscribed":false},"sms":{"subscribed":true},"groups":{"news":false,"promo":true}})";
  EXPECT_FALSE(IsSubscribed(c, core::Channel::kEmail));
  EXPECT_FALSE(IsSubscribed(c, core::Channel::kEmail, "promo"));
  EXPECT_TRUE(IsSubscribed(c, core::Channel::kSms));
  EXPECT_FALSE(IsSubscribed(c, core::Channel::kSms, "news"));
  EXPECT_TRUE(IsSubscribed(c, core::Channel::kSms, "promo"));
  EXPECT_TRUE(IsSubscribed(c, core::Channel::kSms, "other"));
}

TEST_F(ContactsTest, SetSubscriptionStoresChannelAndGroupState) {
  auto c = Create(Email("sub@example.com"));
  ASSERT_TRUE(c.ok());
  core::ContactRef ref{K::kEmail, "sub@example.com"};

  auto r = Subscribe(ref, core::Channel::kEmail, std::nullopt, false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->changed);
  EXPECT_FALSE(IsSubscribed(r->contact, core::Channel::kEmail));
  EXPECT_TRUE(IsSubscribed(r->contact, core::Channel::kSms));

  r = Subscribe(ref, core::Channel::kSms, std::string("weekly"), false);
  ASSERT_TRUE(r.ok());
  auto stored = Find(ws_, K::kEmail, "sub@example.com");
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(IsSubscribed(*stored, core::Channel::kSms, "weekly"));
  EXPECT_TRUE(IsSubscribed(*stored, core::Channel::kSms));
  EXPECT_TRUE(IsSubscribed(*stored, core::Channel::kSms, "daily"));
  EXPECT_FALSE(IsSubscribed(*stored, core::Channel::kEmail));

  // Setting a group to the state it already has changes nothing.
  size_t events = EventsOf(ws_).size();
  r = Subscribe(ref, core::Channel::kSms, std::string("weekly"), false);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->changed);
  EXPECT_EQ(EventsOf(ws_).size(), events);

  r = Subscribe(ref, core::Channel::kEmail, std::nullopt, true);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(IsSubscribed(r->contact, core::Channel::kEmail));
  EXPECT_FALSE(IsSubscribed(r->contact, core::Channel::kEmail, "weekly"));

  EXPECT_EQ(Subscribe({K::kEmail, "nobody@example.com"}, core::Channel::kEmail, std::nullopt, false)
                .status()
                .code(),
            Code::kNotFound);
}

}  // namespace
}  // namespace rivulet::engine
