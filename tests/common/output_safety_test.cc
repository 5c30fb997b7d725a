// Output that outside text reaches: CSV cells a spreadsheet would run as formulas are
// written as text (OWASP CSV injection) while numbers stay numbers; JSON never throws on
// bytes that are not UTF-8; error messages are one line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "churnwatch/atomic_file.h"
#include "churnwatch/json_text.h"
#include "churnwatch/status.h"
#include "churnwatch/types.h"

namespace churnwatch {
namespace {

TEST(CsvInjection, FormulaLeadingTextIsNeutralised) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(CsvField("+cmd|' /C calc'!A0"), "\"'+cmd|' /C calc'!A0\"");
  EXPECT_EQ(CsvField("@SUM(A1:A9)"), "\"'@SUM(A1:A9)\"");
  EXPECT_EQ(CsvField("-2+3"), "\"'-2+3\"");
  EXPECT_EQ(CsvField("\tx"), "\"'\tx\"");
  EXPECT_EQ(CsvField("\rx"), "\"'\rx\"");
  EXPECT_EQ(CsvField("-"), "\"'-\"");
  // Numbers are not formulas.
  EXPECT_EQ(CsvField("-12.50"), "-12.50");
  EXPECT_EQ(CsvField("+3"), "+3");
  EXPECT_EQ(CsvField("-.5"), "-.5");
  EXPECT_EQ(CsvField("-1e3"), "-1e3");
  // Ordinary text is untouched; a dash or @ inside is fine.
  EXPECT_EQ(CsvField("C-1001"), "C-1001");
  EXPECT_EQ(CsvField("a@b.c"), "a@b.c");
  EXPECT_EQ(CsvField(""), "");
  std::string line = "id,";
  AppendCsvField(line, "=1+1");
  EXPECT_EQ(line, "id,\"'=1+1\"");
}

TEST(JsonText, InvalidUtf8IsReplacedNotThrown) {
  const nlohmann::json j = {{"path", std::string("sl\xff" "ice.csv")}, {"ok", "数据"}};
  std::string text;
  ASSERT_NO_THROW(text = JsonText(j));
  EXPECT_EQ(text, "{\"ok\":\"数据\",\"path\":\"sl\xef\xbf\xbdice.csv\"}");
  EXPECT_TRUE(nlohmann::json::accept(text));
  // A character cut in the middle (a rule or value truncated to N bytes).
  const std::string cut = std::string("价格").substr(0, 4);
  std::string cut_text;
  ASSERT_NO_THROW(cut_text = JsonText(nlohmann::json{{"m", cut}}, 2));
  EXPECT_TRUE(nlohmann::json::accept(cut_text));
}

TEST(OneLineErrors, LineBreaksAndControlBytesNeverSplitAMessage) {
  EXPECT_EQ(OneLine("ERROR:  relation \"x\" does not exist\nLINE 1: SELECT\n"),
            "ERROR:  relation \"x\" does not exist | LINE 1: SELECT");
  EXPECT_EQ(OneLine("a\r\nb\x01" "c"), "a | b\\x01c");
  EXPECT_EQ(Status::InvalidArgument("run.toml:3: [run] name \"two\nlines\"").ToString(),
            "invalid_argument: run.toml:3: [run] name \"two | lines\"");
}

std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AtomicFile, ReplacesWholeOrLeavesTheOldFileAndNoTemporary) {
  const auto dir = std::filesystem::temp_directory_path() / ("cw-atomic-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "alerts.csv";
  ASSERT_TRUE(WriteFileAtomically(file, "old,complete\n").ok());
  ASSERT_TRUE(WriteFileAtomically(file, "new,complete\n").ok());
  EXPECT_EQ(Slurp(file), "new,complete\n");
  // A target that cannot be replaced (here a non-empty folder): an error naming it, and no
  // temporary left behind.
  std::filesystem::create_directories(dir / "busy" / "inside");
  const Status s = WriteFileAtomically(dir / "busy", "x");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_NE(s.message().find("busy"), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_directory(dir / "busy" / "inside"));
  for (const auto& e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace churnwatch
