// Unit tests of semantic analysis pieces that golden files check only indirectly: the constant
// evaluator's exact integer semantics on hand-built expression trees, and NDR layout on
// hand-built IR (sizes and alignments worked out by hand from C706 / MS-RPCE rules).
#include <catch2/catch.hpp>

#include <sstream>

#include "diag/diagnostics.h"
#include "diag/source_manager.h"
#include "sema/const_eval.h"
#include "sema/layout.h"

using namespace nca::idl;
using ir::Int;

namespace {

ast::ExprPtr lit(const std::string& text) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = ast::ExprKind::integer;
  e->text = text;
  return e;
}

ast::ExprPtr name(const std::string& text) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = ast::ExprKind::identifier;
  e->text = text;
  return e;
}

ast::ExprPtr op(const std::string& o, ast::ExprPtr a, ast::ExprPtr b = nullptr) {
  auto e = std::make_unique<ast::Expr>();
  e->kind = b ? ast::ExprKind::binary : ast::ExprKind::unary;
  e->text = o;
  e->operands.push_back(std::move(a));
  if (b) e->operands.push_back(std::move(b));
  return e;
}

struct Eval {
  SourceManager sources;
  std::ostringstream printed;
  DiagnosticEngine diags{sources, printed};

  std::optional<Int> operator()(const ast::Expr& e) {
    sema::ConstEvaluator ev(diags, [](const std::string& n, SourceRange) {
      if (n == "FOUR") return sema::NameValue{sema::NameValue::Status::value, 4};
      if (n == "TEXT") return sema::NameValue{sema::NameValue::Status::not_constant, 0};
      return sema::NameValue{};
    });
    return ev.evaluate(e);
  }
  std::string first_message() const {
    return diags.reported().empty() ? "" : diags.reported().front().message;
  }
};

const Int kTwo64 = static_cast<Int>(1) << 64;

}  // namespace

TEST_CASE("const_eval: the whole int64 and uint64 range is exact") {
  Eval eval;
  CHECK(eval(*lit("0xFFFFFFFFFFFFFFFF")) == kTwo64 - 1);
  CHECK(eval(*op("-", lit("9223372036854775808"))) == -(static_cast<Int>(1) << 63));
  CHECK(eval(*op("<<", lit("1"), lit("63"))) == static_cast<Int>(1) << 63);
  CHECK(eval(*op("*", lit("0xFFFFFFFF"), lit("0x100000001"))) == kTwo64 - 1);
  CHECK_FALSE(eval.diags.had_errors());
}

TEST_CASE("const_eval: leaving the range is an error, not a wrap") {
  Eval a;
  CHECK_FALSE(a(*op("+", lit("0xFFFFFFFFFFFFFFFF"), lit("1"))));
  CHECK(a.first_message() == "integer overflow in constant expression");
  Eval b;
  CHECK_FALSE(b(*op("-", op("-", lit("9223372036854775808")), lit("1"))));
  CHECK(b.first_message() == "integer overflow in constant expression");
  Eval c;
  CHECK_FALSE(c(*op("*", lit("0xFFFFFFFFFFFFFFFF"), lit("0xFFFFFFFFFFFFFFFF"))));
  CHECK(c.first_message() == "integer overflow in constant expression");
  Eval d;
  CHECK_FALSE(d(*lit("18446744073709551616")));
  CHECK(d.first_message() == "integer literal '18446744073709551616' is invalid or too large");
}

TEST_CASE("const_eval: C's division, shifts and logic") {
  Eval eval;
  CHECK(eval(*op("/", op("-", lit("7")), lit("2"))) == -3);
  CHECK(eval(*op("%", op("-", lit("7")), lit("3"))) == -1);
  CHECK(eval(*op(">>", op("-", lit("16")), lit("2"))) == -4);
  CHECK(eval(*op("~", lit("0"))) == -1);
  CHECK(eval(*op("!", lit("5"))) == 0);
  CHECK(eval(*op("&&", lit("0"), op("/", lit("1"), lit("0")))) == 0);  // short circuit
  CHECK(eval(*lit("017")) == 15);
  CHECK(eval(*lit("10UL")) == 10);
  CHECK(eval(*op("+", name("FOUR"), lit("1"))) == 5);
  CHECK_FALSE(eval.diags.had_errors());
}

TEST_CASE("const_eval: every failure is reported with its own message") {
  const std::pair<ast::ExprPtr, std::string> cases[] = {
      {op("/", lit("1"), lit("0")), "division by zero in constant expression"},
      {op("%", lit("1"), lit("0")), "division by zero in constant expression"},
      {op("<<", lit("1"), lit("64")), "shift count 64 is out of range"},
      {op("<<", lit("1"), op("-", lit("1"))), "shift count -1 is out of range"},
      {name("nowhere"), "use of undeclared identifier 'nowhere'"},
      {name("TEXT"), "'TEXT' is not a constant"},
      {op("*", name("FOUR")), "expression is not an integer constant"},
  };
  for (const auto& [expr, message] : cases) {
    Eval eval;
    CHECK_FALSE(eval(*expr));
    CHECK(eval.first_message() == message);
    CHECK(eval.diags.error_count() == 1);
  }
}

TEST_CASE("const_eval: deep trees stop at the depth limit") {
  ast::ExprPtr e = lit("1");
  for (int i = 0; i < sema::kMaxExprDepth + 10; ++i) e = op("-", std::move(e));
  Eval eval;
  CHECK_FALSE(eval(*e));
  CHECK(eval.first_message() == "expression is nested too deeply");
}

