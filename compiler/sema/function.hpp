// A C++ function callable from SDL: a built-in one (stdlib/, read at build
// time) or one of a program's imports (read by compiler/import/). Both come
// from STREAMC_UDF declarations through the same importer, so the checker and
// the code generator treat them alike.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sema/types.hpp"

namespace streamc::sema {

// A plain C++ struct that a signature passes or returns: the SDL record of
// its fields. The code generator converts between the two.
struct CppStruct {
  std::string cpp;  // "::geo::Point"
  TypeRef record;   // {lat: float, lon: float}
};

struct Function {
  std::string name;                      // the SDL name: the unqualified C++ name
  std::string cpp;                       // the qualified C++ name the generated code calls
  std::vector<TypeRef> params;           // SDL parameter types
  std::vector<std::string> param_names;  // as declared in C++ (may be empty strings)
  std::vector<std::string> param_cpp;    // C++ parameter types, without const/&, as streamc spells them
  TypeRef result;                        // SDL result type; nullptr when the function returns void
  std::string result_cpp;                // "void", "std::string", "double", …
  bool takes_context = false;            // first C++ parameter is `const streamc::udf::Context&`
  bool builtin = false;                  // from stdlib/
  std::string header;                    // what the generated code #includes ("streamc/stdlib/strings.hpp" or an absolute path)
  std::string declared_at;               // "udf/geo.hpp:3:8", as the user reads it
  std::string signature;                 // the C++ declaration: "double haversine(double, double, double, double)"
  std::string doc;                       // the `///` comment above the declaration
  std::vector<std::string> link;         // linker arguments the header asks for (`// streamc-link: …`)
  std::vector<CppStruct> structs;        // the structs in the signature, each after those it contains
  std::vector<std::string> includes;     // absolute paths of the non-system files the header includes
  std::string content_hash;              // imported only: hash of the header and its includes as read for this
                                         // compile; the generated code carries it, so that the build cache (keyed
                                         // by the code) notices an edited function body wherever it is
};

using FunctionRef = std::shared_ptr<const Function>;

// `name(string, int) -> [string]`, for listings and messages.
std::string sdl_signature(const Function& f);

}  // namespace streamc::sema
