#include "frontend/parser.h"

#include <antlr4-runtime.h>

#include "IdlLexer.h"
#include "IdlParser.h"
#include "diag/diagnostics.h"
#include "diag/source_manager.h"
#include "frontend/ast_builder.h"

namespace nca::idl::detail {
namespace {

using grammar::IdlLexer;
using grammar::IdlParser;

// ANTLR's own input stream decodes UTF-8 and throws on invalid sequences. IDL is ASCII outside
// string literals, so each byte becomes one symbol: token indices are then byte offsets into the
// unit's text, and no input can make the stream throw.
class ByteStream : public antlr4::ANTLRInputStream {
 public:
  explicit ByteStream(std::string_view bytes) {
    _data.reserve(bytes.size());
    for (unsigned char c : bytes) _data.push_back(static_cast<char32_t>(c));
  }
};

// Thrown (from the error strategy) to abandon a file after too many errors.
struct TooManyErrors {};

// The literal token types the pre-pass and the messages care about, looked up by spelling so the
// code does not depend on ANTLR's numbering of implicit tokens.
struct TokenTypes {
  explicit TokenTypes(const antlr4::dfa::Vocabulary& v) {
    for (size_t t = 1; t <= v.getMaxTokenType(); ++t) {
      std::string lit = v.getLiteralName(t);
      if (lit.size() < 2) continue;
      std::string s = lit.substr(1, lit.size() - 2);
      if (s == "(" || s == "[" || s == "{") openers.insert(t);
      else if (s == ")" || s == "]" || s == "}") closers.insert(t);
      else if (s == "-" || s == "+" || s == "~" || s == "!" || s == "*" || s == "&" || s == "sizeof" || s == "pipe")
        prefix.insert(t);
      if (s == ";") semicolon = t;
    }
  }
  std::set<size_t> openers, closers, prefix;
  size_t semicolon = 0;
};

std::string quote_token_text(std::string_view s) {
  std::string out = "'";
  for (unsigned char c : s.substr(0, 40)) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > 40) out += "...";
  return out + "'";
}

class Reporter {
 public:
  Reporter(uint32_t unit, std::string_view text, DiagnosticEngine& diags, size_t max_errors)
      : unit_(unit), text_(text), diags_(diags), max_errors_(max_errors) {}

  SourceRange range(antlr4::Token* t) const {
    if (!t || t->getType() == antlr4::Token::EOF)
      return {SourceLoc{unit_, static_cast<uint32_t>(text_.size())}, 0};
    size_t b = t->getStartIndex(), e = t->getStopIndex();
    return {SourceLoc{unit_, static_cast<uint32_t>(b)}, static_cast<uint32_t>(e >= b ? e - b + 1 : 1)};
  }
  // Just after `t`: where a missing token belongs (Clang puts "expected ';'" there).
  SourceRange after(antlr4::Token* t) const {
    if (!t) return range(t);
    return {SourceLoc{unit_, static_cast<uint32_t>(t->getStopIndex() + 1)}, 0};
  }
  std::string spelling(antlr4::Token* t) const {
    if (!t || t->getType() == antlr4::Token::EOF) return "end of file";
    SourceRange r = range(t);
    return quote_token_text(text_.substr(r.begin.offset, r.length));
  }

  void error(SourceRange r, std::string message, std::string id = "syntax") {
    if (errors_ == max_errors_) {
      diags_.error(r, "too many errors in this file, giving up on it", "too-many-errors");
      throw TooManyErrors{};
    }
    ++errors_;
    diags_.error(r, std::move(message), std::move(id));
  }
  size_t errors() const { return errors_; }

