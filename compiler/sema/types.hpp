// SDL types as the checker sees them. Types are immutable and shared; two
// types are equal when their structure is (schema names are only labels).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace streamc::sema {

struct Type;
using TypeRef = std::shared_ptr<const Type>;

struct Type {
  enum class Kind { Error, Null, Bool, Int, Float, String, Timestamp, Duration, List, Tuple, Record, Optional };
  Kind kind = Kind::Error;
  std::vector<TypeRef> elements;    // List: 1, Optional: 1, Tuple: n, Record: n (parallel to fields)
  std::vector<std::string> fields;  // Record
  std::string name;                 // Record: schema name, if any

  bool is(Kind k) const { return kind == k; }
  bool is_numeric() const { return kind == Kind::Int || kind == Kind::Float; }
  bool is_error() const { return kind == Kind::Error; }
};

namespace types {
TypeRef error();
TypeRef null();
TypeRef boolean();
TypeRef integer();
TypeRef floating();
TypeRef string();
TypeRef timestamp();
TypeRef duration();
TypeRef list(TypeRef element);
TypeRef tuple(std::vector<TypeRef> elements);
TypeRef optional(TypeRef element);
TypeRef record(std::vector<std::string> fields, std::vector<TypeRef> types, std::string name = {});
}  // namespace types

// The SDL side of a C++ function's `streamc::GroupState<S>&` parameter
// (map_groups_with_state): a record {streamc_group_state: S?}, which no
// SDL value has; group_state_of gives S back, or null for other types.
TypeRef group_state_param(TypeRef state);
TypeRef group_state_of(const TypeRef& t);

bool same_type(const TypeRef& a, const TypeRef& b);
// int widens to float; anything else must match. Returns the common type or null.
TypeRef unify(const TypeRef& a, const TypeRef& b);
// Scalars and tuples of them: what a key, a distinct set or a kept value can be.
bool is_hashable(const TypeRef& t);
// How a user reads it: `int`, `[string]`, `(string, int)`, `{word: string}`, `int?`.
std::string to_string(const TypeRef& t);

}  // namespace streamc::sema
