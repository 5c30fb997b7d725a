// Test helper: parser for the five-column CDNOW summary CSV.
#include "clv/cdnow_summary.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace churnwatch::clv::cdnow_data {

std::vector<CustomerSummary> ReadCdnowSummary(const std::filesystem::path& path) {
  std::vector<CustomerSummary> rows;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  int lineno = 1;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line == "\r") continue;
    long id = 0;
    CustomerSummary c;
    if (std::sscanf(line.c_str(), "%ld,%lf,%lf,%lf,%lf", &id, &c.x, &c.t_x, &c.T, &c.mean_spend) != 5) {
      ADD_FAILURE() << path << ":" << lineno << ": malformed row '" << line << "'";
      return rows;
    }
    rows.push_back(c);
  }
  return rows;
}

}  // namespace churnwatch::clv::cdnow_data
