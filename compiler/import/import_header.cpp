// libTooling: parse the header as C++20 (-fsyntax-only), walk the
// declarations of the header itself, keep the functions annotated
// `streamc_udf`, and map their C++ types to SDL types.
#include "import/import_header.hpp"

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/Attr.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Lex/PPCallbacks.h>
#include <clang/Lex/Preprocessor.h>
#include <clang/Tooling/CompilationDatabase.h>
#include <clang/Tooling/Tooling.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace streamc::import {

const char* clang_resource_dir() { return STREAMC_CLANG_RESOURCE_DIR; }

std::string ImportError::where() const {
  if (file.empty()) return {};
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

namespace {

using namespace clang;

// How a path is shown: relative to `base` when inside it.
std::string display_path(const std::string& path, const std::string& base) {
  if (base.empty()) return path;
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(path, ec);
  fs::path b = fs::weakly_canonical(base, ec);
  fs::path rel = abs.lexically_relative(b);
  if (!rel.empty() && *rel.begin() != "..") return rel.string();
  return abs.string();
}

// The first error Clang reports, with its location.
class FirstError : public DiagnosticConsumer {
 public:
  explicit FirstError(std::string base) : base_(std::move(base)) {}
  void HandleDiagnostic(DiagnosticsEngine::Level level, const Diagnostic& info) override {
    DiagnosticConsumer::HandleDiagnostic(level, info);
    if (level < DiagnosticsEngine::Error || error) return;
    SmallString<256> text;
    info.FormatDiagnostic(text);
    error.emplace();
    error->message = text.str().str();
    error->note = "Clang's first error is here";
    if (info.hasSourceManager() && info.getLocation().isValid()) {
      PresumedLoc p = info.getSourceManager().getPresumedLoc(info.getLocation());
      if (p.isValid()) {
        error->file = display_path(p.getFilename(), base_);
        error->line = p.getLine();
        error->column = p.getColumn();
      }
    }
  }
  std::optional<ImportError> error;

 private:
  std::string base_;
};

// The files the parse enters that are not system headers.
class Dependencies : public PPCallbacks {
 public:
  Dependencies(SourceManager& sm, std::set<std::string>& out) : sm_(sm), out_(out) {}
  void FileChanged(SourceLocation loc, FileChangeReason reason, SrcMgr::CharacteristicKind kind, FileID) override {
    if (reason != EnterFile || SrcMgr::isSystem(kind)) return;
    if (const FileEntry* f = sm_.getFileEntryForID(sm_.getFileID(sm_.getExpansionLoc(loc)))) {
      std::error_code ec;
      fs::path p = fs::weakly_canonical(f->tryGetRealPathName().empty() ? f->getName().str() : f->tryGetRealPathName().str(), ec);
      out_.insert(p.string());
    }
  }

 private:
  SourceManager& sm_;
  std::set<std::string>& out_;
};

// One C++ type as an SDL type, or why it has none.
struct Mapped {
  sema::TypeRef sdl;
  std::string cpp;      // streamc's spelling (std::string, std::vector<int64_t>, …)
  std::string problem;  // non-empty: not mappable
  bool context = false;  // streamc::udf::Context
};

// The plain structs a signature mentions, each after the structs it contains.
using StructList = std::vector<sema::CppStruct>;

std::string written(QualType t, const ASTContext& ctx) {
  PrintingPolicy pp(ctx.getLangOpts());
  pp.SuppressTagKeyword = true;
  return t.getAsString(pp);
}

Mapped map_type(QualType t, ASTContext& ctx, bool allow_void, StructList& structs);

Mapped map_args(const ClassTemplateSpecializationDecl* spec, ASTContext& ctx, size_t count, std::string& cpp_args,
                std::vector<sema::TypeRef>& out, StructList& structs) {
  const TemplateArgumentList& args = spec->getTemplateArgs();
  for (size_t i = 0; i < count && i < args.size(); ++i) {
    const TemplateArgument& a = args[i];
    if (a.getKind() == TemplateArgument::Pack) {
      for (const TemplateArgument& p : a.pack_elements()) {
        Mapped m = map_type(p.getAsType(), ctx, false, structs);
        if (!m.problem.empty() || m.context) return m.context ? Mapped{nullptr, {}, "streamc::udf::Context inside a container"} : m;
        cpp_args += (cpp_args.empty() ? "" : ", ") + m.cpp;
        out.push_back(m.sdl);
      }
      continue;
    }
    if (a.getKind() != TemplateArgument::Type) return {nullptr, {}, "a template argument that is not a type"};
    Mapped m = map_type(a.getAsType(), ctx, false, structs);
    if (!m.problem.empty() || m.context) return m.context ? Mapped{nullptr, {}, "streamc::udf::Context inside a container"} : m;
    cpp_args += (cpp_args.empty() ? "" : ", ") + m.cpp;
    out.push_back(m.sdl);
  }
  return {};
}

// The C++ name of a declaration from the global namespace ("::geo::Point"),
// anonymous namespaces left out.
std::string qualified_cpp_name(const NamedDecl* d) {
  std::vector<std::string> parts = {d->getNameAsString()};
  for (const DeclContext* dc = d->getDeclContext(); dc && !dc->isTranslationUnit(); dc = dc->getParent()) {
    if (const auto* ns = dyn_cast<NamespaceDecl>(dc)) {
      if (!ns->isAnonymousNamespace()) parts.push_back(ns->getNameAsString());
    } else if (const auto* outer = dyn_cast<RecordDecl>(dc)) {
      parts.push_back(outer->getNameAsString());
    }
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += "::" + *it;
  return out;
}

// A plain struct (an aggregate of public SDL-typed fields, no base classes)
// as the SDL record of its fields, in declaration order.
Mapped map_struct(const CXXRecordDecl* rd, ASTContext& ctx, StructList& structs) {
  std::string shown = "struct '" + rd->getQualifiedNameAsString() + "'";
  const CXXRecordDecl* def = rd->getDefinition();
  if (!def) return {nullptr, {}, shown + " is declared but not defined here; SDL needs its fields"};
  const std::string plain = "; SDL records map to plain structs (public fields of SDL types, no base classes, no constructors)";
  if (def->isUnion()) return {nullptr, {}, shown + " is a union" + plain};
  if (def->getNumBases() > 0 || def->getNumVBases() > 0) return {nullptr, {}, shown + " has base classes" + plain};
  if (def->isLambda() || def->getName().empty()) return {nullptr, {}, shown + " has no name" + plain};
  std::string cpp = qualified_cpp_name(def);
  for (const auto& known : structs)
    if (known.cpp == cpp) return {known.record, cpp};
  std::vector<std::string> names;
  std::vector<sema::TypeRef> types;
  for (const FieldDecl* field : def->fields()) {
    std::string name = field->getNameAsString();
    std::string what = shown + " field '" + name + "'";
    if (field->getAccess() != AS_public) return {nullptr, {}, what + " is not public" + plain};
    if (field->isBitField()) return {nullptr, {}, what + " is a bit-field" + plain};
    if (name.empty()) return {nullptr, {}, shown + " has an unnamed field" + plain};
    if (field->getType()->isReferenceType())
      return {nullptr, {}, what + " is a reference; record fields hold values" };
    Mapped m = map_type(field->getType(), ctx, false, structs);
    if (m.context) return {nullptr, {}, what + ": streamc::udf::Context is not a value"};
    if (!m.problem.empty()) return {nullptr, {}, what + ": " + m.problem};
    names.push_back(name);
    types.push_back(m.sdl);
  }
  if (!def->isAggregate()) return {nullptr, {}, shown + " is not an aggregate (it has constructors or virtual functions)" + plain};
  if (names.empty()) return {nullptr, {}, shown + " has no fields; an SDL record has at least one"};
  sema::TypeRef record = sema::types::record(std::move(names), std::move(types));
  structs.push_back({cpp, record});
  return {record, cpp};
}

Mapped map_type(QualType original, ASTContext& ctx, bool allow_void, StructList& structs) {
  QualType t = original;
  std::string shown = "'" + written(original, ctx) + "'";
  if (const auto* ref = t->getAs<ReferenceType>()) {
    QualType pointee = ref->getPointeeType();
    // map_groups_with_state's state (streamc/udf.hpp), changed by the
    // function: the SDL side sees a marker record holding S? (sema::group_state_param).
    const auto* gs = dyn_cast_or_null<ClassTemplateSpecializationDecl>(pointee.getCanonicalType()->getAsCXXRecordDecl());
    if (gs && gs->getQualifiedNameAsString() == "streamc::GroupState" && !t->isRValueReferenceType() &&
        !pointee.isConstQualified()) {
      std::string cpp_args;
      std::vector<sema::TypeRef> elems;
      Mapped m = map_args(gs, ctx, 1, cpp_args, elems, structs);
      if (!m.problem.empty()) return m;
      return {sema::group_state_param(elems[0]), "streamc::GroupState<" + cpp_args + ">&"};
    }
    if (t->isRValueReferenceType() || !pointee.isConstQualified())
      return {nullptr, {}, shown + " is a " + std::string(t->isRValueReferenceType() ? "rvalue" : "non-const") +
                               " reference; take the value by value or by const reference"};
    t = pointee;
  }
  QualType c = t.getCanonicalType().getUnqualifiedType();
  if (const auto* b = c->getAs<BuiltinType>()) {
    switch (b->getKind()) {
      case BuiltinType::Bool: return {sema::types::boolean(), "bool"};
      case BuiltinType::Double: return {sema::types::floating(), "double"};
      case BuiltinType::Long:
      case BuiltinType::LongLong:
        if (ctx.getTypeSize(c) == 64) return {sema::types::integer(), "int64_t"};
        break;
      case BuiltinType::Void:
        if (allow_void) return {nullptr, "void"};
        return {nullptr, {}, "'void' is not a value type"};
      case BuiltinType::Float: return {nullptr, {}, shown + " has no SDL type; SDL float is double"};
      default: break;
    }
    if (c->isIntegerType()) return {nullptr, {}, shown + " has no SDL type; SDL int is int64_t"};
    return {nullptr, {}, shown + " has no SDL type"};
  }
  if (const CXXRecordDecl* rd = c->getAsCXXRecordDecl()) {
    const auto* spec = dyn_cast<ClassTemplateSpecializationDecl>(rd);
    if (spec && rd->isInStdNamespace()) {
      std::string cpp_args;
      std::vector<sema::TypeRef> elems;
      std::string name = rd->getName().str();
      if (name == "basic_string" || name == "basic_string_view") {
        QualType ch = spec->getTemplateArgs()[0].getAsType();
        if (ch->isSpecificBuiltinType(BuiltinType::Char_S) || ch->isSpecificBuiltinType(BuiltinType::Char_U))
          return {sema::types::string(), name == "basic_string" ? "std::string" : "std::string_view"};
        return {nullptr, {}, shown + " has no SDL type; SDL strings are std::string or std::string_view (UTF-8)"};
      }
      if (name == "vector" || name == "optional") {
        Mapped m = map_args(spec, ctx, 1, cpp_args, elems, structs);
        if (!m.problem.empty()) return m;
        if (name == "vector") return {sema::types::list(elems[0]), "std::vector<" + cpp_args + ">"};
        return {sema::types::optional(elems[0]), "std::optional<" + cpp_args + ">"};
      }
      if (name == "tuple" || name == "pair") {
        Mapped m = map_args(spec, ctx, name == "pair" ? 2 : spec->getTemplateArgs().size(), cpp_args, elems, structs);
        if (!m.problem.empty()) return m;
        if (elems.size() < 2) return {nullptr, {}, shown + " has no SDL type; SDL tuples have two or more elements"};
        return {sema::types::tuple(elems), "std::" + std::string(name) + "<" + cpp_args + ">"};
      }
      return {nullptr, {}, shown + " has no SDL type"};
    }
    std::string q = rd->getQualifiedNameAsString();
    if (q == "streamc::rt::Timestamp") return {sema::types::timestamp(), "streamc::rt::Timestamp"};
    if (q == "streamc::rt::Duration") return {sema::types::duration(), "streamc::rt::Duration"};
    if (q == "streamc::udf::Context") {
      Mapped m{nullptr, "streamc::udf::Context"};
      m.context = true;
      return m;
    }
    if (!rd->isInStdNamespace() && (rd->isStruct() || rd->isClass())) return map_struct(rd, ctx, structs);
    return {nullptr, {}, shown + " has no SDL type"};
  }
  if (c->isPointerType()) return {nullptr, {}, shown + " is a pointer; SDL values are passed by value or const reference"};
  return {nullptr, {}, shown + " has no SDL type"};
}

// The C++ name the generated code calls: fully qualified from the global
// namespace, anonymous namespaces left out.
std::string call_name(const FunctionDecl* fd) {
  std::vector<std::string> parts = {fd->getNameAsString()};
  for (const DeclContext* dc = fd->getDeclContext(); dc && !dc->isTranslationUnit(); dc = dc->getParent()) {
    if (const auto* ns = dyn_cast<NamespaceDecl>(dc)) {
      if (!ns->isAnonymousNamespace()) parts.push_back(ns->getNameAsString());
    } else if (isa<LinkageSpecDecl>(dc)) {
      continue;
    }
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) out += "::" + *it;
  return out;
}

bool is_udf(const Decl* d) {
  for (const auto* a : d->specific_attrs<AnnotateAttr>())
    if (a->getAnnotation() == "streamc_udf") return true;
  return false;
}

class Collector : public RecursiveASTVisitor<Collector> {
 public:
  Collector(ASTContext& ctx, const ImportOptions& options, ImportResult& out, const std::string& header_abs)
      : ctx_(ctx), sm_(ctx.getSourceManager()), options_(options), out_(out), header_(header_abs) {}

  bool VisitFunctionDecl(FunctionDecl* fd) {
    if (!is_udf(fd) || !sm_.isInMainFile(sm_.getExpansionLoc(fd->getLocation()))) return true;
    if (!seen_.insert(fd->getCanonicalDecl()).second) return true;  // a redeclaration
    std::string where = location(fd->getLocation());
    std::string name = fd->getNameAsString();
    auto fail = [&](const std::string& message, SourceLocation at = {}) {
      PresumedLoc p = sm_.getPresumedLoc(sm_.getExpansionLoc(at.isValid() ? at : fd->getLocation()));
      out_.errors.push_back({message, display_path(p.getFilename(), options_.display_base), p.getLine(), p.getColumn()});
      return true;
    };
    if (fd->getDescribedFunctionTemplate() || fd->isFunctionTemplateSpecialization())
      return fail("'" + name + "' is a function template; only plain functions can be imported (wrap the instantiation you need in a plain function)");
    if (isa<CXXMethodDecl>(fd)) return fail("'" + name + "' is a member function; only free functions can be imported");
    if (fd->isOverloadedOperator() || name.empty()) return fail("'" + fd->getNameAsString() + "' is an operator; only named functions can be imported");
    if (fd->isVariadic()) return fail("'" + name + "' is variadic ('...'); SDL calls need a fixed parameter list");
    auto first = first_at_.find(name);
    if (first != first_at_.end() && !options_.allow_overloads)
      return fail("'" + name + "' is declared twice as STREAMC_UDF (first at " + first->second +
                  "); an SDL function has one signature, so give the overloads different names");
    first_at_.emplace(name, where);

    sema::Function f;
    f.name = name;
    f.cpp = call_name(fd);
    f.header = header_;
    f.declared_at = where;
    Mapped r = map_type(fd->getReturnType(), ctx_, true, f.structs);
    if (!r.problem.empty() || r.context) return fail("the result of '" + name + "': " + (r.context ? "streamc::udf::Context is not a value" : r.problem));
    f.result = r.sdl;
    f.result_cpp = r.cpp;
    std::string sig = written(fd->getReturnType(), ctx_) + " " + name + "(";
    for (unsigned i = 0; i < fd->getNumParams(); ++i) {
      const ParmVarDecl* p = fd->getParamDecl(i);
      sig += (i ? ", " : "") + written(p->getType(), ctx_);
      Mapped m = map_type(p->getType(), ctx_, false, f.structs);
      std::string pname = p->getNameAsString();
      std::string label = "parameter " + std::to_string(i + 1) + (pname.empty() ? "" : " '" + pname + "'") + " of '" + name + "'";
      if (m.context) {
        if (i != 0) return fail(label + ": streamc::udf::Context must be the first parameter", p->getLocation());
        f.takes_context = true;
        continue;
      }
      if (!m.problem.empty()) return fail(label + ": " + m.problem, p->getLocation());
      f.params.push_back(m.sdl);
      f.param_cpp.push_back(m.cpp);
      f.param_names.push_back(pname);
    }
    f.signature = sig + ")";
    if (const RawComment* rc = ctx_.getRawCommentForDeclNoCache(fd); rc && rc->isDocumentation()) {
      std::string text = rc->getFormattedText(sm_, ctx_.getDiagnostics());
      for (char& ch : text)
        if (ch == '\n' || ch == '\t') ch = ' ';
      f.doc = text;
    }
    out_.functions.push_back(std::move(f));
    return true;
  }

 private:
  std::string location(SourceLocation loc) {
    PresumedLoc p = sm_.getPresumedLoc(sm_.getExpansionLoc(loc));
    if (p.isInvalid()) return "?";
    return display_path(p.getFilename(), options_.display_base) + ":" + std::to_string(p.getLine()) + ":" +
           std::to_string(p.getColumn());
  }

  ASTContext& ctx_;
  SourceManager& sm_;
  const ImportOptions& options_;
  ImportResult& out_;
  std::string header_;
  std::set<const Decl*> seen_;
  std::map<std::string, std::string> first_at_;
};

class Consumer : public ASTConsumer {
 public:
  Consumer(const ImportOptions& options, ImportResult& out, std::string header)
      : options_(options), out_(out), header_(std::move(header)) {}
  void HandleTranslationUnit(ASTContext& ctx) override {
    if (ctx.getDiagnostics().hasErrorOccurred()) return;  // the first error is reported instead
    Collector(ctx, options_, out_, header_).TraverseDecl(ctx.getTranslationUnitDecl());
  }

 private:
  const ImportOptions& options_;
  ImportResult& out_;
  std::string header_;
};

class Action : public ASTFrontendAction {
 public:
  Action(const ImportOptions& options, ImportResult& out, std::set<std::string>& deps, std::string header)
      : options_(options), out_(out), deps_(deps), header_(std::move(header)) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance& ci, StringRef) override {
    ci.getPreprocessor().addPPCallbacks(std::make_unique<Dependencies>(ci.getSourceManager(), deps_));
    return std::make_unique<Consumer>(options_, out_, header_);
  }

 private:
  const ImportOptions& options_;
  ImportResult& out_;
  std::set<std::string>& deps_;
  std::string header_;
};

class Factory : public tooling::FrontendActionFactory {
 public:
  Factory(const ImportOptions& options, ImportResult& out, std::set<std::string>& deps, std::string header)
      : options_(options), out_(out), deps_(deps), header_(std::move(header)) {}
  std::unique_ptr<FrontendAction> create() override { return std::make_unique<Action>(options_, out_, deps_, header_); }

 private:
  const ImportOptions& options_;
  ImportResult& out_;
  std::set<std::string>& deps_;
  std::string header_;
};

// `// streamc-link: -lgeo -L/opt/geo/lib` lines of the header.
std::vector<std::string> link_directives(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  const std::string marker = "// streamc-link:";
  while (std::getline(in, line)) {
    size_t at = line.find_first_not_of(" \t");
    if (at == std::string::npos || line.compare(at, marker.size(), marker) != 0) continue;
    std::istringstream words(line.substr(at + marker.size()));
    std::string w;
    while (words >> w) out.push_back(w);
  }
  return out;
}

}  // namespace

ImportResult import_header(const std::string& header, const ImportOptions& given) {
  ImportResult result;
  // ClangTool runs with the working directory set to the header's: every
  // path is made absolute first.
  std::error_code ec;
  auto absolute = [&](const std::string& p) { return p.empty() ? p : fs::weakly_canonical(fs::absolute(p, ec), ec).string(); };
  ImportOptions options = given;
  options.display_base = absolute(options.display_base);
  std::string abs = absolute(header);
  std::vector<std::string> args = {"-std=c++20", "-w", "-fno-caret-diagnostics",
                                   "-resource-dir=" + std::string(clang_resource_dir())};
  for (const auto& d : options.include_dirs) args.push_back("-I" + absolute(d));
  args.push_back("-xc++");  // a .hpp is parsed as a C++ source, not as a header to precompile
  tooling::FixedCompilationDatabase db(fs::path(abs).parent_path().string(), args);
  tooling::ClangTool tool(db, {abs});
  FirstError errors(options.display_base);
  tool.setDiagnosticConsumer(&errors);
  tool.setPrintErrorMessage(false);
  std::set<std::string> deps;
  Factory factory(options, result, deps, abs);
  int status = tool.run(&factory);
  if (errors.error) {
    result.functions.clear();
    result.errors.insert(result.errors.begin(), *errors.error);
    result.errors.resize(1);
    return result;
  }
  if (status != 0 && result.errors.empty()) {
    result.errors.push_back({"clang could not parse the header", display_path(abs, options.display_base), 1, 1});
    return result;
  }
  if (!result.errors.empty()) {
    result.functions.clear();
    return result;
  }
  std::vector<std::string> link = link_directives(abs);
  result.dependencies.assign(deps.begin(), deps.end());
  for (auto& f : result.functions) {
    f.link = link;
    for (const auto& d : result.dependencies)
      if (d != abs) f.includes.push_back(d);
  }
  return result;
}

}  // namespace streamc::import