 private:
  uint32_t unit_;
  std::string_view text_;
  DiagnosticEngine& diags_;
  size_t max_errors_;
  size_t errors_ = 0;
};

const char* rule_description(size_t rule) {
  switch (rule) {
    case IdlParser::RuleFile:
    case IdlParser::RuleDefinition:
    case IdlParser::RuleScopeBody: return "a declaration";
    case IdlParser::RuleTypeSpec:
    case IdlParser::RuleTypeCore:
    case IdlParser::RuleTypeName:
    case IdlParser::RuleBuiltinWords: return "a type";
    case IdlParser::RuleExpr:
    case IdlParser::RulePrimary: return "an expression";
    case IdlParser::RuleStructMember:
    case IdlParser::RuleField: return "a member declaration";
    case IdlParser::RuleUnionMember:
    case IdlParser::RuleUnionArm: return "a union arm";
    case IdlParser::RuleEncapArm:
    case IdlParser::RuleCaseLabel: return "'case' or 'default'";
    case IdlParser::RuleEnumBody:
    case IdlParser::RuleEnumerator: return "an enumerator";
    case IdlParser::RuleDeclarators:
    case IdlParser::RuleDeclarator:
    case IdlParser::RuleDirectDeclarator:
    case IdlParser::RuleName:
    case IdlParser::RuleIdent: return "a name";
    case IdlParser::RuleAttributes:
    case IdlParser::RuleAttrList:
    case IdlParser::RuleAttribute:
    case IdlParser::RuleAttrName: return "an attribute";
    case IdlParser::RuleAttrArgs:
    case IdlParser::RuleAttrArg: return "an attribute argument";
    case IdlParser::RuleParams:
    case IdlParser::RuleParam: return "a parameter";
    case IdlParser::RuleArrayDim: return "an array bound";
    case IdlParser::RuleImportDecl: return "a file name string";
    default: return nullptr;
  }
}

// What the parser was looking for, by the rule it was in: better than a list of 40 tokens.
// Rules without a description of their own defer to the rule around them.
const char* rule_expectation(antlr4::ParserRuleContext* ctx) {
  for (; ctx; ctx = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent)) {
    if (dynamic_cast<IdlParser::StructDefContext*>(ctx)) return "a member declaration";
    if (dynamic_cast<IdlParser::UnionDefContext*>(ctx)) return "a union arm";
    if (dynamic_cast<IdlParser::EncapUnionDefContext*>(ctx)) return "'case' or 'default'";
    if (dynamic_cast<IdlParser::EnumDefContext*>(ctx) || dynamic_cast<IdlParser::BitmapDefContext*>(ctx))
      return "an enumerator";
    if (ctx->getRuleIndex() == IdlParser::RuleOperationDecl) return "a parameter";
    if (const char* what = rule_description(ctx->getRuleIndex())) return what;
  }
  return nullptr;
}

// The construct a missing ';' ends, for "expected ';' after ...".
std::string construct_name(antlr4::ParserRuleContext* ctx) {
  for (; ctx; ctx = dynamic_cast<antlr4::ParserRuleContext*>(ctx->parent)) {
    switch (ctx->getRuleIndex()) {
      case IdlParser::RuleTypedefDecl: return "typedef";
      case IdlParser::RuleConstDecl: return "constant";
      case IdlParser::RuleOperationDecl: return "operation";
      case IdlParser::RuleImportDecl: return "import";
      case IdlParser::RuleField: return "member";
      case IdlParser::RuleUnionArm: return "union arm";
      case IdlParser::RuleScopeDecl: return "declaration";
      case IdlParser::RulePropertyDecl: return "declaration";
      case IdlParser::RuleTypeDeclStmt: {
        std::string s = ctx->getStart() ? ctx->getStart()->getText() : "";
        for (auto* child : ctx->children)
          if (auto* def = dynamic_cast<antlr4::ParserRuleContext*>(child))
            if (def->getRuleIndex() == IdlParser::RuleTypeDefinition || def->getRuleIndex() == IdlParser::RuleForwardDecl)
              return def->getStart()->getText();
        return "type declaration";
      }
      default: break;
    }
  }
  return "";
}

// ANTLR's default strategy recovers well but reports in its own words ("mismatched input ...
// expecting {...}"); this one keeps the recovery and says what a person expects to read.
class ErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  ErrorStrategy(Reporter& reporter, const TokenTypes& types) : reporter_(reporter), types_(types) {}

 protected:
  std::string expected(antlr4::Parser* p, const antlr4::misc::IntervalSet& set) const {
    const auto& vocab = p->getVocabulary();
    std::vector<std::string> names;
    for (ssize_t st : set.toList()) {
      size_t t = static_cast<size_t>(st);
      if (t == antlr4::Token::EOF) names.push_back("end of file");
      else if (t == IdlParser::IDENT) names.push_back("a name");
      else if (t == IdlParser::STRING) names.push_back("a string");
      else if (t == IdlParser::INT) names.push_back("an integer");
      else names.push_back(vocab.getLiteralName(static_cast<size_t>(t)));
      if (names.back().empty()) names.back() = vocab.getDisplayName(static_cast<size_t>(t));
    }
    if (names.empty() || names.size() > 3) {
      const char* what = rule_expectation(p->getContext());
      return what ? what : "something else";
    }
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) {
      if (i) out += i + 1 == names.size() ? " or " : ", ";
      out += names[i];
    }
    return out;
  }

  void report(antlr4::Parser* p, antlr4::Token* offending, const std::string& what) {
    if (offending && offending->getType() == antlr4::Token::EOF)
      reporter_.error(reporter_.range(offending), "expected " + what + " before end of file");
    else
      reporter_.error(reporter_.range(offending), "expected " + what + ", found " + reporter_.spelling(offending));
    (void)p;
  }

  void reportNoViableAlternative(antlr4::Parser* p, const antlr4::NoViableAltException& e) override {
    const char* what = rule_expectation(p->getContext());
    report(p, e.getOffendingToken(), what ? what : expected(p, p->getExpectedTokens()));
  }

  void reportInputMismatch(antlr4::Parser* p, const antlr4::InputMismatchException& e) override {
    report(p, e.getOffendingToken(), expected(p, e.getExpectedTokens()));
  }

  void reportFailedPredicate(antlr4::Parser* p, const antlr4::FailedPredicateException& e) override {
    report(p, e.getOffendingToken(), "something else");
  }

  void reportUnwantedToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    antlr4::Token* t = p->getCurrentToken();
    reporter_.error(reporter_.range(t), "unexpected " + reporter_.spelling(t) + ", expected " +
                                            expected(p, getExpectedTokens(p)));
  }

  void reportMissingToken(antlr4::Parser* p) override {
    if (inErrorRecoveryMode(p)) return;
    beginErrorCondition(p);
    antlr4::misc::IntervalSet want = getExpectedTokens(p);
    antlr4::Token* prev = p->getTokenStream()->LT(-1);
    std::string what = expected(p, want);
    if (want.contains(types_.semicolon) && want.size() == 1) {
      std::string after = construct_name(p->getContext());
      reporter_.error(reporter_.after(prev), after.empty() ? "expected ';'" : "expected ';' after " + after);
    } else {
      bool at_end = p->getCurrentToken()->getType() == antlr4::Token::EOF;
      reporter_.error(reporter_.after(prev), "expected " + what + (at_end ? " before end of file" : ""));
    }
  }

 private:
  Reporter& reporter_;
  const TokenTypes& types_;
};

