#ifndef RIVULET_STORE_SQLITE_CONTACT_CACHE_H_
#define RIVULET_STORE_SQLITE_CONTACT_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/model.h"

namespace rivulet::store::sqlite {

// The writer's memo of contacts it found by identifier (uuid, e-mail, phone, external id),
// so that an event for a known contact costs no contact query (decision 0027). The database
// stays the truth; the memo is cleared whenever it may no longer match it:
// - the writer changes or erases a contact, or erases a workspace;
// - a job or a group is rolled back (it may have read its own uncommitted changes);
// - another connection committed (PRAGMA data_version moved, checked by the store at the
//   start of each group), e.g. a CLI command;
// - it holds kMaxEntries contacts (cleared whole rather than aged: simple and bounded).
// Writer thread only.
class ContactCache {
 public:
  static constexpr size_t kMaxEntries = 10000;

  // The contact last stored under this identifier, or nullptr.
  const core::Contact* Find(int64_t workspace_id, const core::ContactRef& ref) const;
  void Put(int64_t workspace_id, const core::ContactRef& ref, const core::Contact& contact);
  // Whether the memo holds the contact with this id under some identifier: it then exists in
  // the writer's open transaction, since any change to a contact clears the memo.
  bool Holds(int64_t contact_id) const { return ids_.count(contact_id) > 0; }
  void Clear() {
    by_ref_.clear();
    ids_.clear();
  }
  size_t size() const { return by_ref_.size(); }

 private:
  static std::string Key(int64_t workspace_id, const core::ContactRef& ref);

  std::unordered_map<std::string, core::Contact> by_ref_;
  std::unordered_set<int64_t> ids_;  // of the contacts in by_ref_
};

}  // namespace rivulet::store::sqlite

#endif  // RIVULET_STORE_SQLITE_CONTACT_CACHE_H_
