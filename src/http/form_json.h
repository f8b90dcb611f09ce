#ifndef RIVULET_HTTP_FORM_JSON_H_
#define RIVULET_HTTP_FORM_JSON_H_

#include <boost/json/value.hpp>
#include <vector>

#include "core/status.h"
#include "http/form.h"

namespace rivulet::http {

// Builds a JSON object from form fields with PHP bracket semantics, as Laravel/PHP clients
// send them:
//   a=1                       -> {"a":"1"}
//   data[coupon]=X            -> {"data":{"coupon":"X"}}
//   data[a][b]=Y              -> {"data":{"a":{"b":"Y"}}}
//   strIds[]=8&strIds[]=9     -> {"strIds":["8","9"]}
//   strIds[0]=8&strIds[1]=9   -> {"strIds":["8","9"]}
//   a[x]=1&a[]=2              -> {"a":{"x":"1","0":"2"}}
// "[]" appends with the next integer key (one past the largest non-negative integer key so
// far, like PHP). A container whose keys are exactly "0".."n-1" in insertion order becomes an
// array (PHP's array_is_list / json_encode rule); the top level is always an object. Values
// are JSON strings; a field with a filename becomes {"filename","content_type","content"} when
// its content is valid UTF-8, else InvalidArgument("binary file uploads are not supported").
//
// Names, following PHP's request-variable parsing:
// - A later duplicate value overwrites the earlier one in place.
// - A name that is both a value and a container ("a=1&a[b]=2", either order) is
//   InvalidArgument with a field detail (PHP would silently overwrite).
// - If the first '[' has no ']' after it ("a[b", "a]b["), the whole name is a literal key.
//   (PHP would also turn that '[' into '_'; names are never mangled here.)
// - After a "[...]" group, a later unclosed '[' and anything not starting with '[' are
//   ignored: "a[b]c" and "a[b][c" both mean a[b].
// - An index runs to the first ']': "a[b[c]]" means a["b[c"].
// - Fields with an empty base name ("", "[x]") are dropped, as PHP does.
// - Unlike PHP, '.' and ' ' in names are kept and leading spaces are not stripped.
// Limits: more than limits.max_fields fields or a name over limits.max_name_bytes is
// PayloadTooLarge; more than limits.max_depth bracket groups is InvalidArgument. Names and
// values must be valid UTF-8 (InvalidArgument).
core::Result<boost::json::value> FieldsToJson(const std::vector<FormField>& fields,
                                              const FormLimits& limits);

}  // namespace rivulet::http

#endif  // RIVULET_HTTP_FORM_JSON_H_
