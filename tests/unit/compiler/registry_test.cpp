// The registries (sema/registry.hpp) are the one list of operators,
// aggregates and connectors: the editor grammar's keyword list must name
// exactly them, and every aggregate's accumulator must exist in the runtime.
#include "sema/registry.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace streamc::sema {
namespace {

std::set<std::string> keyword_group(const char* group) {
  std::string path = std::string(STREAMC_SOURCE_DIR) + "/grammar/keywords.json";
  simdjson::padded_string json;
  EXPECT_EQ(simdjson::padded_string::load(path).get(json), simdjson::SUCCESS) << path;
  simdjson::dom::parser parser;
  simdjson::dom::array words;
  EXPECT_EQ(parser.parse(json)[group].get_array().get(words), simdjson::SUCCESS) << group;
  std::set<std::string> out;
  for (auto w : words) out.insert(std::string(w.get_string().value()));
  return out;
}

template <class Spec>
std::set<std::string> name_set(const std::vector<Spec>& table) {
  std::set<std::string> out;
  for (const auto& s : table) EXPECT_TRUE(out.insert(std::string(s.name)).second) << s.name << " is listed twice";
  return out;
}

TEST(Registry, EditorKeywordsAreTheRegistries) {
  EXPECT_EQ(keyword_group("operators"), name_set(operators())) << "grammar/keywords.json \"operators\"";
  EXPECT_EQ(keyword_group("aggregates"), name_set(aggregates())) << "grammar/keywords.json \"aggregates\"";
  EXPECT_EQ(keyword_group("connectors"), name_set(connectors())) << "grammar/keywords.json \"connectors\"";
}

TEST(Registry, AccumulatorsExistInTheRuntime) {
  std::ifstream in(std::string(STREAMC_SOURCE_DIR) + "/runtime/include/streamc/runtime/aggregates.hpp");
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& a : aggregates()) {
    std::smatch m;
    std::string acc(a.accumulator);
    ASSERT_TRUE(std::regex_match(acc, m, std::regex(R"(rt::(\w+)(<\{(value|arg)\}>)?)"))) << a.name << ": " << acc;
    EXPECT_NE(text.str().find("class " + m[1].str() + " "), std::string::npos) << a.name << ": no class " << m[1];
    EXPECT_TRUE(a.accepts && a.result) << a.name;
  }
}

TEST(Registry, ConnectorsAndRoles) {
  for (const auto& c : connectors()) {
    EXPECT_EQ(connector_name(c.id), c.name);
    EXPECT_EQ(find_connector(c.name), &c);
    EXPECT_NE(c.roles, 0u) << c.name;
  }
  EXPECT_EQ(connector_list(kSourceRole), "socket, files, kafka and generate");
  EXPECT_EQ(find_connector("nope"), nullptr);
}

TEST(Registry, AggregateTypeRules) {
  const AggregateSpec* sum = find_aggregate("sum");
  ASSERT_NE(sum, nullptr);
  EXPECT_TRUE(sum->accepts(types::integer()));
  EXPECT_FALSE(sum->accepts(types::string()));
  EXPECT_EQ(to_string(sum->result(types::optional(types::integer()))), "int?");  // null over only nulls, as Spark
  EXPECT_EQ(to_string(find_aggregate("avg")->result(types::integer())), "float?");
  EXPECT_EQ(to_string(find_aggregate("collect_list")->result(types::optional(types::string()))), "[string]");
  EXPECT_EQ(to_string(find_aggregate("count")->result(nullptr)), "int");
}

}  // namespace
}  // namespace streamc::sema
