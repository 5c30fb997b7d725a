#pragma once
/// \file openmp_wait.h
/// XGBoost's OpenMP runtime on cores shared with other work (src/common/openmp_wait.cc
/// explains): the one process-wide setting of the runtime that a shell (the CLI, the
/// server) makes before any use case runs.

#include <string_view>

namespace churnwatch {

/// Whether `command` runs XGBoost's own threads (training, SHAP contributions): train,
/// evaluate, score and run.
bool CommandUsesOpenMp(std::string_view command);

/// When OMP_WAIT_POLICY is unset: sets it to PASSIVE and re-executes this program with the
/// same arguments (same process id), so that libgomp, which reads the variable only while
/// it is being loaded, sees it. Returns without doing anything when the variable is already
/// set (the user's choice is kept), and carries on with libgomp's default when the
/// re-execution is impossible.
void ReexecWithPassiveOpenMpWait(char** argv);

}  // namespace churnwatch
