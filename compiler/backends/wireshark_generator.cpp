#include "backends/wireshark_generator.h"

#include <set>
#include <sstream>

#include "backends/cpp_model.h"

namespace nca::idl::backends {

namespace {

std::string lua_str(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (c == '\n') {
      o += "\\n";
      continue;
    }
    o += c;
  }
  return o + "\"";
}

class LuaWriter {
 public:
  explicit LuaWriter(const ir::Program& p) : model_(p, options_) {}

  std::string expr(const ir::Expr& e) {
    using K = ir::Expr::Kind;
    if (e.is_constant) return "{k=\"int\", v=" + ir::to_string(e.value) + "}";
    switch (e.kind) {
      case K::integer:
      case K::constant: return "{k=\"int\", v=" + ir::to_string(e.value) + "}";
      case K::field: return "{k=\"field\", n=" + lua_str(e.name) + "}";
      case K::param: return "{k=\"param\", n=" + lua_str(e.name) + "}";
      case K::member: return "{k=\"member\", e=" + expr(e.operands.at(0)) + ", n=" + lua_str(e.name) + "}";
      case K::unary:
        if (e.op == "*") return "{k=\"deref\", e=" + expr(e.operands.at(0)) + "}";
        return "{k=\"un\", op=" + lua_str(e.op) + ", a=" + expr(e.operands.at(0)) + "}";
      case K::binary:
        return "{k=\"bin\", op=" + lua_str(e.op) + ", a=" + expr(e.operands.at(0)) + ", b=" + expr(e.operands.at(1)) + "}";
      case K::ternary:
        return "{k=\"tern\", c=" + expr(e.operands.at(0)) + ", a=" + expr(e.operands.at(1)) + ", b=" +
               expr(e.operands.at(2)) + "}";
      default: break;
    }
    unsupported_ = "the expression '" + e.text + "'";
    return "{k=\"int\", v=0}";
  }

