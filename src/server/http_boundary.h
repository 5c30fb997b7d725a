#pragma once
// The HTTP boundary (STYLE.md §24): the one handler every request goes through. It finds
// the route, authenticates the API key, checks the role, applies the rate limit, calls the
// route's application function, maps its Status to the HTTP status and the
// {code, message, details} body, and writes the audit record for every change, every read
// of a customer's personal data and every refused request.

#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>

#include "server/api.h"

namespace churnwatch::server {

class HttpBoundary {
 public:
  explicit HttpBoundary(ServerContext& ctx) : ctx_(ctx) {}
  void Handle(const httplib::Request& req, httplib::Response& res);

  /// The error body for a status the boundary or httplib produced itself.
  static std::string ErrorBody(std::string_view code, const std::string& message, const nlohmann::json& details = {});

 private:
  bool Allow(const std::string& key_id);  // token bucket per key

  ServerContext& ctx_;
  std::mutex rate_mu_;
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point last;
  };
  std::map<std::string, Bucket> buckets_;
};

}  // namespace churnwatch::server
