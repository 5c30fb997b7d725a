// Why the CLI (and any shell that trains or explains) re-executes itself once before training or explaining.
//
// XGBoost parallelises with OpenMP (libgomp). By default libgomp's idle worker threads spin
// for a while before sleeping, which costs nothing on cores the process has to itself. When
// the cores are shared (a database, another job, a second churnwatch), the spinning workers
// take turns with the thread doing the work at every one of the thousands of barriers a
// training run passes. Measured on a 2-core machine with another build running: the demo
// (`scripts/demo`) took 44 s and 90 s with the default against 3.3 s and 3.5 s with
// OMP_WAIT_POLICY=PASSIVE, 63 % of its samples inside libgomp; on an idle machine the two
// policies take the same time. libgomp reads the variable in its load-time constructor,
// before main, so setting it from main has no effect on this process: it must be in the
// environment the program starts with, hence one execv of /proc/self/exe (a few ms).
#include "churnwatch/openmp_wait.h"

#include <unistd.h>

#include <array>
#include <cstdlib>

namespace churnwatch {

bool CommandUsesOpenMp(std::string_view command) {
  constexpr std::array<std::string_view, 5> kCommands = {"train", "evaluate", "score", "run", "retrain"};
  for (const auto c : kCommands)
    if (c == command) return true;
  return false;
}

void ReexecWithPassiveOpenMpWait(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (setenv("OMP_WAIT_POLICY", "PASSIVE", 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Only reached when execv failed (no /proc, say): the run goes on with the default
  // policy, which is slower on busy cores but correct.
}

}  // namespace churnwatch
