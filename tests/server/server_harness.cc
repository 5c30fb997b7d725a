// Test harness for `churnwatch serve` (server_harness.h).
#include "server_harness.h"

#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "churnwatch/store.h"
#include "test_helpers.h"

namespace churnwatch::testing {

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill(SIGKILL);
}

bool ServerProcess::Start(const std::filesystem::path& config, const std::filesystem::path& log, std::string& why) {
  std::filesystem::remove(log);
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    ::dup2(fd, 1);
    ::execl(CHURNWATCH_BINARY, CHURNWATCH_BINARY, "serve", "--config", config.c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
  }
  const std::regex listening("listening on https?://[^:]+:([0-9]+)");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      why = "the server exited: " + ReadFile(log);
      return false;
    }
    const std::string text = ReadFile(log);
    std::smatch m;
    if (std::regex_search(text, m, listening)) {
      port_ = std::stoi(m[1]);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  why = "the server did not start listening within 120 s";
  return false;
}

void ServerProcess::Kill(int signal) {
  if (pid_ <= 0) return;
  ::kill(pid_, signal);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

httplib::Client ServerProcess::Client() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_read_timeout(std::chrono::seconds(60));
  return c;
}

WebhookReceiver::WebhookReceiver() {
  server_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu_);
    std::string target = req.path;
    if (!req.params.empty()) {
      target += "?";
      for (const auto& [k, v] : req.params) target += k + "=" + v + "&";
    }
    paths_.push_back(target);
    if (fail_next_ > 0) {
      --fail_next_;
      res.status = 500;
      return;
    }
    const std::string key = req.get_header_value("Idempotency-Key");
    if (counts_[key]++ == 0) bodies_.push_back(req.body);
    res.set_content(R"({"errcode":0,"errmsg":"ok"})", "application/json");
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
}

WebhookReceiver::~WebhookReceiver() {
  server_.stop();
  thread_.join();
}

void WebhookReceiver::FailNext(int n) {
  std::lock_guard lock(mu_);
  fail_next_ = n;
}

std::vector<std::string> WebhookReceiver::Bodies() {
  std::lock_guard lock(mu_);
  return bodies_;
}

std::map<std::string, int> WebhookReceiver::CountsByKey() {
  std::lock_guard lock(mu_);
  return counts_;
}

std::vector<std::string> WebhookReceiver::Paths() {
  std::lock_guard lock(mu_);
  return paths_;
}

int RunCli(const std::string& args, std::string& out) {
  TempDir dir;
  const std::string cmd = std::string(CHURNWATCH_BINARY) + " " + args + " > " + (dir / "out").string() + " 2> " +
                          (dir / "err").string();
  const int status = std::system(cmd.c_str());
  out = ReadFile(dir / "out") + ReadFile(dir / "err");
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string BuildTrainedStore(const std::filesystem::path& db_path, int customers, std::uint64_t seed) {
  return BuildTrainedStoreAt("sqlite:" + db_path.string(), customers, seed);
}

std::string BuildTrainedStoreAt(const std::string& url, int customers, std::uint64_t seed) {
  SyntheticOptions o;
  o.customers = customers;
  o.seed = seed;
  const auto data = MakeSyntheticRetail(o);
  {
    auto store = Store::Open(url);
    if (!store.ok()) return store.status().ToString();
    for (Table t : {Table::kCustomers, Table::kTransactions, Table::kEvents}) {
      auto session = (*store)->BeginLoad({t, "synthetic", std::string(TableName(t))});
      if (!session.ok()) return session.status().ToString();
      const Status s = t == Table::kTransactions ? (*session)->AppendTransactions(data.transactions)
                       : t == Table::kCustomers  ? (*session)->AppendCustomers(data.customers)
                                                 : (*session)->AppendEvents(data.events);
      if (!s.ok()) return s.ToString();
      if (!(*session)->Commit().ok()) return "commit failed";
    }
  }
  std::string out;
  const int rc = RunCli("train --db " + url +
                            " --train-cutoffs every:30d:2011-06-01 --valid-cutoff 2011-07-01 --max-rounds 30 --threads 1 "
                            "--json",
                        out);
  return rc == 0 ? std::string() : "train failed: " + out;
}

}  // namespace churnwatch::testing
