// Lexer and recursive-descent parser of the rule language (grammar in
// include/churnwatch/rules.h). Hand-written rather than muparser: muparser has no strings,
// no `in [...]` lists and reports errors by character position without context, and the
// point of this language is that a CRM analyst can fix a typo from the message alone.
#include <algorithm>
#include <charconv>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "churnwatch/rules.h"
#include "policy/rules_ast.h"

namespace churnwatch {

using rules_internal::Node;
using rules_internal::NodeKind;

namespace {

enum class Tok { kNumber, kString, kIdent, kKeyword, kOp, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // operator / keyword / identifier / string contents
  double number = 0;
  int column = 1;
};

bool IsKeyword(std::string_view w) {
  return w == "and" || w == "or" || w == "not" || w == "in" || w == "true" || w == "false" || w == "missing";
}

// How a token reads inside an error message.
// Deepest expression accepted. Parsing, binding, evaluating and freeing a rule all recurse
// over its tree, so a pasted or generated rule of thousands of nested parentheses, `not`s or
// chained `and`s would overflow the stack; no hand-written rule comes near this.
constexpr int kMaxRuleDepth = 200;

std::string Describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEnd: return "the end of the rule";
    case Tok::kString: return "the string \"" + t.text + "\"";
    default: return "'" + t.text + "'";
  }
}

class Parser {
 public:
  Parser(std::string_view name, std::string_view text) : name_(name), text_(text) {}

  Result<std::unique_ptr<Node>> Run() {
    CW_RETURN_IF_ERROR(Lex());
    if (tokens_.size() == 1) return Error(1, "the rule is empty");
    CW_ASSIGN_OR_RETURN(auto root, ParseOr());
    const Token& t = Peek();
    if (t.kind != Tok::kEnd) {
      if (t.kind == Tok::kOp && IsCompareOp(t.text))
        return Error(t.column, "comparisons cannot be chained; join them with 'and'");
      return Error(t.column, "expected 'and', 'or' or the end of the rule, found " + Describe(t));
    }
    return root;
  }

 private:
  static bool IsCompareOp(std::string_view op) {
    return op == "<" || op == "<=" || op == ">" || op == ">=" || op == "==" || op == "!=";
  }

  Status Error(int column, const std::string& what) const {
    return Status::InvalidArgument("rule '" + std::string(name_) + "', column " + std::to_string(column) + ": " + what);
  }

  Status Lex() {
    std::size_t i = 0;
    const std::size_t n = text_.size();
    while (i < n) {
      const char c = text_[i];
      const int col = static_cast<int>(i) + 1;
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token t;
      t.column = col;
      if (std::isdigit(static_cast<unsigned char>(c)) ||
          (c == '.' && i + 1 < n && std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
        std::size_t j = i;
        while (j < n && std::isdigit(static_cast<unsigned char>(text_[j]))) ++j;
        if (j < n && text_[j] == '.') {
          ++j;
          while (j < n && std::isdigit(static_cast<unsigned char>(text_[j]))) ++j;
        }
        if (j < n && (text_[j] == 'e' || text_[j] == 'E')) {
          std::size_t k = j + 1;
          if (k < n && (text_[k] == '+' || text_[k] == '-')) ++k;
          if (k < n && std::isdigit(static_cast<unsigned char>(text_[k]))) {
            j = k;
            while (j < n && std::isdigit(static_cast<unsigned char>(text_[j]))) ++j;
          }
        }
        t.kind = Tok::kNumber;
        t.text = std::string(text_.substr(i, j - i));
        auto [p, ec] = std::from_chars(text_.data() + i, text_.data() + j, t.number);
        if (ec != std::errc() || p != text_.data() + j) return Error(col, "malformed number '" + t.text + "'");
        if (j < n && (std::isalpha(static_cast<unsigned char>(text_[j])) || text_[j] == '_'))
          return Error(static_cast<int>(j) + 1, "a number must not run into a name ('" +
                                                    std::string(text_.substr(i, j - i + 1)) + "...'); add a space or an operator");
        i = j;
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        std::size_t j = i;
        while (j < n && (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '_')) ++j;
        t.text = std::string(text_.substr(i, j - i));
        t.kind = IsKeyword(t.text) ? Tok::kKeyword : Tok::kIdent;
        i = j;
      } else if (c == '"' || c == '\'') {
        std::size_t j = i + 1;
        while (j < n && text_[j] != c) ++j;
        if (j >= n) return Error(col, "unterminated string (no closing " + std::string(1, c) + ")");
        t.kind = Tok::kString;
        t.text = std::string(text_.substr(i + 1, j - i - 1));
        i = j + 1;
      } else {
        const std::string two = i + 1 < n ? std::string(text_.substr(i, 2)) : std::string();
        if (two == "<=" || two == ">=" || two == "==" || two == "!=") {
          t.kind = Tok::kOp;
          t.text = two;
          i += 2;
        } else if (two == "&&") {
          return Error(col, "'&&' is not an operator; write 'and'");
        } else if (two == "||") {
          return Error(col, "'||' is not an operator; write 'or'");
        } else if (c == '=') {
          return Error(col, "'=' is not an operator; write '==' to compare");
        } else if (c == '!') {
          return Error(col, "'!' is not an operator; write 'not' or '!='");
        } else if (std::string_view("<>+-*/()[],").find(c) != std::string_view::npos) {
          t.kind = Tok::kOp;
          t.text = std::string(1, c);
          ++i;
        } else {
          return Error(col, "unexpected character '" + std::string(1, c) + "'");
        }
      }
      tokens_.push_back(std::move(t));
    }
    Token end;
    end.column = static_cast<int>(n) + 1;
    tokens_.push_back(end);
    return Status::OK();
  }

  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool AtKeyword(std::string_view k) const { return Peek().kind == Tok::kKeyword && Peek().text == k; }
  bool AtOp(std::string_view op) const { return Peek().kind == Tok::kOp && Peek().text == op; }

  static std::unique_ptr<Node> Make(NodeKind kind, int column) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->column = column;
    n->start = column;
    return n;
  }
  static std::unique_ptr<Node> Binary(NodeKind kind, const Token& op, std::unique_ptr<Node> a, std::unique_ptr<Node> b) {
    auto n = Make(kind, op.column);
    n->op = op.text;
    n->start = a->start;
    n->height = 1 + std::max(a->height, b->height);
    n->children.push_back(std::move(a));
    n->children.push_back(std::move(b));
    return n;
  }

