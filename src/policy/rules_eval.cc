// Binding (name resolution and type checking) and three-valued evaluation of rule
// expressions. Types are checked once at Bind so that Evaluate, which runs once per
// customer, never fails and never allocates.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "churnwatch/rules.h"
#include "churnwatch/types.h"
#include "policy/rules_ast.h"

namespace churnwatch {

using rules_internal::Node;
using rules_internal::NodeKind;
using rules_internal::ValueType;

namespace {

const char* TypeWord(ValueType t) {
  switch (t) {
    case ValueType::kNumber: return "a number";
    case ValueType::kString: return "text";
    case ValueType::kTruth: return "a condition (true/false)";
    case ValueType::kUnknown: break;
  }
  return "nothing";
}

class Binder {
 public:
  Binder(const std::string& rule, const RuleSchema& schema) : rule_(rule), schema_(schema) {}

  Status Error(int column, const std::string& what) const {
    return Status::InvalidArgument("rule '" + rule_ + "', column " + std::to_string(column) + ": " + what);
  }

  Status ResolveName(Node& n) const {
    for (std::size_t i = 0; i < schema_.numeric_names.size(); ++i)
      if (schema_.numeric_names[i] == n.text) {
        n.slot = static_cast<int>(i);
        n.slot_is_text = false;
        n.type = ValueType::kNumber;
        return Status::OK();
      }
    for (std::size_t i = 0; i < schema_.text_names.size(); ++i)
      if (schema_.text_names[i] == n.text) {
        n.slot = static_cast<int>(i);
        n.slot_is_text = true;
        n.type = ValueType::kString;
        return Status::OK();
      }
    std::vector<std::string> all = schema_.numeric_names;
    all.insert(all.end(), schema_.text_names.begin(), schema_.text_names.end());
    std::string msg = "unknown feature '" + n.text + "'";
    const std::string guess = SuggestName(n.text, all);
    if (!guess.empty()) msg += " (did you mean '" + guess + "'?)";
    return Error(n.column, msg);
  }

  Status Expect(const Node& n, ValueType want, const std::string& context) const {
    if (n.type == want) return Status::OK();
    return Error(n.start, context + " needs " + TypeWord(want) + ", found " + TypeWord(n.type));
  }

  Status Bind(Node& n) const {
    for (auto& c : n.children) CW_RETURN_IF_ERROR(Bind(*c));
    switch (n.kind) {
      case NodeKind::kNumber: n.type = ValueType::kNumber; break;
      case NodeKind::kString: n.type = ValueType::kString; break;
      case NodeKind::kBool: n.type = ValueType::kTruth; break;
      case NodeKind::kIdent: CW_RETURN_IF_ERROR(ResolveName(n)); break;
      case NodeKind::kMissing:
        CW_RETURN_IF_ERROR(ResolveName(n));
        n.type = ValueType::kTruth;
        break;
      case NodeKind::kNeg:
        CW_RETURN_IF_ERROR(Expect(*n.children[0], ValueType::kNumber, "'-'"));
        n.type = ValueType::kNumber;
        break;
      case NodeKind::kArith:
        CW_RETURN_IF_ERROR(Expect(*n.children[0], ValueType::kNumber, "the left side of '" + n.op + "'"));
        CW_RETURN_IF_ERROR(Expect(*n.children[1], ValueType::kNumber, "the right side of '" + n.op + "'"));
        n.type = ValueType::kNumber;
        break;
      case NodeKind::kCompare: {
        const Node& a = *n.children[0];
        const Node& b = *n.children[1];
        const bool equality = n.op == "==" || n.op == "!=";
        if (a.type == ValueType::kTruth || b.type == ValueType::kTruth) {
          const Node& bad = a.type == ValueType::kTruth ? a : b;
          return Error(bad.start, "'" + n.op + "' compares values, but this side is a condition; use parentheses, "
                                                "'and' or 'or'");
        }
        if (a.type != b.type)
          return Error(n.column, "'" + n.op + "' cannot compare " + TypeWord(a.type) + " with " + TypeWord(b.type));
        if (a.type == ValueType::kString && !equality)
          return Error(n.column, "'" + n.op + "' orders numbers only; text can be compared with '==', '!=' or 'in'");
        n.type = ValueType::kTruth;
        break;
      }
      case NodeKind::kIn: {
        const Node& a = *n.children[0];
        if (a.type == ValueType::kTruth) return Error(a.start, "'" + n.op + "' needs a number or text on its left, found a condition");
        for (std::size_t i = 1; i < n.children.size(); ++i)
          if (n.children[i]->type != a.type)
            return Error(n.children[i]->column, "the list holds " + std::string(TypeWord(n.children[i]->type)) +
                                                    " but the left side of '" + n.op + "' is " + TypeWord(a.type));
        n.type = ValueType::kTruth;
        break;
      }
      case NodeKind::kNot:
        CW_RETURN_IF_ERROR(Expect(*n.children[0], ValueType::kTruth, "'not'"));
        n.type = ValueType::kTruth;
        break;
      case NodeKind::kAnd:
      case NodeKind::kOr: {
        const std::string word = n.kind == NodeKind::kAnd ? "and" : "or";
        CW_RETURN_IF_ERROR(Expect(*n.children[0], ValueType::kTruth, "the left side of '" + word + "'"));
        CW_RETURN_IF_ERROR(Expect(*n.children[1], ValueType::kTruth, "the right side of '" + word + "'"));
        n.type = ValueType::kTruth;
        break;
      }
    }
    return Status::OK();
  }

