// The CLI's one re-execution with OMP_WAIT_POLICY=PASSIVE (src/common/openmp_wait.cc), through
// a probe program that makes the same call at its start.
#include "churnwatch/openmp_wait.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace churnwatch::cli {
namespace {

std::string RunProbe(const std::string& env_prefix, const std::string& args) {
  const std::string cmd = env_prefix + " " OPENMP_WAIT_PROBE " " + args;
  FILE* p = popen(cmd.c_str(), "r");
  EXPECT_NE(p, nullptr) << cmd;
  if (p == nullptr) return {};
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  EXPECT_EQ(pclose(p), 0) << cmd;
  return out;
}

TEST(OpenMpWait, UnsetPolicyIsSetToPassiveByOneReexecutionWithTheSameArguments) {
  EXPECT_EQ(RunProbe("env -u OMP_WAIT_POLICY -u OPENMP_WAIT_PROBE_RUNS", "train --db 'sqlite:a b.db'"),
            "runs=2 policy=PASSIVE args=train|--db|sqlite:a b.db\n");
}

TEST(OpenMpWait, AUsersOwnPolicyIsKeptAndNothingIsReexecuted) {
  EXPECT_EQ(RunProbe("env -u OPENMP_WAIT_PROBE_RUNS OMP_WAIT_POLICY=active", "score"),
            "runs=1 policy=active args=score\n");
}

TEST(OpenMpWait, OnlyTheCommandsThatRunXgboostAreReexecuted) {
  for (const char* c : {"train", "evaluate", "score", "run"}) EXPECT_TRUE(CommandUsesOpenMp(c)) << c;
  for (const char* c : {"ingest", "quality", "features", "clv", "", "trainx"}) EXPECT_FALSE(CommandUsesOpenMp(c)) << c;
}

}  // namespace
}  // namespace churnwatch::cli
