#pragma once
// Test harness for `churnwatch serve`: the real binary started on loopback (port chosen by
// the server, read from its "listening on" line), a webhook receiver on loopback that
// records what it gets, and a seeded synthetic store with a champion model trained through
// the CLI.

#include <httplib.h>
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace churnwatch::testing {

/// `churnwatch serve --config PATH` as a child process.
class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();
  /// Starts the server and waits (up to 120 s) until it listens; false with `why` otherwise.
  bool Start(const std::filesystem::path& config, const std::filesystem::path& log, std::string& why);
  void Kill(int signal);  ///< sends `signal` and reaps the process
  int port() const { return port_; }
  httplib::Client Client() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

/// A webhook receiver that honours the Idempotency-Key header: a repeated key is answered
/// 200 but not counted as a new delivery.
class WebhookReceiver {
 public:
  WebhookReceiver();
  ~WebhookReceiver();
  int port() const { return port_; }
  /// Answers the next `n` requests with HTTP 500 (to exercise retries).
  void FailNext(int n);
  std::vector<std::string> Bodies();            ///< first delivery of each key, in order
  std::map<std::string, int> CountsByKey();     ///< how often each key arrived
  std::vector<std::string> Paths();             ///< request paths with query, in order

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  int fail_next_ = 0;
  std::vector<std::string> bodies_, paths_;
  std::map<std::string, int> counts_;
};

/// Builds a SQLite store at `db_path` with MakeSyntheticRetail(customers, seed) and trains a
/// small champion through the CLI. Returns an error text or "".
std::string BuildTrainedStore(const std::filesystem::path& db_path, int customers, std::uint64_t seed);
/// The same at any store URL (e.g. a PostgreSQL test database).
std::string BuildTrainedStoreAt(const std::string& url, int customers, std::uint64_t seed);

/// Runs the CLI with `args`; returns the exit code, stdout in `out`.
int RunCli(const std::string& args, std::string& out);

}  // namespace churnwatch::testing