 private:
  const std::string& rule_;
  const RuleSchema& schema_;
};

// Evaluation. Numbers carry NaN for missing; text carries a pointer (null = missing).
double EvalNumber(const Node& n, const RuleRow& row);
const std::string* EvalText(const Node& n, const RuleRow& row);
Truth EvalTruth(const Node& n, const RuleRow& row);

double EvalNumber(const Node& n, const RuleRow& row) {
  switch (n.kind) {
    case NodeKind::kNumber: return n.number;
    case NodeKind::kIdent: return row.numbers[static_cast<std::size_t>(n.slot)];
    case NodeKind::kNeg: return -EvalNumber(*n.children[0], row);
    case NodeKind::kArith: {
      const double a = EvalNumber(*n.children[0], row);
      const double b = EvalNumber(*n.children[1], row);
      if (n.op == "+") return a + b;
      if (n.op == "-") return a - b;
      if (n.op == "*") return a * b;
      // Division by zero is "missing", not ±inf: a customer with no baseline has no ratio.
      return b == 0 ? kNaN : a / b;
    }
    default: break;
  }
  return kNaN;
}

const std::string* EvalText(const Node& n, const RuleRow& row) {
  if (n.kind == NodeKind::kString) return &n.text;
  const std::string& s = row.texts[static_cast<std::size_t>(n.slot)];
  return s.empty() ? nullptr : &s;
}

Truth FromBool(bool b) { return b ? Truth::kTrue : Truth::kFalse; }

Truth Compare(const std::string& op, double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return Truth::kUnknown;
  if (op == "<") return FromBool(a < b);
  if (op == "<=") return FromBool(a <= b);
  if (op == ">") return FromBool(a > b);
  if (op == ">=") return FromBool(a >= b);
  if (op == "==") return FromBool(a == b);
  return FromBool(a != b);
}

Truth EvalTruth(const Node& n, const RuleRow& row) {
  switch (n.kind) {
    case NodeKind::kBool: return FromBool(n.number != 0);
    case NodeKind::kMissing:
      if (n.slot_is_text) return FromBool(row.texts[static_cast<std::size_t>(n.slot)].empty());
      return FromBool(std::isnan(row.numbers[static_cast<std::size_t>(n.slot)]));
    case NodeKind::kCompare: {
      const Node& a = *n.children[0];
      const Node& b = *n.children[1];
      if (a.type == ValueType::kNumber) return Compare(n.op, EvalNumber(a, row), EvalNumber(b, row));
      const std::string* x = EvalText(a, row);
      const std::string* y = EvalText(b, row);
      if (x == nullptr || y == nullptr) return Truth::kUnknown;
      return FromBool((*x == *y) == (n.op == "=="));
    }
    case NodeKind::kIn: {
      const Node& a = *n.children[0];
      bool found = false;
      if (a.type == ValueType::kNumber) {
        const double x = EvalNumber(a, row);
        if (std::isnan(x)) return Truth::kUnknown;
        for (std::size_t i = 1; i < n.children.size() && !found; ++i) found = n.children[i]->number == x;
      } else {
        const std::string* x = EvalText(a, row);
        if (x == nullptr) return Truth::kUnknown;
        for (std::size_t i = 1; i < n.children.size() && !found; ++i) found = n.children[i]->text == *x;
      }
      return FromBool(found != n.negated);
    }
    case NodeKind::kNot: {
      const Truth t = EvalTruth(*n.children[0], row);
      return t == Truth::kUnknown ? t : FromBool(t == Truth::kFalse);
    }
    case NodeKind::kAnd: {
      const Truth a = EvalTruth(*n.children[0], row);
      if (a == Truth::kFalse) return a;
      const Truth b = EvalTruth(*n.children[1], row);
      if (b == Truth::kFalse) return b;
      return a == Truth::kTrue && b == Truth::kTrue ? Truth::kTrue : Truth::kUnknown;
    }
    case NodeKind::kOr: {
      const Truth a = EvalTruth(*n.children[0], row);
      if (a == Truth::kTrue) return a;
      const Truth b = EvalTruth(*n.children[1], row);
      if (b == Truth::kTrue) return b;
      return a == Truth::kFalse && b == Truth::kFalse ? Truth::kFalse : Truth::kUnknown;
    }
    default: break;
  }
  return Truth::kUnknown;
}

void CollectIdents(const Node& n, std::vector<std::string>& out) {
  if ((n.kind == NodeKind::kIdent || n.kind == NodeKind::kMissing) &&
      std::find(out.begin(), out.end(), n.text) == out.end())
    out.push_back(n.text);
  for (const auto& c : n.children) CollectIdents(*c, out);
}

}  // namespace

Status Rule::Bind(const RuleSchema& schema) {
  bound_ = false;
  Binder binder(name_, schema);
  CW_RETURN_IF_ERROR(binder.Bind(*root_));
  if (root_->type != ValueType::kTruth)
    return binder.Error(1, std::string("a rule must be a condition (true/false), but this one is ") + TypeWord(root_->type));
  bound_ = true;
  return Status::OK();
}

std::vector<std::string> Rule::Identifiers() const {
  std::vector<std::string> out;
  CollectIdents(*root_, out);
  return out;
}

Truth Rule::Evaluate(const RuleRow& row) const {
  CHURNWATCH_ASSERT(bound_);
  return EvalTruth(*root_, row);
}

}  // namespace churnwatch
