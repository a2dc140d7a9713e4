// CodeWriter: emits C++ text from templates with `$var$` holes, handling indentation (the shape of
// protobuf's io::Printer, reduced to what our generators need).
//
//   CodeWriter w(out.file("foo_types.h"));
//   w.emit("struct $name$ {\n", {{"name", "echo_info1"}});
//   w.indent();  ...  w.outdent();
//
// Contract: the target string must outlive the writer. A template line is indented by the
// current level when it is not empty; `$$` writes a single `$`. An unknown variable is a
// generator bug: it is written as `$name$?` so that the output does not compile and says why.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace nca::idl::backends {

class CodeWriter {
 public:
  using Vars = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  explicit CodeWriter(std::string& out) : out_(out) {}

  void emit(std::string_view tmpl, Vars vars = {});
  void indent(int n = 1) { level_ += n; }
  void outdent(int n = 1) { level_ -= n; }
  int level() const { return level_; }

 private:
  std::string& out_;
  int level_ = 0;
  bool at_line_start_ = true;
};

}  // namespace nca::idl::backends