  // Counts one level of recursion (a parenthesis, `not` or unary minus) for as long as it
  // lives; the parser refuses to go deeper than kMaxRuleDepth.
  struct Level {
    int& depth;
    explicit Level(int& d) : depth(++d) {}
    ~Level() { --depth; }
    Level(const Level&) = delete;
    Level& operator=(const Level&) = delete;
  };
  Status TooDeep(int column) const {
    return Error(column, "the expression nests more than " + std::to_string(kMaxRuleDepth) +
                             " levels deep (parentheses, 'not', '-' or chained 'and'/'or' terms); split it into "
                             "several rules");
  }
  Result<std::unique_ptr<Node>> Checked(std::unique_ptr<Node> n, int column) const {
    if (n->height > kMaxRuleDepth) return TooDeep(column);
    return n;
  }

  Result<std::unique_ptr<Node>> ParseOr() {
    CW_ASSIGN_OR_RETURN(auto left, ParseAnd());
    while (AtKeyword("or")) {
      const Token op = Next();
      CW_ASSIGN_OR_RETURN(auto right, ParseAnd());
      CW_ASSIGN_OR_RETURN(left, Checked(Binary(NodeKind::kOr, op, std::move(left), std::move(right)), op.column));
    }
    return left;
  }

  Result<std::unique_ptr<Node>> ParseAnd() {
    CW_ASSIGN_OR_RETURN(auto left, ParseNot());
    while (AtKeyword("and")) {
      const Token op = Next();
      CW_ASSIGN_OR_RETURN(auto right, ParseNot());
      CW_ASSIGN_OR_RETURN(left, Checked(Binary(NodeKind::kAnd, op, std::move(left), std::move(right)), op.column));
    }
    return left;
  }

  Result<std::unique_ptr<Node>> ParseNot() {
    if (AtKeyword("not")) {
      const Token op = Next();
      const Level level(depth_);
      if (depth_ > kMaxRuleDepth) return TooDeep(op.column);
      CW_ASSIGN_OR_RETURN(auto inner, ParseNot());
      auto n = Make(NodeKind::kNot, op.column);
      n->height = inner->height + 1;
      n->op = "not";
      n->children.push_back(std::move(inner));
      return n;
    }
    return ParseCompare();
  }

  Result<std::unique_ptr<Node>> ParseCompare() {
    CW_ASSIGN_OR_RETURN(auto left, ParseSum());
    if (Peek().kind == Tok::kOp && IsCompareOp(Peek().text)) {
      const Token op = Next();
      CW_ASSIGN_OR_RETURN(auto right, ParseSum());
      return Checked(Binary(NodeKind::kCompare, op, std::move(left), std::move(right)), op.column);
    }
    bool negated = false;
    int column = Peek().column;
    if (AtKeyword("not") && pos_ + 1 < tokens_.size() && tokens_[pos_ + 1].kind == Tok::kKeyword &&
        tokens_[pos_ + 1].text == "in") {
      Next();
      negated = true;
    }
    if (!AtKeyword("in")) return left;
    if (!negated) column = Peek().column;
    Next();
    if (!AtOp("[")) return Error(Peek().column, "expected '[' after 'in', found " + Describe(Peek()));
    const int open = Next().column;
    auto n = Make(NodeKind::kIn, column);
    n->op = negated ? "not in" : "in";
    n->negated = negated;
    n->start = left->start;
    n->height = left->height + 1;
    n->children.push_back(std::move(left));
    while (true) {
      const Token& t = Peek();
      auto item = Make(NodeKind::kNumber, t.column);
      if (t.kind == Tok::kNumber) {
        item->number = t.number;
      } else if (AtOp("-") && tokens_[pos_ + 1].kind == Tok::kNumber) {
        Next();
        item->number = -Peek().number;
      } else if (t.kind == Tok::kString) {
        item->kind = NodeKind::kString;
        item->text = t.text;
      } else {
        return Error(t.column, "expected a number or a string in the list, found " + Describe(t));
      }
      Next();
      n->children.push_back(std::move(item));
      if (AtOp(",")) {
        Next();
        continue;
      }
      if (AtOp("]")) {
        Next();
        break;
      }
      return Error(Peek().column, "expected ',' or ']' to continue the list opened at column " + std::to_string(open) +
                                      ", found " + Describe(Peek()));
    }
    return n;
  }

