// XGBoost's collective through its C API (collective.h). Rabit reports failures as an
// error return with XGBGetLastError(); a peer that died shows up as a failed allreduce.
#include "churnwatch/collective.h"

#include <xgboost/c_api.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

namespace churnwatch {
namespace {

// Data types and operations of XGCommunicatorAllreduce (xgboost src/collective/communicator.h, 1.7).
constexpr int kInt64 = 4, kUInt64 = 5, kDouble = 7;
constexpr int kMax = 0, kMin = 1, kSum = 2;

Status CollectiveCall(int rc, const char* what) {
  if (rc == 0) return Status::OK();
  return Status::Unavailable(std::string("distributed training: ") + what +
                             " failed (a worker died or the tracker is gone): " + XGBGetLastError());
}

}  // namespace

Result<std::unique_ptr<Collective>> Collective::JoinFromEnvironment() {
  const char* uri = std::getenv("DMLC_TRACKER_URI");
  const char* port = std::getenv("DMLC_TRACKER_PORT");
  const char* task = std::getenv("DMLC_TASK_ID");
  if (uri == nullptr || port == nullptr || task == nullptr)
    return Status::InvalidArgument(
        "a training worker needs DMLC_TRACKER_URI, DMLC_TRACKER_PORT and DMLC_TASK_ID in its environment "
        "(start workers with `churnwatch train --workers N` or scripts/scale/launch.py)");
  nlohmann::json config = {{"xgboost_communicator", "rabit"},
                           {"DMLC_TRACKER_URI", uri},
                           {"DMLC_TRACKER_PORT", port},
                           {"DMLC_TASK_ID", task},
                           // Only the exact string "true" disables Nagle's algorithm in
                           // Rabit 1.7 (a JSON true arrives as "1" and is ignored); with
                           // Nagle on, every small allreduce waits for delayed ACKs.
                           {"rabit_enable_tcp_no_delay", "true"}};
  const std::string text = config.dump();
  CW_RETURN_IF_ERROR(CollectiveCall(XGCommunicatorInit(text.c_str()), "joining the tracker"));
  std::unique_ptr<Collective> c(new Collective());
  c->rank_ = XGCommunicatorGetRank();
  c->world_ = XGCommunicatorGetWorldSize();
  return c;
}

Collective::~Collective() { (void)XGCommunicatorFinalize(); }

Status Collective::SumUInt64(std::span<std::uint64_t> v) {
  if (v.empty()) return Status::OK();
  return CollectiveCall(XGCommunicatorAllreduce(v.data(), v.size(), kUInt64, kSum), "allreduce (sum)");
}
Status Collective::SumDouble(std::span<double> v) {
  if (v.empty()) return Status::OK();
  return CollectiveCall(XGCommunicatorAllreduce(v.data(), v.size(), kDouble, kSum), "allreduce (sum)");
}
Status Collective::MaxInt64(std::span<std::int64_t> v) {
  if (v.empty()) return Status::OK();
  return CollectiveCall(XGCommunicatorAllreduce(v.data(), v.size(), kInt64, kMax), "allreduce (max)");
}
Status Collective::MinInt64(std::span<std::int64_t> v) {
  if (v.empty()) return Status::OK();
  return CollectiveCall(XGCommunicatorAllreduce(v.data(), v.size(), kInt64, kMin), "allreduce (min)");
}

Result<std::vector<std::string>> Collective::Allgather(std::string_view bytes) {
  // Rabit 1.7's C API has broadcast and allreduce only: member r broadcasts its size, then
  // its bytes, for r = 0..W-1.
  std::vector<std::string> out(static_cast<std::size_t>(world_));
  for (int r = 0; r < world_; ++r) {
    std::uint64_t size = r == rank_ ? bytes.size() : 0;
    CW_RETURN_IF_ERROR(CollectiveCall(XGCommunicatorBroadcast(&size, sizeof size, r), "broadcast"));
    std::string& buf = out[static_cast<std::size_t>(r)];
    if (r == rank_)
      buf.assign(bytes);
    else
      buf.resize(size);
    if (size > 0) CW_RETURN_IF_ERROR(CollectiveCall(XGCommunicatorBroadcast(buf.data(), size, r), "broadcast"));
  }
  return out;
}

}  // namespace churnwatch
