// The C++ importer (compiler/import): libTooling reading of STREAMC_UDF
// headers, the signature text, the cache, and the stdlib table built from it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "driver/frontend.hpp"
#include "import/import_cache.hpp"
#include "import/import_header.hpp"
#include "sema/registry.hpp"
#include "sema/signature_text.hpp"
#include "sema/builtins.hpp"

namespace streamc::import {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("streamc-import-test-" + std::to_string(getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

ImportOptions options_in(const TempDir& dir) {
  ImportOptions o;
  o.include_dirs = {std::string(STREAMC_SOURCE_DIR) + "/runtime/include", std::string(STREAMC_SOURCE_DIR) + "/stdlib"};
  o.display_base = dir.str();
  return o;
}

const sema::Function* find(const ImportResult& r, const std::string& name) {
  for (const auto& f : r.functions)
    if (f.name == name) return &f;
  return nullptr;
}

TEST(ImportHeader, ReadsAnnotatedFunctionsAndMapsTypes) {
  TempDir dir;
  std::string h = dir.write("udf/all.hpp", R"(#pragma once
#include <streamc/udf.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>
namespace geo {
/// Distance in km.
STREAMC_UDF double haversine(double lat1, double lon1, double lat2, double lon2);
STREAMC_UDF inline std::string shout(const std::string& s) { return s + "!"; }
STREAMC_UDF inline std::vector<std::pair<std::string_view, int64_t>> pairs(std::string_view s) { return {{s, 1}}; }
STREAMC_UDF inline bool early(streamc::rt::Timestamp t, streamc::rt::Duration d) { return t.micros < d.micros; }
STREAMC_UDF inline std::optional<int64_t> maybe(int64_t x) { return x; }
STREAMC_UDF inline streamc::rt::Timestamp when(const streamc::udf::Context& c) { return c.batch_time; }
STREAMC_UDF inline void save(int64_t batch_id, const std::vector<std::tuple<std::string, int64_t>>& rows) {}
inline int64_t not_exported(int x) { return x; }
namespace {
STREAMC_UDF inline int64_t hidden(int64_t x) { return x; }
}
}  // namespace geo
)");
  ImportResult r = import_header(h, options_in(dir));
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].where() << ": " << r.errors[0].message;
  ASSERT_EQ(r.functions.size(), 8u);
  EXPECT_EQ(find(r, "not_exported"), nullptr);

  const sema::Function* hv = find(r, "haversine");
  ASSERT_NE(hv, nullptr);
  EXPECT_EQ(hv->cpp, "::geo::haversine");
  EXPECT_EQ(sema::sdl_signature(*hv), "haversine(float, float, float, float) -> float");
  EXPECT_EQ(hv->signature, "double haversine(double, double, double, double)");
  EXPECT_EQ(hv->declared_at, "udf/all.hpp:11:20");
  EXPECT_EQ(hv->doc, "Distance in km.");
  EXPECT_EQ(hv->param_names, (std::vector<std::string>{"lat1", "lon1", "lat2", "lon2"}));
  EXPECT_EQ(hv->header, fs::weakly_canonical(h).string());

  const sema::Function* shout = find(r, "shout");
  EXPECT_EQ(sema::sdl_signature(*shout), "shout(string) -> string");
  EXPECT_EQ(shout->param_cpp[0], "std::string");
  EXPECT_EQ(shout->result_cpp, "std::string");

  const sema::Function* pairs = find(r, "pairs");
  EXPECT_EQ(sema::sdl_signature(*pairs), "pairs(string) -> [(string, int)]");
  EXPECT_EQ(pairs->result_cpp, "std::vector<std::pair<std::string_view, int64_t>>");

  EXPECT_EQ(sema::sdl_signature(*find(r, "early")), "early(timestamp, duration) -> bool");
  EXPECT_EQ(sema::sdl_signature(*find(r, "maybe")), "maybe(int) -> int?");

  const sema::Function* when = find(r, "when");
  EXPECT_TRUE(when->takes_context);
  EXPECT_TRUE(when->params.empty());

  const sema::Function* save = find(r, "save");
  EXPECT_EQ(save->result, nullptr);
  EXPECT_EQ(save->result_cpp, "void");
  EXPECT_EQ(sema::sdl_signature(*save), "save(int, [(string, int)]) -> nothing");

  EXPECT_EQ(find(r, "hidden")->cpp, "::geo::hidden");  // anonymous namespaces are left out
  // The header and what it includes from the include dirs, not the system headers.
  EXPECT_TRUE(std::find(r.dependencies.begin(), r.dependencies.end(), fs::weakly_canonical(h).string()) != r.dependencies.end());
  EXPECT_TRUE(std::none_of(r.dependencies.begin(), r.dependencies.end(),
                           [](const std::string& d) { return d.find("/usr/include/c++") != std::string::npos; }));
}

ImportError first_error(const std::string& text, bool allow_overloads = false) {
  TempDir dir;
  std::string h = dir.write("bad.hpp", "#include <streamc/udf.hpp>\n#include <cstdint>\n#include <vector>\n" + text);
  ImportOptions o = options_in(dir);
  o.allow_overloads = allow_overloads;
  ImportResult r = import_header(h, o);
  EXPECT_TRUE(r.functions.empty());
  return r.errors.empty() ? ImportError{} : r.errors[0];
}

TEST(ImportHeader, UnsupportedTypesAreLocatedErrors) {
  ImportError e = first_error("STREAMC_UDF inline int64_t f(int64_t a, float b) { return a; }\n");
  EXPECT_EQ(e.where(), "bad.hpp:4:47");  // at the parameter b
  EXPECT_EQ(e.message, "parameter 2 'b' of 'f': 'float' has no SDL type; SDL float is double");
  EXPECT_NE(first_error("STREAMC_UDF inline int64_t f(std::vector<int64_t>& v) { return 0; }\n").message.find("non-const reference"),
            std::string::npos);
  EXPECT_NE(first_error("STREAMC_UDF inline int64_t f(const char* s) { return 0; }\n").message.find("is a pointer"), std::string::npos);
  EXPECT_NE(first_error("struct P { int64_t x; union { int64_t u; }; };\nSTREAMC_UDF inline P f(int64_t x) { return {x}; }\n")
                .message.find("has an unnamed field"),
            std::string::npos);
  EXPECT_NE(first_error("STREAMC_UDF inline unsigned f(int64_t x) { return 0; }\n").message.find("SDL int is int64_t"),
            std::string::npos);
}

TEST(ImportHeader, OverloadsTemplatesMembersAndVariadics) {
  ImportError e = first_error("STREAMC_UDF inline double g(double x) { return x; }\nSTREAMC_UDF inline int64_t g(int64_t x) { return x; }\n");
  EXPECT_EQ(e.where(), "bad.hpp:5:28");
  EXPECT_NE(e.message.find("declared twice as STREAMC_UDF (first at bad.hpp:4:27)"), std::string::npos);
  EXPECT_NE(first_error("template <class T> STREAMC_UDF T id(T x) { return x; }\n").message.find("function template"), std::string::npos);
  EXPECT_NE(first_error("struct S { STREAMC_UDF int64_t m(int64_t x) { return x; } };\n").message.find("member function"),
            std::string::npos);
  EXPECT_NE(first_error("STREAMC_UDF inline int64_t v(int64_t n, ...) { return n; }\n").message.find("variadic"), std::string::npos);
}

TEST(ImportHeader, OverloadsAllowedForTheStdlib) {
  TempDir dir;
  std::string h = dir.write("o.hpp", "#include <streamc/udf.hpp>\n#include <cstdint>\nSTREAMC_UDF inline double g(double x) { return x; }\n"
                                     "STREAMC_UDF inline int64_t g(int64_t x) { return x; }\n");
  ImportOptions o = options_in(dir);
  o.allow_overloads = true;
  ImportResult r = import_header(h, o);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.functions.size(), 2u);
}

TEST(ImportHeader, RedeclarationIsNotAnOverload) {
  TempDir dir;
  std::string h = dir.write("r.hpp", "#include <streamc/udf.hpp>\nSTREAMC_UDF double g(double x);\ndouble g(double x) { return x; }\n");
  ImportResult r = import_header(h, options_in(dir));
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.functions.size(), 1u);
}

