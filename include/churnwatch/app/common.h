#pragma once
/// \file common.h
/// What every use case of the application layer shares: the store a request names, the
/// lines it reports while it works, and the seconds it took.
///
/// The application layer (src/app/) is one call per use case — ingest, quality, features,
/// clv, train, evaluate, score, run — over the stages. Each takes a typed request (dates as
/// days, choices as enums, checked once where the words are read) and returns a typed
/// outcome with a ToJson() for `--json` and for the server; the command line only parses
/// flags into a request and formats the outcome (docs/design.md).

#include <chrono>
#include <functional>
#include <string>

namespace churnwatch::app {

/// A line for the user while a use case works: a progress step of `run`, or a warning such
/// as a scoring date past the data's end. Empty: nothing is reported.
using Notify = std::function<void(const std::string&)>;

/// Seconds since construction (or the last Lap()).
class Stopwatch {
 public:
  double Seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  double Lap() {
    const auto now = Clock::now();
    const double s = std::chrono::duration<double>(now - start_).count();
    start_ = now;
    return s;
  }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_ = Clock::now();
};

}  // namespace churnwatch::app
