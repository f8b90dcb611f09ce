#ifndef RIVULET_API_ALLSTECH_VALIDATOR_H_
#define RIVULET_API_ALLSTECH_VALIDATOR_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

// Laravel-style validation of one request's input (a form or JSON body, or the query): every
// rule is checked, each failing field keeps its first message in Laravel's wording ("The
// automation name field is required."), and status() reports them all at once. Form values
// arrive as strings, so integers also accept their decimal text. Internal to api/allstech/.
namespace rivulet::api::allstech {

class Validator {
 public:
  explicit Validator(const boost::json::object& input) : input_(input) {}

  // A text value of at most max_chars bytes; absent, null and "" are "not given".
  std::optional<std::string> String(const char* field, bool required, size_t max_chars = 255);
  // An integer in [min, max].
  std::optional<int64_t> Integer(const char* field, bool required, int64_t min = 0,
                                 int64_t max = INT64_MAX);
  // One of the allowed values.
  std::optional<std::string> In(const char* field, bool required,
                                std::initializer_list<std::string_view> allowed);
  // An array of integers (strIds[] / strIds[0]=… in forms, or a JSON array).
  std::optional<std::vector<int64_t>> IntegerArray(const char* field, bool required,
                                                   size_t max_items);

  // Records a failure for field unless it already has one.
  void Fail(const std::string& field, const std::string& message);
  bool failed(const std::string& field) const;

  // Ok, or InvalidArgument with one detail per failing field.
  core::Status status() const;

  // "automation_name" → "automation name", "strIds" → "str ids", as Laravel shows them.
  static std::string Attribute(std::string_view field);

 private:
  const boost::json::value* Given(const char* field) const;

  const boost::json::object& input_;
  core::Status status_ = core::Status::Ok();
  std::vector<std::string> failed_;
};

}  // namespace rivulet::api::allstech

#endif  // RIVULET_API_ALLSTECH_VALIDATOR_H_
