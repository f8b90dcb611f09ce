#include "store/sqlite/contact_cache.h"

namespace rivulet::store::sqlite {

std::string ContactCache::Key(int64_t workspace_id, const core::ContactRef& ref) {
  std::string key = std::to_string(workspace_id);
  key.push_back(':');
  key.push_back(static_cast<char>('0' + static_cast<int>(ref.kind)));
  key.push_back(':');
  key.append(ref.value);
  return key;
}

const core::Contact* ContactCache::Find(int64_t workspace_id, const core::ContactRef& ref) const {
  auto it = by_ref_.find(Key(workspace_id, ref));
  return it == by_ref_.end() ? nullptr : &it->second;
}

void ContactCache::Put(int64_t workspace_id, const core::ContactRef& ref,
                       const core::Contact& contact) {
  if (by_ref_.size() >= kMaxEntries) Clear();
  by_ref_.insert_or_assign(Key(workspace_id, ref), contact);
  ids_.insert(contact.id);
}

}  // namespace rivulet::store::sqlite
