#pragma once
// The syntax tree of a rule expression (include/churnwatch/rules.h), shared by the parser
// (rules_parser.cc) and the binder/evaluator (rules_eval.cc). Private to policy/.

#include <memory>
#include <string>
#include <vector>

namespace churnwatch::rules_internal {

enum class NodeKind {
  kNumber,      // literal number
  kString,      // literal string
  kBool,        // true / false
  kIdent,       // feature or attribute name, resolved by Bind
  kMissing,     // missing(ident)
  kNeg,         // -a
  kArith,       // a op b, op in + - * /
  kCompare,     // a op b, op in < <= > >= == !=
  kIn,          // a in [literals], negated for "not in"
  kNot,
  kAnd,
  kOr,
};

// Static type of a node, fixed by Bind.
enum class ValueType { kUnknown, kNumber, kString, kTruth };

struct Node {
  NodeKind kind = NodeKind::kNumber;
  int column = 1;           // 1-based column of the node's operator or token (for errors)
  int start = 1;            // 1-based column where the whole subexpression starts
  std::string op;           // operator text for kArith / kCompare
  double number = 0;        // kNumber, or kBool (1 / 0)
  std::string text;         // kString literal, or the identifier of kIdent / kMissing
  bool negated = false;     // kIn: "not in"
  int height = 1;           // levels of the subtree below and including this node (parse depth limit)
  std::vector<std::unique_ptr<Node>> children;

  // Filled by Bind.
  ValueType type = ValueType::kUnknown;
  int slot = -1;            // index into RuleRow::numbers (numeric) or RuleRow::texts (text)
  bool slot_is_text = false;
};

}  // namespace churnwatch::rules_internal
