#ifndef RIVULET_STORE_SQLITE_EVENT_ROUTE_MEMO_H_
#define RIVULET_STORE_SQLITE_EVENT_ROUTE_MEMO_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rivulet::store::sqlite {

// The writer's memo of where events of a type go (decision 0028): the running automations an
// event of the type starts in a workspace (AutomationsTriggeredBy) and whether any token
// waits for the type (TokensWaitingFor). Most events start no journey and wake no token; with
// the memo they cost neither query. The database stays the truth:
// - the writer inserts, changes or deletes an automation, or erases a workspace: the
//   triggers are forgotten;
// - the writer stores a token that waits for a type: the type is marked waited for;
// - a job or a group is rolled back, or another connection committed: all is forgotten;
// - it holds kMaxEntries entries of a kind: those are forgotten.
// "Waited for" may stay true after the last such token moved on; that only costs the query.
// Writer thread only.
class EventRouteMemo {
 public:
  static constexpr size_t kMaxEntries = 10000;

  // The running automations an event of this type starts in the workspace, or nullptr when
  // not known.
  const std::vector<int64_t>* Triggered(int64_t workspace_id, std::string_view event_type);
  void PutTriggered(int64_t workspace_id, std::string_view event_type, std::vector<int64_t> ids);
  void ForgetTriggers() { triggered_.clear(); }

  // Whether a token in any workspace may wait for events of this type, or nullopt when not
  // known.
  std::optional<bool> WaitedFor(std::string_view event_type) const;
  void PutWaitedFor(std::string_view event_type, bool waited_for);

  void Clear() {
    triggered_.clear();
    waited_for_.clear();
  }
  size_t size() const { return triggered_.size() + waited_for_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using Map = std::unordered_map<std::string, V, Hash, std::equal_to<>>;

  // "<workspace id>:<event type>" in key_, reusing its buffer.
  const std::string& Key(int64_t workspace_id, std::string_view event_type);

  Map<std::vector<int64_t>> triggered_;
  Map<bool> waited_for_;
  std::string key_;
};

}  // namespace rivulet::store::sqlite

#endif  // RIVULET_STORE_SQLITE_EVENT_ROUTE_MEMO_H_
