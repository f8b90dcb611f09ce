#ifndef RIVULET_STORE_SQLITE_CONTACT_EVENT_BACKLOG_H_
#define RIVULET_STORE_SQLITE_CONTACT_EVENT_BACKLOG_H_

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace rivulet::store::sqlite {

// The writer's copy of the events that are not in contact_events yet (decision 0026), so
// that a catch-up adds them without scanning the events table. The database stays the
// truth: a backlog that may no longer match it (a rolled-back job, deleted events) is
// invalidated and loaded again from the events after each slot's indexed_through.
// Writer thread only.
class ContactEventBacklog {
 public:
  static constexpr int kSlots = 16;           // contact_id % kSlots; migration 9 made one row each
  using Entry = std::pair<int64_t, int64_t>;  // (contact_id, event_id)

  static int SlotOf(int64_t contact_id) { return static_cast<int>(contact_id % kSlots); }

  bool loaded() const { return loaded_; }
  // Starts from the slots' indexed_through; then Add each later event, in id order.
  void Load(const std::array<int64_t, kSlots>& indexed_through);
  // An event stored in the open transaction. Ignored until loaded.
  void Add(int64_t contact_id, int64_t event_id);
  // The transaction changed events in a way Add did not see; Load before the next use.
  void Invalidate() { loaded_ = false; }

  // The slot whose turn it is, once `every` events were added since the last catch-up
  // (-1 before that, or while not loaded). Slots take turns, so each waits about
  // kSlots * every events. every <= 0: always due.
  int Due(int64_t every) const;
  // The slot's entries sorted by contact, and the id they index it through.
  std::vector<Entry> TakeSorted(int slot, int64_t* indexed_through);

 private:
  bool loaded_ = false;
  std::array<std::vector<Entry>, kSlots> entries_;
  std::array<int64_t, kSlots> indexed_through_{};
  int64_t newest_ = 0;      // the largest event id seen
  int64_t since_last_ = 0;  // events added since the last TakeSorted
  int next_slot_ = 0;
};

}  // namespace rivulet::store::sqlite

#endif  // RIVULET_STORE_SQLITE_CONTACT_EVENT_BACKLOG_H_
