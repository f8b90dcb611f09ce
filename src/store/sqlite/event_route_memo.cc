#include "store/sqlite/event_route_memo.h"

#include <charconv>

namespace rivulet::store::sqlite {

const std::string& EventRouteMemo::Key(int64_t workspace_id, std::string_view event_type) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, workspace_id).ptr;
  key_.assign(digits, end);
  key_.push_back(':');
  key_.append(event_type);
  return key_;
}

const std::vector<int64_t>* EventRouteMemo::Triggered(int64_t workspace_id,
                                                      std::string_view event_type) {
  auto it = triggered_.find(Key(workspace_id, event_type));
  return it == triggered_.end() ? nullptr : &it->second;
}

void EventRouteMemo::PutTriggered(int64_t workspace_id, std::string_view event_type,
                                  std::vector<int64_t> ids) {
  if (triggered_.size() >= kMaxEntries) triggered_.clear();
  triggered_.insert_or_assign(Key(workspace_id, event_type), std::move(ids));
}

std::optional<bool> EventRouteMemo::WaitedFor(std::string_view event_type) const {
  auto it = waited_for_.find(event_type);
  if (it == waited_for_.end()) return std::nullopt;
  return it->second;
}

void EventRouteMemo::PutWaitedFor(std::string_view event_type, bool waited_for) {
  if (waited_for_.size() >= kMaxEntries) waited_for_.clear();
  waited_for_.insert_or_assign(std::string(event_type), waited_for);
}

}  // namespace rivulet::store::sqlite