TEST(ImportHeader, SyntaxErrorsAndMissingIncludesGiveClangsFirstError) {
  ImportError e = first_error("STREAMC_UDF inline int64_t inc(int64_t x) { return x + 1 }\n");
  EXPECT_EQ(e.where(), "bad.hpp:4:57");
  EXPECT_EQ(e.message, "expected ';' after return statement");
  ImportError m = first_error("#include \"nowhere.hpp\"\n");
  EXPECT_EQ(m.where(), "bad.hpp:4:10");
  EXPECT_EQ(m.message, "'nowhere.hpp' file not found");
}

TEST(SignatureText, RoundTrips) {
  TempDir dir;
  std::string h = dir.write("t.hpp", "#include <streamc/udf.hpp>\n#include <string>\n#include <vector>\n"
                                     "/// Doc with a\ttab.\nSTREAMC_UDF inline std::vector<std::string> f(const std::string& s, double x) { return {s}; }\n"
                                     "// streamc-link: -lfoo -L/opt/foo\n");
  ImportResult r = import_header(h, options_in(dir));
  ASSERT_EQ(r.functions.size(), 1u);
  EXPECT_EQ(r.functions[0].link, (std::vector<std::string>{"-lfoo", "-L/opt/foo"}));
  std::string text = sema::write_functions(r.functions);
  std::vector<sema::Function> back;
  std::string error;
  ASSERT_TRUE(sema::read_functions(text, back, error)) << error;
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(sema::write_functions(back), text);
  EXPECT_EQ(back[0].doc, "Doc with a tab.");
  EXPECT_FALSE(sema::read_functions("function\tonly\n", back, error));
}

