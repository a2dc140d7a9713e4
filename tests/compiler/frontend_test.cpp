// Front-end unit tests: what the AST says about the constructs, source positions through
// #include, import loading, and hostile input (which must give an error or a result, never a
// crash or a hang).
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "diag/diagnostics.h"
#include "diag/source_manager.h"
#include "frontend/frontend.h"

using namespace nca::idl;
namespace fs = std::filesystem;

namespace {

// A fresh directory per test, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("ncaidl_fe_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

struct Result {
  SourceManager sources;
  std::ostringstream printed;
  DiagnosticEngine diags{sources, printed};
  ParsedProgram program;
};

std::unique_ptr<Result> compile(const std::vector<std::string>& paths, FrontendOptions options = {}) {
  auto r = std::make_unique<Result>();
  r->program = load_program(paths, options, r->sources, r->diags);
  return r;
}

const ast::File& root(const Result& r) {
  for (const auto& f : r.program.files)
    if (f.is_root) return *f.ast;
  FAIL("no root file");
  throw 0;
}

template <typename T> const T& decl_as(const ast::Decl& d, ast::DeclKind kind) {
  REQUIRE(d.kind == kind);
  return static_cast<const T&>(d);
}

const ast::ScopeDecl& only_interface(const Result& r) {
  const auto& f = root(r);
  REQUIRE(f.decls.size() == 1);
  return decl_as<ast::ScopeDecl>(*f.decls[0], ast::DeclKind::interface);
}

bool has_message(const Result& r, const std::string& text) {
  for (const auto& d : r.diags.reported())
    if (d.message.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("attribute arguments keep their kind: uuid, version, type, expression, empty") {
  TempDir dir;
  auto r = compile({dir.write("a.idl", R"(
    [uuid(60a15ec5-4de8-11d7-a637-005056a20182), version(2.1), pointer_default(unique)]
    interface a {
      typedef [switch_type(unsigned short)] union { [case(1)] long x; } u1;
      typedef [switch_type(uint16)] union { [case(1)] long x; } u2;
      typedef struct { long *n; [size_is(, *n)] long **p; } s;
    })")});
  REQUIRE_FALSE(r->diags.had_errors());
  const auto& itf = only_interface(*r);
  REQUIRE(itf.attrs.size() == 3);
  CHECK(itf.attrs[0].args.at(0).kind == ast::AttrArg::Kind::uuid);
  CHECK(itf.attrs[0].args[0].text == "60a15ec5-4de8-11d7-a637-005056a20182");
  CHECK(itf.attrs[1].args.at(0).kind == ast::AttrArg::Kind::version);
  CHECK(itf.attrs[1].args[0].text == "2.1");
  CHECK(itf.attrs[2].args.at(0).kind == ast::AttrArg::Kind::expr);
  CHECK(itf.attrs[2].args[0].expr->text == "unique");

  const auto& u1 = decl_as<ast::TypedefDecl>(*itf.body.at(0), ast::DeclKind::typedef_);
  REQUIRE(u1.attrs.at(0).args.at(0).kind == ast::AttrArg::Kind::type);
  CHECK(u1.attrs[0].args[0].type->name == "unsigned short");
  const auto& u2 = decl_as<ast::TypedefDecl>(*itf.body.at(1), ast::DeclKind::typedef_);
  REQUIRE(u2.attrs.at(0).args.at(0).kind == ast::AttrArg::Kind::type);
  CHECK(u2.attrs[0].args[0].type->name == "uint16");

  const auto& s = decl_as<ast::TypedefDecl>(*itf.body.at(2), ast::DeclKind::typedef_);
  const auto& p = s.type->decl->fields.at(1);
  REQUIRE(p.attrs.at(0).args.size() == 2);
  CHECK(p.attrs[0].args[0].kind == ast::AttrArg::Kind::empty);
  REQUIRE(p.attrs[0].args[1].kind == ast::AttrArg::Kind::expr);
  CHECK(p.attrs[0].args[1].expr->kind == ast::ExprKind::unary);
  CHECK(p.attrs[0].args[1].expr->text == "*");
  CHECK(p.declarators.at(0).pointer_depth() == 2);
}

TEST_CASE("union arms: labels apart from the field's own attributes; encapsulated form") {
  TempDir dir;
  auto r = compile({dir.write("u.idl", R"(
    interface u {
      typedef [switch_type(long)] union { [case(1), string] char *s; [default]; } ne;
      typedef union switch (short d) arm { case 1: case 2: long l; default: ; } en;
    })")});
  REQUIRE_FALSE(r->diags.had_errors());
  const auto& itf = only_interface(*r);
  const auto& ne = *decl_as<ast::TypedefDecl>(*itf.body.at(0), ast::DeclKind::typedef_).type->decl;
  REQUIRE(ne.arms.size() == 2);
  REQUIRE(ne.arms[0].attrs.size() == 1);
  CHECK(ne.arms[0].attrs[0].name == "case");
  REQUIRE(ne.arms[0].field);
  REQUIRE(ne.arms[0].field->attrs.size() == 1);
  CHECK(ne.arms[0].field->attrs[0].name == "string");
  CHECK(ne.arms[1].is_default);
  CHECK_FALSE(ne.arms[1].field);

  const auto& en = *decl_as<ast::TypedefDecl>(*itf.body.at(1), ast::DeclKind::typedef_).type->decl;
  CHECK(en.encapsulated);
  CHECK(en.switch_type->name == "short");
  CHECK(en.switch_name == "d");
  CHECK(en.union_name == "arm");
  REQUIRE(en.arms.size() == 2);
  CHECK(en.arms[0].case_labels.size() == 2);
  CHECK(en.arms[1].is_default);
}

TEST_CASE("a diagnostic in an #included file names that file and its line") {
  TempDir dir;
  dir.write("inc/part.h", "typedef struct {\n  long ok;\n  long = 3;\n} t;\n");
  FrontendOptions options;
  options.include_dirs.push_back((dir.path / "inc").string());
  auto r = compile({dir.write("main.idl", "// line 1\ninterface m {\n#include \"part.h\"\n}\n")}, options);
  REQUIRE(r->diags.error_count() >= 1);
  PresumedLoc p = r->sources.presumed(r->diags.reported()[0].range.begin);
  CHECK(fs::path(p.file).filename() == "part.h");
  CHECK(p.line == 3);
  CHECK(p.column == 8);
  CHECK(p.line_text == "  long = 3;");
}

TEST_CASE("each file is read once however often it is imported, imports before importers") {
  TempDir dir;
  dir.write("common.idl", "interface common { typedef long c_t; }\n");
  dir.write("b.idl", "import \"common.idl\";\ninterface b { typedef c_t b_t; }\n");
  auto a = dir.write("a.idl", "import \"common.idl\", \"b.idl\";\ninterface a { typedef b_t a_t; }\n");
  auto r = compile({a, (dir.path / "b.idl").string()});
  REQUIRE_FALSE(r->diags.had_errors());
  REQUIRE(r->program.files.size() == 3);
  CHECK(fs::path(r->program.files[0].ast->path).filename() == "common.idl");
  CHECK(fs::path(r->program.files[1].ast->path).filename() == "b.idl");
  CHECK(fs::path(r->program.files[2].ast->path).filename() == "a.idl");
  CHECK(r->program.files[1].is_root);  // b.idl is named on the command line too
  CHECK(r->program.files[2].is_root);
  CHECK_FALSE(r->program.files[0].is_root);
  CHECK(r->program.files[2].imports == std::vector<size_t>{0, 1});
  CHECK(r->program.files[1].imports == std::vector<size_t>{0});
}

TEST_CASE("an import cycle is an error with the chain as notes, and loading terminates") {
  TempDir dir;
  dir.write("y.idl", "import \"x.idl\";\ninterface y {}\n");
  auto r = compile({dir.write("x.idl", "import \"y.idl\";\ninterface x {}\n")});
  REQUIRE(r->diags.error_count() == 1);
  const auto& d = r->diags.reported()[0];
  CHECK(d.id == "import-cycle");
  CHECK(d.notes.size() == 1);
  CHECK(r->program.files.size() == 2);
}

TEST_CASE("hostile: deep nesting of braces, parentheses and operators is refused, not a stack overflow") {
  TempDir dir;
  std::string braces = "interface deep {";
  for (int i = 0; i < 100000; ++i) braces += "typedef struct {";
  auto r1 = compile({dir.write("braces.idl", braces)});
  CHECK(has_message(*r1, "nesting too deep"));

  std::string unary = "interface u { const long X = " + std::string(100000, '~') + "1; }";
  auto r2 = compile({dir.write("unary.idl", unary)});
  CHECK(has_message(*r2, "too many operators in a row"));

  std::string pipes = "interface p { typedef ";
  for (int i = 0; i < 100000; ++i) pipes += "pipe ";
  auto r3 = compile({dir.write("pipes.idl", pipes + "long x; }")});
  CHECK(has_message(*r3, "too many operators in a row"));
}

TEST_CASE("hostile: a long flat expression is bounded by the AST builder") {
  TempDir dir;
  std::string e = "1";
  for (int i = 0; i < 200000; ++i) e += "+1";
  auto r = compile({dir.write("flat.idl", "interface f { const long X = " + e + "; }")});
  CHECK(has_message(*r, "expression nested too deeply"));
}

TEST_CASE("hostile: huge constants, recursive types and long names are kept as written") {
  TempDir dir;
  std::string huge(5000, '9');
  std::string name(100000, 'n');
  auto r = compile({dir.write("h.idl", "interface h {\n const hyper BIG = " + huge + ";\n"
                                       " typedef struct node { struct node *next; struct node *kids[4]; } node;\n"
                                       " typedef long " + name + ";\n}\n")});
  REQUIRE_FALSE(r->diags.had_errors());
  const auto& itf = only_interface(*r);
  CHECK(decl_as<ast::ConstDecl>(*itf.body.at(0), ast::DeclKind::constant).value->text == huge);
  CHECK(decl_as<ast::TypedefDecl>(*itf.body.at(2), ast::DeclKind::typedef_).declarators.at(0).name == name);
}

TEST_CASE("hostile: binary garbage, NUL bytes and invalid UTF-8 give errors") {
  TempDir dir;
  std::mt19937 rng(12345);
  for (int round = 0; round < 20; ++round) {
    std::string junk;
    for (int i = 0; i < 4000; ++i) junk += static_cast<char>(rng() & 0xff);
    auto r = compile({dir.write("junk" + std::to_string(round) + ".idl", junk)});
    CHECK(r->diags.had_errors());
  }
  std::string nul = "interface z { long f(long x); }";
  nul[10] = '\0';
  auto r = compile({dir.write("nul.idl", nul + "\n\xff\xfe interface q {}\n")});
  CHECK(r->diags.had_errors());
}

TEST_CASE("hostile: a 10 MB file parses in bounded time") {
  TempDir dir;
  std::string text = "interface big {\n";
  for (int i = 0; text.size() < 10u << 20; ++i)
    text += "  typedef struct { uint32 a" + std::to_string(i) + "; [size_is(a" + std::to_string(i) +
            ")] uint8 *data; } s" + std::to_string(i) + ";\n  NTSTATUS op" + std::to_string(i) +
            "([in] uint32 level, [out, ref] s" + std::to_string(i) + " *r);\n";
  text += "}\n";
  auto start = std::chrono::steady_clock::now();
  auto r = compile({dir.write("big.idl", text)});
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK_FALSE(r->diags.had_errors());
  CHECK(only_interface(*r).body.size() > 100000);
  CHECK(seconds < 120);
}

TEST_CASE("files over the size limit are refused before being read") {
  TempDir dir;
  FrontendOptions options;
  options.max_file_bytes = 1000;
  auto r = compile({dir.write("big.idl", std::string(2000, ' ') + "interface i {}")}, options);
  CHECK(has_message(*r, "file too large"));
  CHECK(r->program.io_error);
}
