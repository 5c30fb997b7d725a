#pragma once
// Arithmetic expressions of mapping files, e.g. `amount = { expr = "Quantity * UnitPrice" }`.
// Grammar: expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*;
// unary := '-' unary | primary; primary := number | column | '(' expr ')'.
// A column is an identifier ([A-Za-z_][A-Za-z0-9_.]*), a back-quoted name (`Unit Price`) or
// a 1-based position ($3). Compiled once to postfix code; evaluated per row on a small
// fixed stack, without allocation.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/status.h"

namespace churnwatch::ingest {

/// A column reference: by header name, or by 1-based position when `position` > 0.
struct ColumnRef {
  std::string name;
  int position = 0;
  std::string Describe() const { return position > 0 ? "$" + std::to_string(position) : name; }
  friend bool operator==(const ColumnRef&, const ColumnRef&) = default;
};

class Expression {
 public:
  /// kInvalidArgument with the offending character position on a syntax error.
  static Result<Expression> Parse(std::string_view text);

  /// Distinct columns the expression reads, in first-use order; Evaluate takes their values
  /// in this order.
  const std::vector<ColumnRef>& columns() const { return columns_; }
  const std::string& text() const { return text_; }

  /// Evaluates on `values` (one per columns()). False on division by zero or a non-finite
  /// result.
  bool Evaluate(std::span<const double> values, double& out) const;

 private:
  enum class Op : unsigned char { kConst, kColumn, kAdd, kSub, kMul, kDiv, kNeg };
  struct Instr {
    Op op;
    int index = 0;     // column slot for kColumn
    double value = 0;  // for kConst
  };
  friend class ExpressionParser;
  std::vector<Instr> code_;
  std::vector<ColumnRef> columns_;
  std::string text_;
  int max_depth_ = 0;
};

}  // namespace churnwatch::ingest
