// The attribute table and the checks that read it (see attributes.h).
#include "sema/attributes.h"

#include <array>
#include <string>
#include <unordered_map>

#include "diag/diagnostics.h"

namespace nca::idl::sema {

namespace {

constexpr uint8_t kMany = 255;
constexpr uint8_t kPointerGroup = 1;
constexpr uint8_t kEnumWidthGroup = 2;
constexpr uint8_t kBitmapWidthGroup = 3;
constexpr uint8_t kMarshalGroup = 4;

constexpr uint32_t kAliasElement = kElement | kAlias;
constexpr uint32_t kScopes = kInterface | kOther;

// clang-format off
constexpr std::array kTable = {
  // Interfaces.
  AttrInfo{"uuid",              kInterface | kOther | kAggregate | kAlias, ArgKind::uuid, 1, 1, 0, true},
  AttrInfo{"version",           kInterface | kOther, ArgKind::version, 1, 1, 0, true},
  AttrInfo{"pointer_default",   kInterface, ArgKind::identifier, 1, 1, 0, true},
  AttrInfo{"endpoint",          kInterface, ArgKind::string, 1, kMany, 0, true},
  AttrInfo{"exceptions",        kInterface, ArgKind::identifier, 1, kMany, 0, true},
  AttrInfo{"local",             kInterface | kOperation, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"object",            kInterface, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"strict_context_handle", kInterface, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"helpstring",        kAnywhere, ArgKind::string, 1, 1, 0, true},
  AttrInfo{"helper",            kInterface, ArgKind::string, 1, kMany, 0, false},
  AttrInfo{"authservice",       kInterface, ArgKind::string, 1, kMany, 0, false},
  AttrInfo{"implicit_handle",   kInterface, ArgKind::any, 1, kMany, 0, false},
  AttrInfo{"auto_handle",       kInterface, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"explicit_handle",   kInterface, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"ms_union",          kInterface | kUnion | kAlias, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"async_uuid",        kInterface, ArgKind::uuid, 1, 1, 0, false},

  // Operations.
  AttrInfo{"idempotent",        kOperation, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"broadcast",         kOperation, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"maybe",             kOperation, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"callback",          kOperation, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"async",             kOperation, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"noopnum",           kOperation, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"call_as",           kOperation, ArgKind::identifier, 1, 1, 0, false},

  // Parameters and members.
  AttrInfo{"in",                kParam, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"out",               kParam, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"ref",               kAliasElement, ArgKind::none, 0, 0, kPointerGroup, true},
  AttrInfo{"unique",            kAliasElement, ArgKind::none, 0, 0, kPointerGroup, true},
  AttrInfo{"ptr",               kAliasElement, ArgKind::none, 0, 0, kPointerGroup, true},
  AttrInfo{"full",              kAliasElement, ArgKind::none, 0, 0, kPointerGroup, true},
  AttrInfo{"relative",          kAliasElement, ArgKind::none, 0, 0, kPointerGroup, true},
  AttrInfo{"relative_short",    kAliasElement, ArgKind::none, 0, 0, kPointerGroup, true},
  AttrInfo{"ignore",            kAliasElement, ArgKind::none, 0, 0, kPointerGroup, true},
  AttrInfo{"size_is",           kElement, ArgKind::expr, 1, kMany, 0, true},
  AttrInfo{"max_is",            kElement, ArgKind::expr, 1, kMany, 0, true},
  AttrInfo{"min_is",            kElement, ArgKind::expr, 1, kMany, 0, true},
  AttrInfo{"length_is",         kElement, ArgKind::expr, 1, kMany, 0, true},
  AttrInfo{"first_is",          kElement, ArgKind::expr, 1, kMany, 0, true},
  AttrInfo{"last_is",           kElement, ArgKind::expr, 1, kMany, 0, true},
  AttrInfo{"string",            kAliasElement, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"noterm",            kAliasElement, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"switch_is",         kElement, ArgKind::expr, 1, 1, 0, true},
  AttrInfo{"switch_type",       kUnion | kAliasElement, ArgKind::type, 1, 1, 0, true},
  AttrInfo{"range",             kAliasElement, ArgKind::expr, 2, 2, 0, true},
  AttrInfo{"context_handle",    kAliasElement, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"type_strict_context_handle", kAliasElement, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"context_handle_noserialize", kAliasElement, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"context_handle_serialize", kAliasElement, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"charset",           kAliasElement, ArgKind::identifier, 1, 1, 0, true},
  AttrInfo{"subcontext",        kElement, ArgKind::expr, 1, 1, 0, true},
  AttrInfo{"subcontext_size",   kElement, ArgKind::expr, 1, 1, 0, true},
  AttrInfo{"value",             kElement, ArgKind::any, 1, 1, 0, true},
  AttrInfo{"iid_is",            kElement, ArgKind::expr, 1, 1, 0, false},
  AttrInfo{"represent_as",      kAlias | kAggregate, ArgKind::type, 1, 1, kMarshalGroup, false},
  AttrInfo{"transmit_as",       kAnyType, ArgKind::type, 1, 1, kMarshalGroup, false},
  AttrInfo{"wire_marshal",      kAnyType, ArgKind::type, 1, 1, kMarshalGroup, false},
  AttrInfo{"user_marshal",      kAnyType, ArgKind::type, 1, 1, kMarshalGroup, false},
  AttrInfo{"handle",            kAnyType, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"case",              kArm, ArgKind::expr, 1, kMany, 0, true},
  AttrInfo{"default",           kArm, ArgKind::none, 0, 0, 0, true},

  // Types (pidl's and MIDL's).
  AttrInfo{"public",            kAnyType | kOperation, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"flag",              kAnyType | kElement, ArgKind::any, 1, kMany, 0, true},
  AttrInfo{"noprint",           kAnyType | kOperation | kElement, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"nopush",            kAnyType | kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"nopull",            kAnyType | kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"nosize",            kAnyType, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"noejs",             kAnyType, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"gensize",           kAnyType, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"nopython",          kAnyType | kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"todo",              kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"v1_enum",           kEnum | kAlias, ArgKind::none, 0, 0, kEnumWidthGroup, true},
  AttrInfo{"enum8bit",          kEnum, ArgKind::none, 0, 0, kEnumWidthGroup, true},
  AttrInfo{"enum16bit",         kEnum, ArgKind::none, 0, 0, kEnumWidthGroup, true},
  AttrInfo{"enum32bit",         kEnum, ArgKind::none, 0, 0, kEnumWidthGroup, true},
  AttrInfo{"bitmap8bit",        kBitmap, ArgKind::none, 0, 0, kBitmapWidthGroup, true},
  AttrInfo{"bitmap16bit",       kBitmap, ArgKind::none, 0, 0, kBitmapWidthGroup, true},
  AttrInfo{"bitmap32bit",       kBitmap, ArgKind::none, 0, 0, kBitmapWidthGroup, true},
  AttrInfo{"bitmap64bit",       kBitmap, ArgKind::none, 0, 0, kBitmapWidthGroup, true},
  AttrInfo{"nodiscriminant",    kUnion, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"relative_base",     kAggregate, ArgKind::none, 0, 0, 0, true},
  AttrInfo{"decode",            kAnyType | kOperation | kInterface, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"encode",            kAnyType | kOperation | kInterface, ArgKind::none, 0, 0, 0, false},

  // COM and type-library attributes: accepted anywhere, no marshalling meaning.
  AttrInfo{"dual",              kScopes, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"oleautomation",     kScopes, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"nonextensible",     kScopes, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"hidden",            kAnywhere, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"restricted",        kAnywhere, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"odl",               kScopes, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"appobject",         kScopes, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"licensed",          kScopes, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"control",           kScopes, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"noncreatable",      kScopes, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"aggregatable",      kScopes, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"lcid",              kAnywhere, ArgKind::any, 0, 1, 0, false},
  AttrInfo{"helpfile",          kAnywhere, ArgKind::string, 1, 1, 0, false},
  AttrInfo{"helpcontext",       kAnywhere, ArgKind::expr, 1, 1, 0, false},
  AttrInfo{"helpstringcontext", kAnywhere, ArgKind::expr, 1, 1, 0, false},
  AttrInfo{"helpstringdll",     kAnywhere, ArgKind::string, 1, 1, 0, false},
  AttrInfo{"custom",            kAnywhere, ArgKind::any, 2, 2, 0, false},
  AttrInfo{"id",                kAnywhere, ArgKind::expr, 1, 1, 0, false},
  AttrInfo{"propget",           kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"propput",           kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"propputref",        kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"vararg",            kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"source",            kAnywhere, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"bindable",          kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"requestedit",       kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"displaybind",       kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"defaultbind",       kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"defaultcollelem",   kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"nonbrowsable",      kAnywhere, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"immediatebind",     kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"uidefault",         kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"usesgetlasterror",  kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"retval",            kParam, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"optional",          kParam, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"defaultvalue",      kParam, ArgKind::any, 1, 1, 0, false},
  AttrInfo{"readonly",          kAnywhere, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"annotation",        kAnywhere, ArgKind::any, 0, kMany, 0, false},
  AttrInfo{"partial_ignore",    kParam, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"comm_status",       kParam | kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"fault_status",      kParam | kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"code",              kInterface | kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"nocode",            kInterface | kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"optimize",          kInterface | kOperation, ArgKind::string, 1, 1, 0, false},
  AttrInfo{"notify",            kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"notify_flag",       kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"message",           kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"enable_allocate",   kOperation, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"force_allocate",    kParam, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"allocate",          kAlias | kAggregate | kElement, ArgKind::any, 1, kMany, 0, false},
  AttrInfo{"ignore_attr",       kAnywhere, ArgKind::any, 0, kMany, 0, false},
  AttrInfo{"disable_consistency_check", kAnywhere, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"cs_tag_rtn",        kOperation, ArgKind::any, 1, 1, 0, false},
  AttrInfo{"cs_char",           kAnywhere, ArgKind::any, 1, 1, 0, false},
  AttrInfo{"cs_drtag",          kParam, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"cs_rtag",           kParam, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"cs_stag",           kParam, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"threading",         kOther, ArgKind::identifier, 1, 1, 0, false},
  AttrInfo{"progid",            kOther, ArgKind::string, 1, 1, 0, false},
  AttrInfo{"vi_progid",         kOther, ArgKind::string, 1, 1, 0, false},
  AttrInfo{"dllname",           kOther, ArgKind::string, 1, 1, 0, false},
  AttrInfo{"entry",             kOperation, ArgKind::any, 1, 1, 0, false},
  AttrInfo{"proxy",             kOther | kInterface, ArgKind::none, 0, 0, 0, false},
  AttrInfo{"wire_marshal_string", kAnywhere, ArgKind::none, 0, 0, 0, false},
};
// clang-format on

const char* arg_kind_name(ArgKind k) {
  switch (k) {
    case ArgKind::expr: return "an expression";
    case ArgKind::type: return "a type";
    case ArgKind::uuid: return "a uuid";
    case ArgKind::version: return "a version";
    case ArgKind::string: return "a string";
    case ArgKind::identifier: return "a name";
    default: return "an argument";
  }
}

bool arg_fits(const ast::AttrArg& a, ArgKind k) {
  using AK = ast::AttrArg::Kind;
  switch (k) {
    case ArgKind::none: return false;
    case ArgKind::any: return true;
    case ArgKind::expr: return a.kind == AK::expr || a.kind == AK::empty;
    // A bare name may parse as an expression or as a type: both name a type.
    case ArgKind::type:
      return a.kind == AK::type || (a.kind == AK::expr && a.expr &&
                                    a.expr->kind == ast::ExprKind::identifier);
    // Whatever the parser made of a uuid, the interface check validates its text.
    case ArgKind::uuid: return a.kind != AK::empty;
    case ArgKind::version:
      return a.kind == AK::version ||
             (a.kind == AK::expr && a.expr && (a.expr->kind == ast::ExprKind::integer ||
                                               a.expr->kind == ast::ExprKind::floating));
    case ArgKind::string:
      return a.kind == AK::expr && a.expr && a.expr->kind == ast::ExprKind::string;
    case ArgKind::identifier:
      return (a.kind == AK::expr && a.expr && (a.expr->kind == ast::ExprKind::identifier ||
                                               a.expr->kind == ast::ExprKind::string)) ||
             a.kind == AK::type;
  }
  return false;
}

std::string plural_args(unsigned n) {
  return std::to_string(n) + (n == 1 ? " argument" : " arguments");
}

}  // namespace

const char* place_name(Place p) {
  switch (p) {
    case kInterface: return "an interface";
    case kOperation: return "an operation";
    case kParam: return "a parameter";
    case kField: return "a struct member";
    case kArm: return "a union arm";
    case kStruct: return "a struct";
    case kUnion: return "a union";
    case kEnum: return "an enum";
    case kBitmap: return "a bitmap";
    case kAlias: return "a typedef";
    case kPipe: return "a pipe";
    default: return "this declaration";
  }
}

const AttrInfo* find_attribute(std::string_view name) {
  for (const AttrInfo& a : kTable)
    if (a.name == name) return &a;
  return nullptr;
}

const ast::Attribute* find_attr(const ast::AttributeList& attrs, std::string_view name) {
  for (const ast::Attribute& a : attrs)
    if (a.name == name) return &a;
  return nullptr;
}

bool check_attributes(const ast::AttributeList& attrs, Place place, DiagnosticEngine& diags) {
  bool ok = true;
  // By name and by exclusive group, so that long lists stay linear.
  std::unordered_map<std::string_view, const ast::Attribute*> seen;
  std::unordered_map<uint8_t, const ast::Attribute*> groups;
  for (const ast::Attribute& a : attrs) {
    const AttrInfo* info = find_attribute(a.name);
    if (!info) {
      diags.warning(a.name_range, "unknown attribute '" + a.name + "' ignored", "unknown-attribute");
      continue;
    }
    if ((info->places & place) == 0) {
      diags.error(a.name_range,
                  "attribute '" + a.name + "' is not allowed on " + place_name(place),
                  "attribute-not-allowed");
      ok = false;
      continue;
    }
    const unsigned n = a.args.size();
    if (info->arg_kind == ArgKind::none && (n != 0 || a.has_parens)) {
      if (n != 0) {
        diags.error(a.range, "attribute '" + a.name + "' takes no arguments", "attribute-args");
        ok = false;
      }
    } else if (info->arg_kind != ArgKind::none && (n < info->min_args || n > info->max_args)) {
      std::string want = info->min_args == info->max_args
                             ? plural_args(info->min_args)
                             : "at least " + plural_args(info->min_args);
      diags.error(a.range, "attribute '" + a.name + "' takes " + want + ", not " +
                               std::to_string(n), "attribute-args");
      ok = false;
    } else {
      for (const ast::AttrArg& arg : a.args) {
        if (!arg_fits(arg, info->arg_kind)) {
          diags.error(arg.range.length ? arg.range : a.range,
                      "argument of attribute '" + a.name + "' must be " +
                          arg_kind_name(info->arg_kind), "attribute-args");
          ok = false;
          break;
        }
      }
    }
    if (auto it = seen.find(a.name); it != seen.end()) {
      const ast::Attribute* prev = it->second;
      if (!prev) continue;  // this name's duplicates were reported once already
      it->second = nullptr;
      Diagnostic d{Severity::warning, a.name_range, "duplicate attribute '" + a.name + "'",
                   "duplicate-attribute", {}};
      d.notes.push_back({Severity::note, prev->name_range, "first given here", "", {}});
      diags.report(std::move(d));
      continue;
    }
    seen.emplace(a.name, &a);
    if (info->exclusive_group == 0) continue;
    if (auto it = groups.find(info->exclusive_group); it != groups.end()) {
      const ast::Attribute* prev = it->second;
      Diagnostic d{Severity::error, a.name_range,
                   "'" + a.name + "' conflicts with '" + prev->name + "'", "attribute-conflict", {}};
      d.notes.push_back({Severity::note, prev->name_range, "'" + prev->name + "' given here", "",
                         {}});
      diags.report(std::move(d));
      ok = false;
      continue;
    }
    groups.emplace(info->exclusive_group, &a);
  }
  return ok;
}

}  // namespace nca::idl::sema