  Result<std::unique_ptr<Node>> ParseSum() {
    CW_ASSIGN_OR_RETURN(auto left, ParseProduct());
    while (AtOp("+") || AtOp("-")) {
      const Token op = Next();
      CW_ASSIGN_OR_RETURN(auto right, ParseProduct());
      CW_ASSIGN_OR_RETURN(left, Checked(Binary(NodeKind::kArith, op, std::move(left), std::move(right)), op.column));
    }
    return left;
  }

  Result<std::unique_ptr<Node>> ParseProduct() {
    CW_ASSIGN_OR_RETURN(auto left, ParseUnary());
    while (AtOp("*") || AtOp("/")) {
      const Token op = Next();
      CW_ASSIGN_OR_RETURN(auto right, ParseUnary());
      CW_ASSIGN_OR_RETURN(left, Checked(Binary(NodeKind::kArith, op, std::move(left), std::move(right)), op.column));
    }
    return left;
  }

  Result<std::unique_ptr<Node>> ParseUnary() {
    if (AtOp("-")) {
      const Token op = Next();
      const Level level(depth_);
      if (depth_ > kMaxRuleDepth) return TooDeep(op.column);
      CW_ASSIGN_OR_RETURN(auto inner, ParseUnary());
      auto n = Make(NodeKind::kNeg, op.column);
      n->height = inner->height + 1;
      n->op = "-";
      n->children.push_back(std::move(inner));
      return n;
    }
    return ParsePrimary();
  }

  Result<std::unique_ptr<Node>> ParsePrimary() {
    const Token t = Peek();
    switch (t.kind) {
      case Tok::kNumber: {
        Next();
        auto n = Make(NodeKind::kNumber, t.column);
        n->number = t.number;
        return n;
      }
      case Tok::kString: {
        Next();
        auto n = Make(NodeKind::kString, t.column);
        n->text = t.text;
        return n;
      }
      case Tok::kIdent: {
        Next();
        auto n = Make(NodeKind::kIdent, t.column);
        n->text = t.text;
        return n;
      }
      case Tok::kKeyword:
        if (t.text == "true" || t.text == "false") {
          Next();
          auto n = Make(NodeKind::kBool, t.column);
          n->number = t.text == "true" ? 1 : 0;
          return n;
        }
        if (t.text == "missing") {
          Next();
          if (!AtOp("(")) return Error(Peek().column, "expected '(' after 'missing', found " + Describe(Peek()));
          Next();
          if (Peek().kind != Tok::kIdent)
            return Error(Peek().column, "expected a feature name inside missing(...), found " + Describe(Peek()));
          auto n = Make(NodeKind::kMissing, t.column);
          n->text = Next().text;
          if (!AtOp(")")) return Error(Peek().column, "expected ')' to close missing(...), found " + Describe(Peek()));
          Next();
          return n;
        }
        break;
      case Tok::kOp:
        if (t.text == "(") {
          Next();
          const Level level(depth_);
          if (depth_ > kMaxRuleDepth) return TooDeep(t.column);
          CW_ASSIGN_OR_RETURN(auto inner, ParseOr());
          if (!AtOp(")"))
            return Error(Peek().column, "expected ')' to close the '(' at column " + std::to_string(t.column) +
                                            ", found " + Describe(Peek()));
          Next();
          return inner;
        }
        break;
      case Tok::kEnd: break;
    }
    return Error(t.column, "expected a number, a string, a feature name or '(', found " + Describe(t));
  }

  std::string_view name_;
  std::string_view text_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;  // open parentheses, `not`s and unary minuses being parsed
};

}  // namespace

Rule::Rule(std::string name, std::string expression, std::unique_ptr<Node> root)
    : name_(std::move(name)), expression_(std::move(expression)), root_(std::move(root)) {}
Rule::Rule(Rule&&) noexcept = default;
Rule& Rule::operator=(Rule&&) noexcept = default;
Rule::~Rule() = default;

Result<Rule> Rule::Parse(std::string_view name, std::string_view expression) {
  Parser parser(name, expression);
  CW_ASSIGN_OR_RETURN(auto root, parser.Run());
  return Rule(std::string(name), std::string(expression), std::move(root));
}

}  // namespace churnwatch
