// The training settings' words (models.h): one parser per enum, so the command line, the
// run config and the library reject a typo with the same sentence.
#include <array>
#include <string>
#include <utility>

#include "churnwatch/models.h"

namespace churnwatch {
namespace {

template <typename Enum, std::size_t N>
Result<Enum> ParseWord(std::string_view text, std::string_view what,
                       const std::array<std::pair<std::string_view, Enum>, N>& words, std::string_view choices) {
  for (const auto& [word, value] : words)
    if (text == word) return value;
  return Status::InvalidArgument(std::string(what) + " must be " + std::string(choices) + ", got '" +
                                 std::string(text) + "'");
}

constexpr std::array<std::pair<std::string_view, CalibrationChoice>, 4> kCalibrationWords{{
    {"auto", CalibrationChoice::kAuto},
    {"platt", CalibrationChoice::kPlatt},
    {"isotonic", CalibrationChoice::kIsotonic},
    {"none", CalibrationChoice::kNone},
}};
constexpr std::array<std::pair<std::string_view, CalibrationRows>, 2> kCalibrationRowsWords{{
    {"valid", CalibrationRows::kValid},
    {"time-folds", CalibrationRows::kTimeFolds},
}};
constexpr std::array<std::pair<std::string_view, StackerKind>, 2> kStackerWords{{
    {"average", StackerKind::kAverage},
    {"fitted", StackerKind::kFitted},
}};

}  // namespace

Result<CalibrationChoice> ParseCalibrationChoice(std::string_view text, std::string_view what) {
  return ParseWord(text, what, kCalibrationWords, "platt, isotonic, auto or none");
}

Result<CalibrationRows> ParseCalibrationRows(std::string_view text, std::string_view what) {
  return ParseWord(text, what, kCalibrationRowsWords, "valid or time-folds");
}

Result<StackerKind> ParseStackerKind(std::string_view text, std::string_view what) {
  return ParseWord(text, what, kStackerWords, "average or fitted");
}

std::string_view CalibrationRowsName(CalibrationRows rows) {
  return rows == CalibrationRows::kTimeFolds ? "time-folds" : "valid";
}

std::string_view StackerKindName(StackerKind kind) { return kind == StackerKind::kFitted ? "fitted" : "average"; }

}  // namespace churnwatch
