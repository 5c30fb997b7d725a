#pragma once
/// \file rules.h
/// The alert-rule language of SPEC.md §9: small boolean expressions over a customer's
/// features, written in the run config (no recompiling), that raise an alert whatever the
/// model says. Example:
///
///     value_tier == "high" and days_since_last_login >= 30 and competitor_view_30 > 0
///
/// Grammar (keywords are lower case; identifiers are feature or attribute names):
///
///     expr    := or
///     or      := and ("or" and)*
///     and     := not ("and" not)*
///     not     := "not" not | compare
///     compare := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
///              | sum ["not"] "in" "[" literal ("," literal)* "]"
///     sum     := product (("+" | "-") product)*
///     product := unary (("*" | "/") unary)*
///     unary   := "-" unary | primary
///     primary := NUMBER | STRING | "true" | "false" | IDENT | "missing" "(" IDENT ")"
///              | "(" expr ")"
///
/// Strings are in double or single quotes. Numbers are decimal (`0.15`, `3`, `1e3`).
///
/// Missing values (SPEC.md §5: a feature is NaN when its source is absent) follow SQL's
/// three-valued logic: arithmetic with a missing value is missing, a comparison with a
/// missing value is *unknown*, `not unknown` is unknown, `false and unknown` is false,
/// `true or unknown` is true, and a rule fires only when its value is *true*. So a
/// comparison with a missing value never fires a rule, not even under `not`; use
/// `missing(x)` to test for absence explicitly. Division by zero gives a missing value.
///
/// Errors name the rule and the 1-based column of the mistake, e.g.
/// `rule 'lapsed', column 17: unknown feature 'recency_dayz' (did you mean 'recency_days'?)`.
///
/// Thread safety: a bound Rule is immutable; Evaluate may be called from many threads.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/status.h"
#include "churnwatch/suggest.h"

namespace churnwatch {

/// The names a rule may refer to: numeric features (one value per row, NaN = missing) and
/// text attributes (value_tier, segment, lifecycle_stage, ...; empty = missing).
struct RuleSchema {
  std::vector<std::string> numeric_names;
  std::vector<std::string> text_names;
};

/// One customer's values, in the order of the RuleSchema the rule was bound to.
struct RuleRow {
  std::span<const double> numbers;
  std::span<const std::string> texts;
};

/// Three-valued truth (see the file comment).
enum class Truth : std::int8_t { kFalse = 0, kTrue = 1, kUnknown = 2 };

namespace rules_internal {
struct Node;
}

/// A parsed rule expression. Parse once, Bind to a schema, Evaluate per customer.
class Rule {
 public:
  /// Parses `expression`. Errors (kInvalidArgument) read
  /// "rule '<name>', column <c>: <what>", columns 1-based into `expression`.
  static Result<Rule> Parse(std::string_view name, std::string_view expression);

  Rule(Rule&&) noexcept;
  Rule& operator=(Rule&&) noexcept;
  ~Rule();

  /// Resolves every name against `schema` and checks types (numbers compare with numbers,
  /// strings only with == != and in, and/or/not take truth values, the whole rule is a
  /// truth value). Unknown names get a "did you mean" suggestion when one is close.
  /// Must succeed before Evaluate. May be called again to rebind to another schema.
  Status Bind(const RuleSchema& schema);

  /// Every identifier the expression mentions, in order of appearance (with repeats removed).
  std::vector<std::string> Identifiers() const;

  /// The rule's value for one row. Requires a successful Bind with a schema of the same shape.
  Truth Evaluate(const RuleRow& row) const;
  bool Fires(const RuleRow& row) const { return Evaluate(row) == Truth::kTrue; }

  const std::string& name() const { return name_; }
  const std::string& expression() const { return expression_; }
  bool bound() const { return bound_; }

 private:
  Rule(std::string name, std::string expression, std::unique_ptr<rules_internal::Node> root);
  std::string name_;
  std::string expression_;
  std::unique_ptr<rules_internal::Node> root_;
  bool bound_ = false;
};

}  // namespace churnwatch
