#ifndef RIVULET_API_NATIVE_PAGING_H_
#define RIVULET_API_NATIVE_PAGING_H_

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "api/json_input.h"
#include "api/native/respond.h"

// Key pagination of native lists: `limit` (1..1000, default 50) and an opaque `cursor`; the
// response is {"data":[…],"next_cursor":…} with the cursor set while pages are full.
namespace rivulet::api::native {

struct Paging {
  int limit = 50;
  int64_t after_id = 0;
};

inline core::Result<Paging> ReadPaging(const FieldReader& r) {
  RIVULET_ASSIGN_OR_RETURN(auto limit, r.Int("limit"));
  RIVULET_ASSIGN_OR_RETURN(auto cursor, r.Int("cursor"));
  Paging p;
  p.limit = static_cast<int>(limit.value_or(50));
  if (limit && (*limit < 1 || *limit > 1000)) return FieldError("limit", "must be 1 to 1000");
  p.after_id = cursor.value_or(0);
  if (p.after_id < 0) return FieldError("cursor", "is not a cursor from this API");
  return p;
}

template <typename Row, typename ToJson>
http::Response PageResponse(const std::vector<Row>& rows, const Paging& p, ToJson to_json) {
  boost::json::array data;
  for (const auto& row : rows) data.push_back(to_json(row));
  boost::json::value next = rows.size() == static_cast<size_t>(p.limit)
                                ? boost::json::value(std::to_string(rows.back().id))
                                : boost::json::value(nullptr);
  return JsonResponse(200, boost::json::object{{"data", std::move(data)}, {"next_cursor", next}});
}

}  // namespace rivulet::api::native

#endif  // RIVULET_API_NATIVE_PAGING_H_
