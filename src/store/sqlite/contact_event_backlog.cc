#include "store/sqlite/contact_event_backlog.h"

#include <algorithm>

namespace rivulet::store::sqlite {

void ContactEventBacklog::Load(const std::array<int64_t, kSlots>& indexed_through) {
  indexed_through_ = indexed_through;
  for (auto& e : entries_) e.clear();
  auto oldest = std::min_element(indexed_through_.begin(), indexed_through_.end());
  next_slot_ = static_cast<int>(oldest - indexed_through_.begin());
  newest_ = *std::max_element(indexed_through_.begin(), indexed_through_.end());
  since_last_ = 0;
  loaded_ = true;
}

void ContactEventBacklog::Add(int64_t contact_id, int64_t event_id) {
  if (!loaded_) return;
  int slot = SlotOf(contact_id);
  if (event_id <= indexed_through_[slot]) return;  // indexed already
  entries_[slot].emplace_back(contact_id, event_id);
  newest_ = std::max(newest_, event_id);
  ++since_last_;
}

int ContactEventBacklog::Due(int64_t every) const {
  return loaded_ && since_last_ >= every ? next_slot_ : -1;
}

std::vector<ContactEventBacklog::Entry> ContactEventBacklog::TakeSorted(int slot,
                                                                        int64_t* indexed_through) {
  std::vector<Entry> out = std::move(entries_[slot]);
  entries_[slot].clear();
  std::sort(out.begin(), out.end());
  indexed_through_[slot] = newest_;
  *indexed_through = newest_;
  since_last_ = 0;
  next_slot_ = (slot + 1) % kSlots;
  return out;
}

}  // namespace rivulet::store::sqlite
