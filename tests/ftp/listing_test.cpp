#include "ftp/listing.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <string>

namespace fleet::ftp {
namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t k2024Jan02_1504 = 1704207840;      // 2024-01-02 15:04:00 UTC
constexpr std::int64_t k2026Jan01_1200 = 1767268800;      // 2026-01-01 12:00:00 UTC
constexpr std::int64_t k2026Jan02_150405 = 1767366245;    // 2026-01-02 15:04:05 UTC

FileFacts file(std::string name, std::uint64_t size, std::int64_t mtime) {
  FileFacts f;
  f.name = std::move(name);
  f.size = size;
  f.mtime = mtime;
  return f;
}

FileFacts dir(std::string name, std::int64_t mtime) {
  FileFacts f;
  f.name = std::move(name);
  f.is_dir = true;
  f.mtime = mtime;
  return f;
}

// The date columns: everything between the size and the name.
std::string date_of(const std::string& line, const std::string& name) {
  // "Mmm dd hh:mm" and "Mmm dd  yyyy" are both 12 characters.
  return line.substr(line.size() - name.size() - 1 - 12, 12);
}

TEST(FormatListLine, RecentFile) {
  EXPECT_EQ(format_list_line(file("file.txt", 1234, k2024Jan02_1504), k2024Jan02_1504 + kDay),
            "-rw-r--r--    1 ftp      ftp          1234 Jan 02 15:04 file.txt");
}

TEST(FormatListLine, Directory) {
  FileFacts d = dir("name", k2024Jan02_1504);
  d.owner = "owner";
  d.group = "group";
  EXPECT_EQ(format_list_line(d, k2024Jan02_1504 + 60),
            "drwxr-xr-x    1 owner    group        4096 Jan 02 15:04 name");
}

TEST(FormatListLine, OldFileShowsYear) {
  EXPECT_EQ(format_list_line(file("old", 0, k2024Jan02_1504), k2026Jan01_1200),
            "-rw-r--r--    1 ftp      ftp             0 Jan 02  2024 old");
}

TEST(FormatListLine, SixMonthBoundary) {
  const std::int64_t now = k2026Jan01_1200;
  const std::int64_t edge = now - 180 * kDay;  // 2025-07-05 12:00:00
  EXPECT_EQ(date_of(format_list_line(file("f", 1, edge), now), "f"), "Jul 05 12:00");
  EXPECT_EQ(date_of(format_list_line(file("f", 1, edge - 1), now), "f"), "Jul 05  2025");
}

TEST(FormatListLine, FutureBoundary) {
  const std::int64_t now = k2026Jan01_1200;
  EXPECT_EQ(date_of(format_list_line(file("f", 1, now + 3600), now), "f"), "Jan 01 13:00");
  EXPECT_EQ(date_of(format_list_line(file("f", 1, now + 3601), now), "f"), "Jan 01  2026");
  EXPECT_EQ(date_of(format_list_line(file("f", 1, now + 400 * kDay), now), "f"), "Feb 05  2027");
}

TEST(FormatListLine, TimeIsUtcWithZeroPaddedDay) {
  EXPECT_EQ(date_of(format_list_line(file("f", 1, k2026Jan02_150405), k2026Jan02_150405), "f"), "Jan 02 15:04");
}

TEST(FormatListLine, AllMonthNamesAreEnglish) {
  constexpr std::array<const char*, 12> kExpected = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // The 15th of each month of 2025, at noon.
  constexpr std::array<std::int64_t, 12> kMid2025 = {1736942400, 1739620800, 1742040000, 1744718400,
                                                     1747310400, 1749988800, 1752580800, 1755259200,
                                                     1757937600, 1760529600, 1763208000, 1765800000};
  for (std::size_t m = 0; m < 12; ++m) {
    const std::string line = format_list_line(file("f", 1, kMid2025[m]), kMid2025[m]);
    EXPECT_EQ(date_of(line, "f"), std::string(kExpected[m]) + " 15 12:00") << line;
  }
}

TEST(FormatListLine, EpochAndBeforeShowYears) {
  EXPECT_EQ(date_of(format_list_line(file("f", 1, 0), k2026Jan01_1200), "f"), "Jan 01  1970");
  EXPECT_EQ(date_of(format_list_line(file("f", 1, -1), k2026Jan01_1200), "f"), "Dec 31  1969");
}

TEST(FormatListLine, WideFieldsAreNotTruncated) {
  FileFacts f = file("big.iso", 12345678901ULL, k2024Jan02_1504);
  f.owner = "averylongowner";
  f.group = "averylonggroup";
  EXPECT_EQ(format_list_line(f, k2024Jan02_1504),
            "-rw-r--r--    1 averylongowner averylonggroup 12345678901 Jan 02 15:04 big.iso");
}

TEST(FormatListLine, NameIsVerbatim) {
  const std::string line = format_list_line(file(" spaced  name ", 5, k2024Jan02_1504), k2024Jan02_1504);
  EXPECT_EQ(line.substr(line.size() - 15), "  spaced  name ");
}

TEST(FormatListLine, ExtremeTimesDoNotBreakTheLayout) {
  const auto max = std::numeric_limits<std::int64_t>::max();
  const auto min = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(date_of(format_list_line(file("f", 1, max), 0), "f"), "Dec 31  9999");
  EXPECT_EQ(date_of(format_list_line(file("f", 1, min), 0), "f"), "Jan 01     0");
}

TEST(FormatMlsxLine, File) {
  FileFacts f = file("name.txt", 12, k2026Jan01_1200);
  f.perm = "adfrw";
  f.unique = 0x1a;
  EXPECT_EQ(format_mlsx_line(f), "type=file;size=12;modify=20260101120000;perm=adfrw;unique=1a; name.txt");
}

TEST(FormatMlsxLine, DirectoryHasNoSize) {
  FileFacts d = dir("sub", k2026Jan01_1200);
  d.size = 4096;
  d.perm = "flcdmpe";
  d.unique = 255;
  EXPECT_EQ(format_mlsx_line(d), "type=dir;modify=20260101120000;perm=flcdmpe;unique=ff; sub");
}

TEST(FormatMlsxLine, CurrentAndParentDirectories) {
  EXPECT_EQ(format_mlsx_line(dir(".", 0)), "type=cdir;modify=19700101000000;unique=0; .");
  EXPECT_EQ(format_mlsx_line(dir("..", 0)), "type=pdir;modify=19700101000000;unique=0; ..");
  // Only the exact names are special.
  EXPECT_EQ(format_mlsx_line(dir("...", 0)), "type=dir;modify=19700101000000;unique=0; ...");
}

TEST(FormatMlsxLine, EmptyPermIsOmitted) {
  const std::string line = format_mlsx_line(file("a", 0, 0));
  EXPECT_EQ(line, "type=file;size=0;modify=19700101000000;unique=0; a");
  EXPECT_EQ(line.find("perm"), std::string::npos);
}

TEST(FormatMlsxLine, OfflineFact) {
  FileFacts f = file("name.txt", 12, k2026Jan01_1200);
  f.perm = "r";
  f.unique = 0x1a;
  f.offline = true;
  EXPECT_EQ(format_mlsx_line(f),
            "type=file;size=12;modify=20260101120000;perm=r;unique=1a;x.offline=1; name.txt");
}

TEST(FormatMlsxLine, ExactlyOneSpaceBeforeTheName) {
  // RFC 3659 §7.2: the name begins right after the single space, so leading
  // spaces in the name survive.
  const std::string line = format_mlsx_line(file("  lead", 1, 0));
  EXPECT_EQ(line.substr(line.find("; ") + 2), "  lead");
  EXPECT_EQ(line.find(' '), line.find("; ") + 1);
}

TEST(FormatMlsxLine, LargeUniqueIsHex) {
  FileFacts f = file("u", 1, 0);
  f.unique = 0xFFFFFFFFFFFFFFFFULL;
  EXPECT_NE(format_mlsx_line(f).find(";unique=ffffffffffffffff;"), std::string::npos);
}

TEST(FormatTimeVal, KnownValues) {
  EXPECT_EQ(format_time_val(0), "19700101000000");
  EXPECT_EQ(format_time_val(k2026Jan02_150405), "20260102150405");
  EXPECT_EQ(format_time_val(-1), "19691231235959");
  EXPECT_EQ(format_time_val(1709164800), "20240229000000");
}

TEST(FormatTimeVal, ClampsToFourDigitYears) {
  EXPECT_EQ(format_time_val(std::numeric_limits<std::int64_t>::max()), "99991231235959");
  EXPECT_EQ(format_time_val(std::numeric_limits<std::int64_t>::min()), "00000101000000");
}

TEST(ParseTimeVal, KnownValues) {
  EXPECT_EQ(parse_time_val("20260102150405"), k2026Jan02_150405);
  EXPECT_EQ(parse_time_val("19700101000000"), 0);
  EXPECT_EQ(parse_time_val("19691231235959"), -1);
  EXPECT_EQ(parse_time_val("20240229000000"), 1709164800);
}

TEST(ParseTimeVal, FractionIsDropped) {
  EXPECT_EQ(parse_time_val("20260102150405.9"), k2026Jan02_150405);
  EXPECT_EQ(parse_time_val("20260102150405.123"), k2026Jan02_150405);
  EXPECT_EQ(parse_time_val("20260102150405.000000000000000000001"), k2026Jan02_150405);
}

TEST(ParseTimeVal, RejectsMalformedText) {
  EXPECT_FALSE(parse_time_val(""));
  EXPECT_FALSE(parse_time_val("2026010215040"));    // 13 digits
  EXPECT_FALSE(parse_time_val("202601021504051"));  // 15 digits
  EXPECT_FALSE(parse_time_val("20260102150405."));  // empty fraction
  EXPECT_FALSE(parse_time_val("20260102150405.1a"));
  EXPECT_FALSE(parse_time_val("20260102150405,1"));
  EXPECT_FALSE(parse_time_val("20260102150405.1.2"));
  EXPECT_FALSE(parse_time_val(" 20260102150405"));
  EXPECT_FALSE(parse_time_val("20260102150405 "));
  EXPECT_FALSE(parse_time_val("+2026010215040"));
  EXPECT_FALSE(parse_time_val("2026-01-02T15:04"));
  EXPECT_FALSE(parse_time_val("2026010215040x"));
}

TEST(ParseTimeVal, RejectsOutOfRangeFields) {
  EXPECT_FALSE(parse_time_val("20260002150405"));  // month 0
  EXPECT_FALSE(parse_time_val("20261302150405"));  // month 13
  EXPECT_FALSE(parse_time_val("20260100150405"));  // day 0
  EXPECT_FALSE(parse_time_val("20260132150405"));  // day 32
  EXPECT_FALSE(parse_time_val("20260431150405"));  // April 31
  EXPECT_FALSE(parse_time_val("20260102240000"));  // hour 24
  EXPECT_FALSE(parse_time_val("20260102156000"));  // minute 60
  EXPECT_FALSE(parse_time_val("20260102150461"));  // second 61
  EXPECT_FALSE(parse_time_val("20260102999999"));
}

TEST(ParseTimeVal, LeapYearsAndLeapSeconds) {
  EXPECT_FALSE(parse_time_val("20230229000000"));
  EXPECT_TRUE(parse_time_val("20240229000000"));
  EXPECT_FALSE(parse_time_val("19000229000000"));  // century, not a leap year
  EXPECT_TRUE(parse_time_val("20000229000000"));   // 400-year rule
  // A leap second is accepted and lands on the next second.
  EXPECT_EQ(parse_time_val("20161231235960"), 1483228800);
}

TEST(TimeVal, RoundTrips) {
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{-86401}, k2024Jan02_1504, k2026Jan02_150405,
                         std::int64_t{951782400}, std::int64_t{4102444799}, std::int64_t{253402300799}}) {
    EXPECT_EQ(parse_time_val(format_time_val(t)), t) << t;
  }
}

}  // namespace
}  // namespace fleet::ftp

namespace fleet::ftp {
namespace {

TEST(MlstOpts, SelectsTheFactsMlsxSend) {
  FileFacts f;
  f.name = "a.txt";
  f.size = 3;
  f.unique = 0x1f;
  f.perm = "r";
  EXPECT_EQ(parse_mlst_opts("type;size;"), kFactType | kFactSize);
  EXPECT_EQ(parse_mlst_opts("SIZE;bogus;Unique"), kFactSize | kFactUnique) << "unknown facts are ignored";
  EXPECT_EQ(parse_mlst_opts(""), 0u);
  EXPECT_EQ(format_mlsx_line(f, kFactSize | kFactUnique), "size=3;unique=1f; a.txt");
  EXPECT_EQ(format_mlsx_line(f, 0), " a.txt");
  EXPECT_EQ(mlst_facts_text(kFactType | kFactModify), "type;modify;");
  EXPECT_EQ(mlst_facts_text(0), "");
  EXPECT_EQ(mlst_feat_line(kAllMlsxFacts), "MLST type*;size*;modify*;perm*;unique*;");
}

}  // namespace
}  // namespace fleet::ftp
