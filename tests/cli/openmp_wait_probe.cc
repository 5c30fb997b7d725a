// A stand-in for the CLI's start: counts how many times main ran (through an environment
// variable, which survives execv), calls ReexecWithPassiveOpenMpWait as main.cc does, and
// prints what the final process sees.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "churnwatch/openmp_wait.h"

int main(int argc, char** argv) {
  const char* before = std::getenv("OPENMP_WAIT_PROBE_RUNS");
  const int runs = (before != nullptr ? std::atoi(before) : 0) + 1;
  setenv("OPENMP_WAIT_PROBE_RUNS", std::to_string(runs).c_str(), 1);
  churnwatch::ReexecWithPassiveOpenMpWait(argv);
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  std::printf("runs=%d policy=%s args=", runs, policy != nullptr ? policy : "(unset)");
  for (int i = 1; i < argc; ++i) std::printf("%s%s", i > 1 ? "|" : "", argv[i]);
  std::printf("\n");
  return 0;
}
