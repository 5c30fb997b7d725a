// Recursive-descent parser for mapping-file expressions, emitting postfix code.
#include "ingest/expression.h"

#include <array>
#include <charconv>
#include <cmath>

namespace churnwatch::ingest {

namespace {
constexpr int kMaxStack = 64;
bool IsIdentStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '.'; }
}  // namespace

class ExpressionParser {
 public:
  explicit ExpressionParser(std::string_view t) : t_(t) {}

  Status Run(Expression& out) {
    out_ = &out;
    CW_RETURN_IF_ERROR(ParseExpr());
    Skip();
    if (i_ != t_.size()) return Error("unexpected '" + std::string(1, t_[i_]) + "'");
    // Postfix code needs at most as many stack slots as it has operands.
    int depth = 0, max_depth = 0;
    for (const auto& ins : out.code_) {
      if (ins.op == Expression::Op::kConst || ins.op == Expression::Op::kColumn) ++depth;
      else if (ins.op != Expression::Op::kNeg) --depth;
      max_depth = std::max(max_depth, depth);
    }
    if (max_depth > kMaxStack) return Error("expression is too deeply nested");
    out.max_depth_ = max_depth;
    return Status::OK();
  }

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("expression '" + std::string(t_) + "' at character " + std::to_string(i_ + 1) +
                                   ": " + what);
  }
  void Skip() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t')) ++i_;
  }
  void Emit(Expression::Op op, int index = 0, double value = 0) { out_->code_.push_back({op, index, value}); }
  int ColumnSlot(ColumnRef ref) {
    for (std::size_t k = 0; k < out_->columns_.size(); ++k)
      if (out_->columns_[k] == ref) return static_cast<int>(k);
    out_->columns_.push_back(std::move(ref));
    return static_cast<int>(out_->columns_.size() - 1);
  }

  Status ParseExpr() {
    CW_RETURN_IF_ERROR(ParseTerm());
    for (;;) {
      Skip();
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) {
        char op = t_[i_++];
        CW_RETURN_IF_ERROR(ParseTerm());
        Emit(op == '+' ? Expression::Op::kAdd : Expression::Op::kSub);
      } else {
        return Status::OK();
      }
    }
  }
  Status ParseTerm() {
    CW_RETURN_IF_ERROR(ParseUnary());
    for (;;) {
      Skip();
      if (i_ < t_.size() && (t_[i_] == '*' || t_[i_] == '/')) {
        char op = t_[i_++];
        CW_RETURN_IF_ERROR(ParseUnary());
        Emit(op == '*' ? Expression::Op::kMul : Expression::Op::kDiv);
      } else {
        return Status::OK();
      }
    }
  }
  Status ParseUnary() {
    Skip();
    if (i_ < t_.size() && t_[i_] == '-') {
      ++i_;
      if (++depth_ > kMaxStack) return Error("expression is too deeply nested");
      CW_RETURN_IF_ERROR(ParseUnary());
      --depth_;
      Emit(Expression::Op::kNeg);
      return Status::OK();
    }
    return ParsePrimary();
  }
  Status ParsePrimary() {
    Skip();
    if (i_ == t_.size()) return Error("expected a number, a column or '('");
    char c = t_[i_];
    if (c == '(') {
      ++i_;
      if (++depth_ > kMaxStack) return Error("expression is too deeply nested");
      CW_RETURN_IF_ERROR(ParseExpr());
      --depth_;
      Skip();
      if (i_ == t_.size() || t_[i_] != ')') return Error("missing ')'");
      ++i_;
      return Status::OK();
    }
    if ((c >= '0' && c <= '9') || c == '.') {
      double v = 0;
      auto [ptr, ec] = std::from_chars(t_.data() + i_, t_.data() + t_.size(), v);
      if (ec != std::errc()) return Error("bad number");
      i_ = static_cast<std::size_t>(ptr - t_.data());
      Emit(Expression::Op::kConst, 0, v);
      return Status::OK();
    }
    if (c == '$') {
      std::size_t start = ++i_;
      int pos = 0;
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9' && pos < 100000) pos = pos * 10 + (t_[i_++] - '0');
      if (i_ == start || pos < 1) return Error("'$' must be followed by a 1-based column position");
      Emit(Expression::Op::kColumn, ColumnSlot(ColumnRef{"", pos}));
      return Status::OK();
    }
    if (c == '`') {
      std::size_t close = t_.find('`', i_ + 1);
      if (close == std::string_view::npos) return Error("unterminated back-quoted column name");
      std::string name(t_.substr(i_ + 1, close - i_ - 1));
      i_ = close + 1;
      if (name.empty()) return Error("empty column name");
      Emit(Expression::Op::kColumn, ColumnSlot(ColumnRef{std::move(name), 0}));
      return Status::OK();
    }
    if (IsIdentStart(c)) {
      std::size_t start = i_;
      while (i_ < t_.size() && IsIdentChar(t_[i_])) ++i_;
      Emit(Expression::Op::kColumn, ColumnSlot(ColumnRef{std::string(t_.substr(start, i_ - start)), 0}));
      return Status::OK();
    }
    return Error("unexpected '" + std::string(1, c) + "'");
  }

  std::string_view t_;
  std::size_t i_ = 0;
  int depth_ = 0;
  Expression* out_ = nullptr;
};

Result<Expression> Expression::Parse(std::string_view text) {
  Expression e;
  e.text_ = std::string(text);
  ExpressionParser p(text);
  CW_RETURN_IF_ERROR(p.Run(e));
  return e;
}

bool Expression::Evaluate(std::span<const double> values, double& out) const {
  std::array<double, kMaxStack> stack;
  int sp = 0;
  for (const Instr& ins : code_) {
    switch (ins.op) {
      case Op::kConst: stack[static_cast<std::size_t>(sp++)] = ins.value; break;
      case Op::kColumn: stack[static_cast<std::size_t>(sp++)] = values[static_cast<std::size_t>(ins.index)]; break;
      case Op::kNeg: stack[static_cast<std::size_t>(sp - 1)] = -stack[static_cast<std::size_t>(sp - 1)]; break;
      default: {
        double b = stack[static_cast<std::size_t>(--sp)];
        double& a = stack[static_cast<std::size_t>(sp - 1)];
        if (ins.op == Op::kAdd) a += b;
        else if (ins.op == Op::kSub) a -= b;
        else if (ins.op == Op::kMul) a *= b;
        else {
          if (b == 0) return false;
          a /= b;
        }
      }
    }
  }
  out = stack[0];
  if (out == 0) out = 0;  // no negative zero in stored amounts
  return std::isfinite(out);
}

}  // namespace churnwatch::ingest