  // Levels from i on, as a Lua list body; aliases are inlined.
  void levels(const std::vector<ir::Level>& L, std::vector<std::string>& out) {
    for (size_t i = 0; i < L.size(); ++i) {
      const ir::Level& l = L[i];
      if (model_.is_interface_pointer(L, i)) return unsupported(out, "a COM interface pointer");
      if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
        if (p->kind == ir::PointerKind::relative || p->kind == ir::PointerKind::relative_short)
          return unsupported(out, "a pidl [relative] pointer");
        std::string kind = p->kind == ir::PointerKind::ref ? "ref" : p->kind == ir::PointerKind::full ? "full" : "unique";
        out.push_back("{k=\"ptr\", ptr=\"" + kind + "\", top=" + (p->top_level ? "true" : "false") + "}");
      } else if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) {
        std::string s = "{k=\"arr\", kind=\"" + std::string(ir::to_string(a->kind)) + "\"";
        if (a->fixed_count) s += ", n=" + std::to_string(*a->fixed_count);
        unsupported_.clear();
        if (a->size_is) s += ", size=" + expr(*a->size_is);
        else if (a->max_is) s += ", size={k=\"bin\", op=\"+\", a=" + expr(*a->max_is) + ", b={k=\"int\", v=1}}";
        if (a->length_is) s += ", length=" + expr(*a->length_is);
        if (a->first_is || a->last_is) unsupported_ = "first_is/last_is";
        if (!unsupported_.empty()) return unsupported(out, unsupported_);
        if (model_.is_string_array(L, i)) {
          const auto& d = std::get<ir::DataLevel>(L.at(i + 1));
          std::string chars = d.charset == ir::Charset::utf16 ? "text"
                              : (d.builtin->wire == ir::WireKind::char16) ? "units" : "bytes";
          if (chars == "units") chars = "text";  // wchar_t: UTF-16 units shown as text
          s += ", chars=\"" + chars + "\", str=" + (a->is_string ? "true" : "false") +
               ", zt=" + (a->zero_terminated ? "true" : "false");
        }
        s += std::string(", surrounding=") + (a->surrounding ? "true" : "false") + "}";
        out.push_back(s);
        if (model_.is_string_array(L, i)) return;  // the characters are the array's
      } else if (const auto* sw = std::get_if<ir::SwitchLevel>(&l)) {
        unsupported_.clear();
        std::string e = expr(sw->switch_is);
        if (!unsupported_.empty()) return unsupported(out, unsupported_);
        out.push_back("{k=\"sw\", is=" + e + "}");
      } else if (std::holds_alternative<ir::SubcontextLevel>(l)) {
        return unsupported(out, "a pidl [subcontext]");
      } else {
        const auto& d = std::get<ir::DataLevel>(l);
        if (!d.flags.empty()) return unsupported(out, "pidl flag()");
        if (d.context_handle != ir::ContextHandleKind::none) {
          out.push_back("{k=\"data\", b=\"context_handle\"}");
        } else if (d.builtin) {
          using W = ir::WireKind;
          if (d.builtin->wire == W::blob || d.builtin->wire == W::pidl_string || d.builtin->wire == W::ipv6 ||
              d.builtin->wire == W::runtime)
            return unsupported(out, std::string("pidl's ") + d.builtin->name);
          out.push_back("{k=\"data\", b=\"" + std::string(ir::to_string(d.builtin->wire)) + "\"}");
        } else if (const ir::Element* target = model_.alias_target(*d.type)) {
          levels(target->levels, out);
        } else if (model_.well_known(*d.type) == WellKnown::guid) {
          out.push_back("{k=\"data\", b=\"guid\"}");
        } else if (model_.well_known(*d.type) == WellKnown::policy_handle) {
          out.push_back("{k=\"data\", b=\"context_handle\"}");
        } else if (d.type->kind == ir::TypeKind::pipe) {
          return unsupported(out, "a pipe");
        } else {
          need(*d.type);
          out.push_back("{k=\"data\", t=" + lua_str(d.type->name) + "}");
        }
      }
    }
  }

  std::string level_list(const std::vector<ir::Level>& L) {
    std::vector<std::string> out;
    levels(L, out);
    std::string s = "{";
    for (size_t k = 0; k < out.size(); ++k) s += (k ? ", " : "") + out[k];
    return s + "}";
  }

  std::string element(const ir::Element& e) {
    return "{name=" + lua_str(e.name) + ", L=" + level_list(e.levels) + "}";
  }

  void need(const ir::Type& t) {
    if (done_.count(&t)) return;
    done_.insert(&t);
    std::ostringstream o;
    o << "T[" << lua_str(t.name) << "] = ";
    switch (t.kind) {
      case ir::TypeKind::struct_: {
        const ir::Element* last = t.members.empty() ? nullptr : &t.members.back();
        bool hoist = false;
        if (last)
          if (const auto* a = std::get_if<ir::ArrayLevel>(&last->levels[0]))
            hoist = a->surrounding && (a->kind == ir::ArrayKind::conformant || a->kind == ir::ArrayKind::conformant_varying);
        o << "{kind=\"struct\", a20=" << t.layout.body.a20 << ", a64=" << t.layout.body.a64
          << ", hoist=" << (hoist ? "true" : "false") << refusal(t) << ", members={";
        bool first = true;
        for (const auto& m : t.members) {
          o << (first ? "" : ", ") << element(m);
          first = false;
        }
        o << "}}\n";
        break;
      }
      case ir::TypeKind::union_: {
        o << "{kind=\"union\", enc=" << (t.encapsulated ? "true" : "false") << ", disc=" << lua_str(t.discriminant)
          << ", nodisc=" << (t.nodiscriminant ? "true" : "false") << ", body20=" << t.layout.body.a20
          << ", body64=" << t.layout.body.a64 << ", arms64=" << t.layout.arms.a64 << refusal(t);
        if (t.switch_enum) {
          need(*t.switch_enum);
          o << ", swenum=" << lua_str(t.switch_enum->name);
        } else {
          o << ", sw=\"" << ir::to_string((t.switch_type ? t.switch_type : &ir::builtin_uint32())->wire) << "\"";
        }
        o << ", arms={";
        for (size_t k = 0; k < t.arms.size(); ++k) {
          const auto& a = t.arms[k];
          o << (k ? ", " : "") << "{cases={";
          for (size_t c = 0; c < a.cases.size(); ++c) o << (c ? ", " : "") << ir::to_string(a.cases[c]);
          o << "}, default=" << (a.is_default ? "true" : "false");
          if (a.element) o << ", el=" << element(*a.element);
          o << "}";
        }
        o << "}}\n";
        break;
      }
      case ir::TypeKind::enum_:
      case ir::TypeKind::bitmap: {
        o << "{kind=\"" << (t.kind == ir::TypeKind::enum_ ? "enum" : "bitmap") << "\", bits=" << t.wire_bits
          << ", wide=" << (t.layout.size64 && *t.layout.size64 == 4 && t.wire_bits == 16 ? "true" : "false")
          << ", values={";
        std::set<ir::Int> seen;
        bool first = true;
        for (const auto& v : t.values) {
          if (!seen.insert(v.value).second) continue;
          o << (first ? "" : ", ") << "[" << ir::to_string(v.value) << "]=" << lua_str(v.name);
          first = false;
        }
        o << "}}\n";
        break;
      }
      default:
        o << "{kind=\"struct\", a20=1, a64=1, members={{name=" << lua_str(t.name)
          << ", L={{k=\"unsupported\", what=\"type kind " << ir::to_string(t.kind) << "\"}}}}}\n";
        break;
    }
    types_ += o.str();
  }

  std::string interface(const ir::Interface& i) {
    std::ostringstream ops;
    for (const auto& op : i.operations) {
      ops << "OPS[" << op.opnum << "] = {name=" << lua_str(op.name) << ", inp={";
      bool first = true;
      for (size_t pi : op.in.params) {
        if (op.params[pi].is_binding_handle) continue;
        ops << (first ? "" : ", ") << element(op.params[pi].element);
        first = false;
      }
      ops << "}, out={";
      first = true;
      for (size_t pi : op.out.params) {
        ops << (first ? "" : ", ") << element(op.params[pi].element);
        first = false;
      }
      ops << "}";
      if (op.result) ops << ", result=" << level_list(op.result->levels);
      ops << "}\n";
    }
    std::ostringstream o;
    o << "-- Generated by ncaidl --gen wireshark. Do not edit.\n"
      << "-- A Wireshark/tshark 4.0 dissector for the stubs of DCE/RPC interface " << i.name << ":\n"
      << "--   tshark -X lua_script:" << i.name << ".lua -r capture.pcapng   (or Wireshark's plugins folder)\n"
      << "local IFACE = {name=" << lua_str(i.name) << ", uuid=" << lua_str(i.uuid.value_or("")) << ", major="
      << i.version.major << ", minor=" << i.version.minor << "}\nlocal T = {}\nlocal OPS = {}\n"
      << types_ << ops.str() << wireshark_lua_runtime();
    return o.str();
  }

 private:
  // A struct's or union's own pidl flag() or [relative_base]: the walk refuses the type by name.
  static std::string refusal(const ir::Type& t) {
    if (t.flags.empty() && !t.relative_base) return "";
    return ", unsupported=" + lua_str("pidl flag() or [relative_base] on " + t.name);
  }
  void unsupported(std::vector<std::string>& out, const std::string& what) {
    out.push_back("{k=\"unsupported\", what=" + lua_str(what) + "}");
  }

  GeneratorOptions options_;
  CppModel model_;
  std::set<const ir::Type*> done_;
  std::string types_;
  std::string unsupported_;
};

}  // namespace

bool WiresharkGenerator::generate(const ir::Program& program, const GeneratorOptions&, Output& out,
                                  DiagnosticEngine&) const {
  for (const auto& i : program.interfaces) {
    if (!program.files.at(i.file).is_root || !i.uuid || i.operations.empty()) continue;
    LuaWriter w(program);
    std::string text = w.interface(i);
    out.file(i.name + ".lua") = std::move(text);
  }
  return true;
}

}  // namespace nca::idl::backends