TEST(SignatureText, ParsesTypes) {
  for (const char* t : {"int", "[string]", "(string, int)", "[(string, [float?])]", "timestamp?", "((bool, duration), int)",
                        "{x: float, y: float}", "[{name: string, at: {x: float, y: float}, tags: [string]}?]"})
    EXPECT_EQ(sema::to_string(sema::parse_type(t)), t);
  for (const char* bad : {"", "integer", "[int", "(int)", "(int, )", "int int", "{}", "{x float}", "{x: float", "{: int}"})
    EXPECT_EQ(sema::parse_type(bad), nullptr) << bad;
}

TEST(ImportHeader, PlainStructsAreRecords) {
  TempDir dir;
  std::string inc = dir.write("inc/point.hpp", "#pragma once\nnamespace geo { struct Point { double lat; double lon; }; }\n");
  std::string h = dir.write("s.hpp", R"(#include <streamc/udf.hpp>
#include <optional>
#include <string>
#include <vector>
#include "inc/point.hpp"
namespace geo {
struct Stop { std::string name; Point at; std::vector<Point> route; std::optional<int64_t> rank; };
STREAMC_UDF inline Stop stop(const Point& p) { return {"x", p, {}, {}}; }
STREAMC_UDF inline double first_lat(const std::vector<Stop>& s) { return s.at(0).at.lat; }
}
)");
  ImportResult r = import_header(h, options_in(dir));
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].where() << ": " << r.errors[0].message;
  const sema::Function* stop = find(r, "stop");
  ASSERT_NE(stop, nullptr);
  EXPECT_EQ(sema::to_string(stop->params[0]), "{lat: float, lon: float}");
  EXPECT_EQ(stop->param_cpp[0], "::geo::Point");
  EXPECT_EQ(sema::to_string(stop->result), "{name: string, at: {lat: float, lon: float}, route: [{lat: float, lon: float}], rank: int?}");
  EXPECT_EQ(stop->result_cpp, "::geo::Stop");
  // Each struct once, nested ones first, so the generated conversions can use them.
  ASSERT_EQ(stop->structs.size(), 2u);
  EXPECT_EQ(stop->structs[0].cpp, "::geo::Point");
  EXPECT_EQ(stop->structs[1].cpp, "::geo::Stop");
  const sema::Function* first = find(r, "first_lat");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->param_cpp[0], "std::vector<::geo::Stop>");
  // The included file decides the build too.
  EXPECT_NE(std::find(stop->includes.begin(), stop->includes.end(), fs::weakly_canonical(inc).string()), stop->includes.end());

  std::string text = sema::write_functions(r.functions);
  std::vector<sema::Function> back;
  std::string error;
  ASSERT_TRUE(sema::read_functions(text, back, error)) << error;
  EXPECT_EQ(sema::write_functions(back), text);
  ASSERT_EQ(back[0].structs.size(), 2u);
  EXPECT_EQ(sema::to_string(back[0].structs[1].record), sema::to_string(stop->result));
}

TEST(ImportHeader, StructsThatAreNotPlainAreLocatedErrors) {
  TempDir dir;
  auto error_of = [&](const std::string& body) {
    std::string h = dir.write("bad.hpp", "#include <streamc/udf.hpp>\n#include <string>\n" + body);
    ImportResult r = import_header(h, options_in(dir));
    return r.errors.empty() ? std::string("no error") : r.errors[0].message;
  };
  EXPECT_EQ(error_of("struct B { double x; }; struct D : B { double y; };\nSTREAMC_UDF inline double f(D d) { return d.y; }\n"),
            "parameter 1 'd' of 'f': struct 'D' has base classes; SDL records map to plain structs (public fields of SDL "
            "types, no base classes, no constructors)");
  EXPECT_EQ(error_of("struct P { P(double v) : x(v) {} double x; };\nSTREAMC_UDF inline double f(P p) { return p.x; }\n"),
            "parameter 1 'p' of 'f': struct 'P' is not an aggregate (it has constructors or virtual functions); SDL records "
            "map to plain structs (public fields of SDL types, no base classes, no constructors)");
  EXPECT_EQ(error_of("struct N { int n; };\nSTREAMC_UDF inline N f() { return {1}; }\n"),
            "the result of 'f': struct 'N' field 'n': 'int' has no SDL type; SDL int is int64_t");
  EXPECT_EQ(error_of("struct E {};\nSTREAMC_UDF inline double f(E) { return 1; }\n"),
            "parameter 1 of 'f': struct 'E' has no fields; an SDL record has at least one");
  EXPECT_EQ(error_of("struct F;\nSTREAMC_UDF double f(const F&);\n"),
            "parameter 1 of 'f': struct 'F' is declared but not defined here; SDL needs its fields");
}