// Bounds nesting before the recursive-descent parser sees the tokens, and reports stray
// characters (which the grammar never sees). Returns false if the file must not be parsed.
bool pre_scan(const std::vector<antlr4::Token*>& tokens, const TokenTypes& types, Reporter& reporter,
              const ParseLimits& limits) {
  size_t depth = 0, run = 0;
  for (antlr4::Token* t : tokens) {
    size_t type = t->getType();
    if (type == IdlLexer::STRAY) {
      std::string s = reporter.spelling(t);
      if (s == "'\"'" || s == "'''")
        reporter.error(reporter.range(t), "missing terminating " + s + " character", "stray");
      else
        reporter.error(reporter.range(t), "stray " + s + " in input", "stray");
      continue;
    }
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    if (types.openers.count(type)) {
      if (++depth > limits.max_nesting) {
        reporter.error(reporter.range(t), "nesting too deep (more than " + std::to_string(limits.max_nesting) +
                                              " levels of brackets)", "nesting-too-deep");
        return false;
      }
    } else if (types.closers.count(type) && depth > 0) {
      --depth;
    }
    run = types.prefix.count(type) ? run + 1 : 0;
    if (run > limits.max_nesting) {
      reporter.error(reporter.range(t), "too many operators in a row (more than " +
                                            std::to_string(limits.max_nesting) + ")", "nesting-too-deep");
      return false;
    }
  }
  return true;
}

}  // namespace

std::unique_ptr<ast::File> parse_unit(const SourceManager& sources, uint32_t unit, std::string path,
                                      DiagnosticEngine& diags, const ParseLimits& limits) {
  auto file = std::make_unique<ast::File>();
  file->path = std::move(path);
  file->unit = unit;
  std::string_view text = sources.text(unit);
  Reporter reporter(unit, text, diags, limits.max_errors_per_file);

  try {
    ByteStream input(text);
    IdlLexer lexer(&input);
    lexer.removeErrorListeners();
    antlr4::CommonTokenStream tokens(&lexer);
    tokens.fill();
    TokenTypes types(lexer.getVocabulary());
    if (!pre_scan(tokens.getTokens(), types, reporter, limits)) return file;

    IdlParser parser(&tokens);
    parser.removeErrorListeners();
    // Two stages, as ANTLR's authors recommend: the fast SLL mode succeeds on nearly every valid
    // file; only when it fails is the file parsed again in full LL mode with error recovery.
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    IdlParser::FileContext* tree = nullptr;
    try {
      tree = parser.file();
    } catch (const antlr4::ParseCancellationException&) {
      tokens.seek(0);
      parser.reset();
      parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
      parser.setErrorHandler(std::make_shared<ErrorStrategy>(reporter, types));
      tree = parser.file();
    }
    if (reporter.errors() == 0 && tree) {
      std::vector<SourceRange> pragmas;
      for (antlr4::Token* t : tokens.getTokens())
        if (t->getType() == IdlLexer::PRAGMA) pragmas.push_back(reporter.range(t));
      build_ast(tree, unit, text, pragmas, diags, *file);
    }
  } catch (const TooManyErrors&) {
    // Already reported; the file's AST stays empty.
  } catch (const std::exception& e) {
    // The runtime should not throw for any input we give it; if it does, the input is refused
    // rather than the compiler stopped.
    diags.error(SourceRange{SourceLoc{unit, 0}, 0}, std::string("internal parser failure: ") + e.what(), "internal");
  }
  return file;
}

}  // namespace nca::idl::detail
