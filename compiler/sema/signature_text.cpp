#include "sema/signature_text.hpp"

#include <cctype>

namespace streamc::sema {

namespace {

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[++i];
      out += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> split_tabs(std::string_view line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    size_t tab = line.find('\t', start);
    fields.push_back(unescape(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start)));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return fields;
}

class TypeParser {
 public:
  explicit TypeParser(std::string_view s) : s_(s) {}
  sema::TypeRef parse_all() {
    sema::TypeRef t = parse();
    skip();
    return t && pos_ == s_.size() ? t : nullptr;
  }

 private:
  void skip() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  bool eat(char c) {
    skip();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  sema::TypeRef parse() {
    sema::TypeRef t;
    skip();
    if (eat('[')) {
      sema::TypeRef e = parse();
      if (!e || !eat(']')) return nullptr;
      t = sema::types::list(e);
    } else if (eat('(')) {
      std::vector<sema::TypeRef> elems;
      do {
        sema::TypeRef e = parse();
        if (!e) return nullptr;
        elems.push_back(e);
      } while (eat(','));
      if (!eat(')') || elems.size() < 2) return nullptr;
      t = sema::types::tuple(std::move(elems));
    } else if (eat('{')) {
      std::vector<std::string> names;
      std::vector<sema::TypeRef> elems;
      do {
        skip();
        size_t start = pos_;
        while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
        size_t end = pos_;
        if (end == start || !eat(':')) return nullptr;
        names.emplace_back(s_.substr(start, end - start));
        sema::TypeRef e = parse();
        if (!e) return nullptr;
        elems.push_back(e);
      } while (eat(','));
      if (!eat('}')) return nullptr;
      t = sema::types::record(std::move(names), std::move(elems));
    } else {
      size_t start = pos_;
      while (pos_ < s_.size() && s_[pos_] >= 'a' && s_[pos_] <= 'z') ++pos_;
      std::string_view word = s_.substr(start, pos_ - start);
      if (word == "bool") t = sema::types::boolean();
      else if (word == "int") t = sema::types::integer();
      else if (word == "float") t = sema::types::floating();
      else if (word == "string") t = sema::types::string();
      else if (word == "timestamp") t = sema::types::timestamp();
      else if (word == "duration") t = sema::types::duration();
      else return nullptr;
    }
    while (eat('?')) t = sema::types::optional(t);
    return t;
  }
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

sema::TypeRef parse_type(std::string_view text) { return TypeParser(text).parse_all(); }

std::string write_functions(const std::vector<sema::Function>& functions) {
  std::string out;
  for (const auto& f : functions) {
    out += "function\t" + escape(f.name) + "\t" + escape(f.cpp) + "\t" + escape(f.header) + "\t" + escape(f.declared_at) +
           "\t" + (f.takes_context ? "1" : "0") + "\t" + (f.result ? sema::to_string(f.result) : "void") + "\t" +
           escape(f.result_cpp) + "\t" + escape(f.signature) + "\t" + escape(f.doc) + "\n";
    for (size_t i = 0; i < f.params.size(); ++i)
      out += "param\t" + escape(f.param_names[i]) + "\t" + sema::to_string(f.params[i]) + "\t" + escape(f.param_cpp[i]) + "\n";
    for (const auto& l : f.link) out += "link\t" + escape(l) + "\n";
    for (const auto& st : f.structs) out += "struct\t" + escape(st.cpp) + "\t" + sema::to_string(st.record) + "\n";
    for (const auto& i : f.includes) out += "include\t" + escape(i) + "\n";
  }
  return out;
}

bool read_functions(std::string_view text, std::vector<sema::Function>& out, std::string& error) {
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (line.empty()) continue;
    std::vector<std::string> f = split_tabs(line);
    auto bad = [&](const char* why) {
      error = "line " + std::to_string(line_no) + ": " + why;
      return false;
    };
    if (f[0] == "function") {
      if (f.size() != 10) return bad("a function line has 10 fields");
      sema::Function fn;
      fn.name = f[1];
      fn.cpp = f[2];
      fn.header = f[3];
      fn.declared_at = f[4];
      fn.takes_context = f[5] == "1";
      if (f[6] != "void") {
        fn.result = parse_type(f[6]);
        if (!fn.result) return bad("bad result type");
      }
      fn.result_cpp = f[7];
      fn.signature = f[8];
      fn.doc = f[9];
      out.push_back(std::move(fn));
    } else if (f[0] == "param") {
      if (f.size() != 4 || out.empty()) return bad("a param line has 4 fields and follows a function");
      sema::TypeRef t = parse_type(f[2]);
      if (!t) return bad("bad parameter type");
      out.back().param_names.push_back(f[1]);
      out.back().params.push_back(t);
      out.back().param_cpp.push_back(f[3]);
    } else if (f[0] == "link") {
      if (f.size() != 2 || out.empty()) return bad("a link line has 2 fields and follows a function");
      out.back().link.push_back(f[1]);
    } else if (f[0] == "struct") {
      if (f.size() != 3 || out.empty()) return bad("a struct line has 3 fields and follows a function");
      sema::TypeRef t = parse_type(f[2]);
      if (!t || !t->is(sema::Type::Kind::Record)) return bad("bad struct record type");
      out.back().structs.push_back({f[1], t});
    } else if (f[0] == "include") {
      if (f.size() != 2 || out.empty()) return bad("an include line has 2 fields and follows a function");
      out.back().includes.push_back(f[1]);
    } else {
      return bad("unknown line kind");
    }
  }
  return true;
}

}  // namespace streamc::sema