namespace {

ir::Element element(std::vector<ir::Level> levels) {
  ir::Element e;
  e.name = "m";
  e.levels = std::move(levels);
  return e;
}

ir::DataLevel scalar(const char* name) {
  ir::DataLevel d;
  d.builtin = ir::find_builtin(name);
  REQUIRE(d.builtin);
  return d;
}

}  // namespace

TEST_CASE("layout: pointers, counts and arrays in NDR20 and NDR64") {
  ir::PointerLevel ptr;
  ir::Layout p = sema::element_layout(element({ptr, scalar("uint8")}));
  CHECK((p.align20 == 4 && p.size20 == 4u && p.align64 == 8 && p.size64 == 8u));
  CHECK(p.has_pointers);

  ir::ArrayLevel fixed;
  fixed.kind = ir::ArrayKind::fixed;
  fixed.fixed_count = 3;
  ir::Layout f = sema::element_layout(element({fixed, scalar("uint16")}));
  CHECK((f.align20 == 2 && f.size20 == 6u && f.size64 == 6u));

  ir::ArrayLevel conf;
  conf.kind = ir::ArrayKind::conformant;
  ir::Layout c = sema::element_layout(element({conf, scalar("uint8")}));
  CHECK((c.conformant && !c.size20 && c.align20 == 4 && c.align64 == 8));

  ir::Layout w = sema::element_layout(element({scalar("uint3264")}));
  CHECK((w.size20 == 4u && w.size64 == 8u && w.align64 == 8));
}

TEST_CASE("layout: NDR64 pads a struct to its alignment; NDR20 does not") {
  ir::Type t;
  t.kind = ir::TypeKind::struct_;
  t.name = "s";
  t.members.push_back(element({scalar("int64")}));
  t.members.push_back(element({scalar("uint8")}));
  SourceManager sources;
  std::ostringstream printed;
  DiagnosticEngine diags(sources, printed);
  sema::compute_layouts({&t}, diags);
  CHECK(t.layout.align20 == 8);
  CHECK(t.layout.size20 == 9u);
  CHECK(t.layout.size64 == 16u);
  CHECK_FALSE(diags.had_errors());
}

TEST_CASE("layout: a struct holding itself by value is an error; through a pointer it is not") {
  ir::Type t;
  t.kind = ir::TypeKind::struct_;
  t.name = "node";
  ir::DataLevel self;
  self.type = &t;
  t.members.push_back(element({ir::PointerLevel{}, self}));
  SourceManager sources;
  std::ostringstream printed;
  DiagnosticEngine diags(sources, printed);
  sema::compute_layouts({&t}, diags);
  CHECK_FALSE(diags.had_errors());
  CHECK(t.layout.size20 == 4u);

  ir::Type u = t;
  u.members.clear();
  self.type = &u;
  u.members.push_back(element({self}));
  sema::compute_layouts({&u}, diags);
  REQUIRE(diags.error_count() == 1);
  CHECK(diags.reported().front().message == "type 'node' contains itself by value");
}

TEST_CASE("layout: marshalling alignments are decided here (struct body, members, union arms)") {
  SourceManager sources;
  std::ostringstream printed;
  DiagnosticEngine diags(sources, printed);
  // {uint32 n; [size_is(n)] uint16 a[];}: the conformance (8 bytes in NDR64) is hoisted ahead of
  // the struct, whose scalars align to the members alone (4), as Samba sends it.
  ir::Type c;
  c.kind = ir::TypeKind::struct_;
  c.name = "conf";
  c.members.push_back(element({scalar("uint32")}));
  ir::ArrayLevel tail;
  tail.kind = ir::ArrayKind::conformant;
  tail.surrounding = true;
  c.members.push_back(element({tail, scalar("uint16")}));
  // {uint8 b; uint16 *p;}: without a hoisted count the body is the struct's alignment.
  ir::Type s;
  s.kind = ir::TypeKind::struct_;
  s.name = "plain";
  s.members.push_back(element({scalar("uint8")}));
  s.members.push_back(element({ir::PointerLevel{}, scalar("uint16")}));
  // An encapsulated union switching on uint16 with a hyper arm: NDR20 starts at the
  // discriminant's alignment, NDR64 at the larger of it and the arms'.
  ir::Type u;
  u.kind = ir::TypeKind::union_;
  u.name = "enc";
  u.encapsulated = true;
  u.switch_type = ir::find_builtin("uint16");
  ir::UnionArm arm;
  arm.cases = {1};
  arm.element = element({scalar("hyper")});
  u.arms.push_back(arm);
  sema::compute_layouts({&c, &s, &u}, diags);
  REQUIRE_FALSE(diags.had_errors());
  CHECK((c.layout.align64 == 8 && c.layout.body.a20 == 4 && c.layout.body.a64 == 4));
  CHECK((c.members[1].align.a20 == 2 && c.members[1].align.a64 == 2));
  CHECK((s.layout.body.a20 == 4 && s.layout.body.a64 == 8));
  CHECK((s.members[1].align.a20 == 4 && s.members[1].align.a64 == 8));
  CHECK((u.layout.discriminant.a20 == 2 && u.layout.discriminant.a64 == 2));
  CHECK((u.layout.body.a20 == 2 && u.layout.body.a64 == 8));
  CHECK((u.layout.arms.a20 == 8 && u.layout.arms.a64 == 8));
}
