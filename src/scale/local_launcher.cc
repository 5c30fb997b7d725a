// The local launcher (scale.h): XGBoost's tracker plus N worker processes on loopback, the
// way xgboost.dask starts them on a cluster, minus the cluster. A distributed training is
// all or nothing (Rabit has no recovery in 1.7), so the first worker that fails stops the
// whole gang and the launcher says which one and how.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

#include "churnwatch/scale.h"

namespace churnwatch::scale {
namespace {

// Debian's interpreter: its dist-packages hold python3-xgboost (a pyenv or venv python
// earlier on PATH usually does not).
constexpr const char* kPython = "/usr/bin/python3";
constexpr int kTrackerStartSeconds = 30;

/// fork + exec `argv` with extra environment variables; stdout to `stdout_fd` if >= 0.
Result<pid_t> Spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, int stdout_fd,
                    int close_fd) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return Status::Unavailable(std::string("cannot start a process: ") + std::strerror(errno));
  if (pid == 0) {
    // A launcher that dies (Ctrl-C, OOM kill) takes its gang with it instead of leaving
    // workers waiting on a collective that can no longer finish.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    if (stdout_fd >= 0) ::dup2(stdout_fd, STDOUT_FILENO);
    if (close_fd >= 0) ::close(close_fd);
    ::execv(args[0], args.data());
    std::fprintf(stderr, "churnwatch: cannot run %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  return pid;
}

std::string HowItEnded(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                                  strsignal(WTERMSIG(status)) + ")";
  return "ended";
}

/// Reads the tracker's stdout until DMLC_TRACKER_ENV_END; returns its KEY=VALUE lines.
Result<std::map<std::string, std::string>> ReadTrackerEnv(int fd) {
  std::map<std::string, std::string> env;
  std::string buf;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kTrackerStartSeconds);
  for (;;) {
    std::size_t nl;
    while ((nl = buf.find('\n')) != std::string::npos) {
      const std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      if (line == "DMLC_TRACKER_ENV_END") return env;
      if (const auto eq = line.find('='); eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char chunk[4096];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) break;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  return Status::Unavailable(std::string("XGBoost's tracker (") + kPython +
                             " -m xgboost.tracker) did not start within " + std::to_string(kTrackerStartSeconds) +
                             " s; is python3-xgboost installed (scripts/install-deps)?");
}

void StopAll(const std::map<pid_t, int>& running, int sig) {
  for (const auto& [pid, rank] : running) ::kill(pid, sig);
}

}  // namespace

Result<std::vector<std::string>> WorkerCommandLine(const std::string& extra) {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (raw.empty()) return Status::Unavailable("cannot read this process's command line from /proc/self/cmdline");
  std::vector<std::string> args;
  for (std::size_t pos = 0; pos < raw.size();) {
    const std::size_t end = raw.find('\0', pos);
    args.push_back(raw.substr(pos, end - pos));
    pos = end == std::string::npos ? raw.size() : end + 1;
  }
  char exe[4096];
  const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return Status::Unavailable("cannot read /proc/self/exe");
  std::vector<std::string> out{std::string(exe, static_cast<std::size_t>(n))};
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--workers") {
      ++i;  // and its value
      continue;
    }
    if (args[i].starts_with("--workers=")) continue;
    out.push_back(args[i]);
  }
  out.push_back(extra);
  return out;
}

Status RunLocalWorkers(int workers, const std::vector<std::string>& argv) {
  if (workers < 1) return Status::InvalidArgument("--workers must be at least 1, got " + std::to_string(workers));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Status::Unavailable(std::string("pipe: ") + std::strerror(errno));
  // -u: the tracker prints its address through a pipe, which Python would otherwise buffer.
  auto tracker = Spawn({kPython, "-u", "-m", "xgboost.tracker", "--num-workers", std::to_string(workers), "--host-ip",
                        "127.0.0.1"},
                       {}, pipe_fds[1], pipe_fds[0]);
  ::close(pipe_fds[1]);
  if (!tracker.ok()) {
    ::close(pipe_fds[0]);
    return tracker.status();
  }
  bool tracker_done = false;
  auto stop_tracker = [&] {
    if (tracker_done) return;
    ::kill(*tracker, SIGTERM);
    int st = 0;
    ::waitpid(*tracker, &st, 0);
    tracker_done = true;
  };
  auto env = ReadTrackerEnv(pipe_fds[0]);
  ::close(pipe_fds[0]);
  if (!env.ok()) {
    stop_tracker();
    return env.status();
  }
  std::map<pid_t, int> running;
  for (int r = 0; r < workers; ++r) {
    char task[16];
    std::snprintf(task, sizeof task, "%05d", r);  // zero-padded: the tracker sorts ids as text
    auto pid = Spawn(argv,
                     {{"DMLC_TRACKER_URI", (*env)["DMLC_TRACKER_URI"]},
                      {"DMLC_TRACKER_PORT", (*env)["DMLC_TRACKER_PORT"]},
                      {"DMLC_TASK_ID", task},
                      // Workers share the cores: spinning OpenMP threads would starve each other.
                      {"OMP_WAIT_POLICY", "PASSIVE"}},
                     -1, -1);
    if (!pid.ok()) {
      StopAll(running, SIGTERM);
      stop_tracker();
      return pid.status();
    }
    running[*pid] = r;
  }
  Status outcome = Status::OK();
  bool cause_named = false;
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    const auto it = running.find(pid);
    if (it == running.end()) {
      if (pid == *tracker) tracker_done = true;
      continue;
    }
    const int rank = it->second;
    running.erase(it);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) continue;
    // The first failure stops the others; but a worker killed from outside (a signal other
    // than our SIGTERM) is the cause even when a peer noticed the broken collective first
    // and exited before it was reaped, so that one is named.
    const bool killed = WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM;
    if (outcome.ok() || (killed && !cause_named)) {
      outcome = Status::Unavailable("training worker " + std::to_string(rank) + " of " + std::to_string(workers) +
                                    " (pid " + std::to_string(pid) + ") " + HowItEnded(status) +
                                    "; the other workers were stopped and no model was registered: run the "
                                    "command again");
      cause_named = killed;
      StopAll(running, SIGTERM);
    }
  }
  stop_tracker();
  return outcome;
}

}  // namespace churnwatch::scale
