// gen_synthetic: writes a synthetic order-line CSV in the Online Retail layout
// (InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country),
// deterministic for a seed, for the 10M-row ingest benchmark (bench/ingest/run.sh):
//   gen_synthetic ROWS OUT.csv [SEED]
// Shapes: ~1 customer per 25 lines, invoices of 1-30 lines in time order over two years,
// 2 % cancellations (C prefix, negative quantity), 20 % of lines without a customer id,
// 1 % exact duplicate lines, descriptions with commas (quoted) now and then.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gen_synthetic ROWS OUT.csv [SEED]\n");
    return 2;
  }
  const long long rows = std::atoll(argv[1]);
  const unsigned long long seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 42;
  std::FILE* out = std::fopen(argv[2], "wb");
  if (out == nullptr) {
    std::perror(argv[2]);
    return 1;
  }
  std::setvbuf(out, nullptr, _IOFBF, 1 << 20);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const long long customers = rows / 25 + 1;
  const char* countries[] = {"United Kingdom", "Germany", "France", "EIRE", "Spain", "Netherlands"};
  const char* words[] = {"HEART", "LANTERN", "MUG", "BAG", "CANDLE", "VINTAGE", "RED", "WHITE", "GLASS", "TIN"};
  std::fputs("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n", out);
  long long written = 0, invoice = 500000;
  long long minute = 0;  // minutes since 2010-01-01 00:00
  char line[256], prev[256] = "";
  while (written < rows) {
    ++invoice;
    minute += 1 + static_cast<long long>(u(rng) * 3);
    long long day = minute / 1440;
    int y = 2010 + static_cast<int>(day / 365), doy = static_cast<int>(day % 365);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int m = 0;
    while (doy >= mdays[m]) doy -= mdays[m++];
    bool cancel = u(rng) < 0.02;
    bool anonymous = u(rng) < 0.2;
    long long customer = 10000 + static_cast<long long>(u(rng) * static_cast<double>(customers));
    const char* country = countries[static_cast<int>(u(rng) * 6)];
    int lines = 1 + static_cast<int>(u(rng) * 30);
    for (int i = 0; i < lines && written < rows; ++i, ++written) {
      if (prev[0] != '\0' && u(rng) < 0.01) {  // an exact duplicate of the previous line
        std::fputs(prev, out);
        continue;
      }
      int qty = 1 + static_cast<int>(u(rng) * 24);
      double price = 0.1 + static_cast<double>(static_cast<int>(u(rng) * 2000)) / 100.0;
      std::string desc = std::string(words[static_cast<int>(u(rng) * 10)]) + " " + words[static_cast<int>(u(rng) * 10)];
      if (u(rng) < 0.05) desc = "\"" + desc + ", SET OF " + std::to_string(2 + i % 5) + "\"";
      std::string cust = anonymous ? std::string() : std::to_string(customer);
      std::snprintf(line, sizeof line, "%s%lld,%d%c,%s,%d,%04d-%02d-%02d %02lld:%02lld:00,%.2f,%s,%s\n", cancel ? "C" : "",
                    invoice, 20000 + static_cast<int>(u(rng) * 4000), "ABC"[static_cast<int>(u(rng) * 3)], desc.c_str(),
                    cancel ? -qty : qty, y, m + 1, doy + 1, (minute % 1440) / 60, minute % 60, price, cust.c_str(), country);
      std::fputs(line, out);
      std::snprintf(prev, sizeof prev, "%s", line);
    }
  }
  if (std::fclose(out) != 0) {
    std::perror(argv[2]);
    return 1;
  }
  std::fprintf(stderr, "wrote %lld rows to %s\n", rows, argv[2]);
  return 0;
}