TEST(ImportCache, StoresAndRevalidatesByContent) {
  TempDir dir;
  std::string cache = dir.str() + "/cache";
  std::string inc = dir.write("inc/types.hpp", "#pragma once\n#include <cstdint>\nusing Count = int64_t;\n");
  std::string h = dir.write("h.hpp", "#include <streamc/udf.hpp>\n#include \"inc/types.hpp\"\nSTREAMC_UDF inline Count one() { return 1; }\n");
  ImportOptions o = options_in(dir);
  EXPECT_FALSE(cache_load(cache, h, o));
  ImportResult r = import_header(h, o);
  ASSERT_TRUE(r.errors.empty());
  cache_store(cache, h, o, r);
  auto hit = cache_load(cache, h, o);
  ASSERT_TRUE(hit);
  ASSERT_EQ(hit->size(), 1u);
  EXPECT_EQ(sema::sdl_signature((*hit)[0]), "one() -> int");
  // Other include dirs: another entry.
  ImportOptions other = o;
  other.include_dirs.push_back("/elsewhere");
  EXPECT_FALSE(cache_load(cache, h, other));
  // An included file changed: the entry is stale.
  std::ofstream(inc) << "#pragma once\nusing Count = double;\n";
  EXPECT_FALSE(cache_load(cache, h, o));
}

TEST(Builtins, AllComeFromStdlibWithDocs) {
  std::set<std::string> names;
  for (const auto& f : sema::builtins()) {
    names.insert(f->name);
    EXPECT_TRUE(f->builtin);
    EXPECT_EQ(f->header.rfind("streamc/stdlib/", 0), 0u) << f->name;
    EXPECT_FALSE(f->doc.empty()) << f->name;
    EXPECT_EQ(f->cpp.rfind("::streamc::stdlib::", 0), 0u) << f->name;
    EXPECT_EQ(sema::find_operator(f->name), nullptr) << f->name << " is both a built-in function and an operator";
  }
  for (const char* n : {"split", "lower", "upper", "trim", "length", "substr", "contains", "starts_with", "ends_with",
                        "replace", "regex_match", "regex_extract", "concat", "abs", "round", "floor", "ceil", "sqrt",
                        "pow", "min", "max", "now", "to_timestamp", "from_unixtime", "unix_timestamp", "date_trunc",
                        "format_timestamp", "year", "month", "day", "hour", "to_int", "to_float", "to_string", "hash"})
    EXPECT_TRUE(names.count(n)) << n;
}

TEST(ResolveImports, ProgramsCallImportedFunctions) {
  TempDir dir;
  dir.write("udf/geo.hpp", "#include <streamc/udf.hpp>\nnamespace geo {\nSTREAMC_UDF inline double km(double m) { return m / 1000; }\n}\n");
  std::string sdl = dir.write("p.sdl", "import \"udf/geo.hpp\"\nsource lines = files(\"in/*.txt\")\n"
                                       "stream k = lines |> map(l -> km(length(l)))\nsink k -> console()\n");
  SourceFile file("", "");
  std::string err;
  ASSERT_TRUE(SourceFile::read(sdl, file, err));
  Diagnostics diags(file);
  driver::Compilation comp;
  ImportSettings settings;
  settings.include_dirs = options_in(dir).include_dirs;
  settings.cache_dir = dir.str() + "/cache";
  ASSERT_TRUE(driver::run_passes(file, diags, comp, "codegen", {}, nullptr, &settings));
  EXPECT_EQ(comp.imports.headers, 1);
  EXPECT_EQ(comp.imports.parsed, 1);
  ASSERT_EQ(comp.checked->imported.size(), 1u);
  EXPECT_NE(comp.cpp.find("::geo::km(static_cast<double>("), std::string::npos);
  EXPECT_NE(comp.cpp.find("#include \"" + fs::weakly_canonical(dir.str() + "/udf/geo.hpp").string() + "\""), std::string::npos);
  // The second time, from the cache.
  driver::Compilation again;
  Diagnostics diags2(file);
  ASSERT_TRUE(driver::run_passes(file, diags2, again, "check", {}, nullptr, &settings));
  EXPECT_EQ(again.imports.parsed, 0);
}

}  // namespace
}  // namespace streamc::import
