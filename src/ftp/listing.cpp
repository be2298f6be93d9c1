#include "ftp/listing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <ctime>

namespace fleet::ftp {

namespace {

// Fixed English names: clients parse LIST output and expect these, whatever
// the server's locale.
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr std::int64_t kSecondsPerDay = 86400;
// Same cut-offs as ls(1): older than about half a year, or noticeably in the
// future, and the time of day is less useful than the year.
constexpr std::int64_t kRecentPast = 180 * kSecondsPerDay;
constexpr std::int64_t kRecentFuture = 3600;

// Years 0000-9999 keep every format at its fixed width.
constexpr std::int64_t kMinTime = -62167219200;  // 0000-01-01 00:00:00
constexpr std::int64_t kMaxTime = 253402300799;  // 9999-12-31 23:59:59

std::tm utc_fields(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(std::clamp(unix_seconds, kMinTime, kMaxTime));
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) {
    const std::time_t epoch = 0;
    gmtime_r(&epoch, &tm);
  }
  return tm;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap(year)) return 29;
  return kDays[static_cast<std::size_t>(month - 1)];
}

int digits_value(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string format_list_line(const FileFacts& f, std::int64_t now) {
  const std::tm tm = utc_fields(f.mtime);
  const char* month = kMonths[static_cast<std::size_t>(tm.tm_mon)];
  const bool show_year = f.mtime < now - kRecentPast || f.mtime > now + kRecentFuture;
  // vsftpd's layout, which client-side LIST parsers are written against.
  const std::string when = show_year
                               ? fmt::format("{} {:02d} {:5d}", month, tm.tm_mday, tm.tm_year + 1900)
                               : fmt::format("{} {:02d} {:02d}:{:02d}", month, tm.tm_mday, tm.tm_hour, tm.tm_min);
  // Directories have no size of their own in the namespace; 4096 is what ls
  // shows for one on a typical local file system, so clients see nothing odd.
  return fmt::format("{} {:4d} {:<8} {:<8} {:8d} {} {}", f.is_dir ? "drwxr-xr-x" : "-rw-r--r--", 1, f.owner,
                     f.group, f.is_dir ? std::uint64_t{4096} : f.size, when, f.name);
}

namespace {

struct FactName {
  MlsxFact fact;
  std::string_view name;
};
constexpr FactName kFactNames[] = {
    {kFactType, "type"}, {kFactSize, "size"}, {kFactModify, "modify"}, {kFactPerm, "perm"}, {kFactUnique, "unique"}};
}  // namespace

std::string format_mlsx_line(const FileFacts& f, unsigned facts) {
  std::string out;
  if (facts & kFactType) {
    std::string type = "file";
    if (f.name == ".") {
      type = "cdir";
    } else if (f.name == "..") {
      type = "pdir";
    } else if (f.is_dir) {
      type = "dir";
    }
    out += "type=" + type + ";";
  }
  // RFC 3659 §7.5.5: size is only meaningful for files.
  if ((facts & kFactSize) && !f.is_dir) out += fmt::format("size={};", f.size);
  if (facts & kFactModify) out += "modify=" + format_time_val(f.mtime) + ";";
  if ((facts & kFactPerm) && !f.perm.empty()) out += "perm=" + f.perm + ";";
  if (facts & kFactUnique) out += fmt::format("unique={:x};", f.unique);
  if (f.offline) out += "x.offline=1;";
  // Exactly one space separates the facts from the name (§7.2), so names that
  // start with spaces survive.
  out += " ";
  out += f.name;
  return out;
}

unsigned parse_mlst_opts(std::string_view arg) {
  unsigned facts = 0;
  while (!arg.empty()) {
    const auto semi = arg.find(';');
    std::string name(arg.substr(0, semi));
    arg = semi == std::string_view::npos ? std::string_view() : arg.substr(semi + 1);
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (const auto& f : kFactNames)
      if (f.name == name) facts |= f.fact;
  }
  return facts;
}

std::string mlst_facts_text(unsigned facts) {
  std::string out;
  for (const auto& f : kFactNames)
    if (facts & f.fact) {
      out += f.name;
      out += ';';
    }
  return out;
}

std::string mlst_feat_line(unsigned facts) {
  std::string out = "MLST ";
  for (const auto& f : kFactNames) {
    out += f.name;
    if (facts & f.fact) out += '*';
    out += ';';
  }
  return out;
}

std::string format_time_val(std::int64_t unix_seconds) {
  const std::tm tm = utc_fields(unix_seconds);
  return fmt::format("{:04d}{:02d}{:02d}{:02d}{:02d}{:02d}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::optional<std::int64_t> parse_time_val(std::string_view text) {
  constexpr std::size_t kDigits = 14;
  if (text.size() < kDigits || !all_digits(text.substr(0, kDigits))) return std::nullopt;
  const std::string_view rest = text.substr(kDigits);
  if (!rest.empty()) {
    // RFC 3659 §2.3: an optional fraction of a second, at least one digit.
    if (rest.size() < 2 || rest.front() != '.' || !all_digits(rest.substr(1))) return std::nullopt;
  }

  const int year = digits_value(text.substr(0, 4));
  const int month = digits_value(text.substr(4, 2));
  const int day = digits_value(text.substr(6, 2));
  const int hour = digits_value(text.substr(8, 2));
  const int minute = digits_value(text.substr(10, 2));
  const int second = digits_value(text.substr(12, 2));
  if (month < 1 || month > 12) return std::nullopt;
  if (day < 1 || day > days_in_month(year, month)) return std::nullopt;
  // 60 allows a leap second; timegm folds it into the next minute.
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;

  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(timegm(&tm));
}

}  // namespace fleet::ftp
