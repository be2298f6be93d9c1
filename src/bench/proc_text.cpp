#include "bench/proc_text.hpp"

#include <charconv>
#include <vector>

namespace fleet::bench {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    while (pos < s.size() && is_blank(s[pos])) ++pos;
    const auto start = pos;
    while (pos < s.size() && !is_blank(s[pos])) ++pos;
    if (pos > start) out.push_back(s.substr(start, pos - start));
  }
  return out;
}

template <typename T>
std::optional<T> to_number(std::string_view s) {
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  const auto open = text.find('(');
  const auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  ProcStat st;
  const auto head = split_spaces(text.substr(0, open));
  const auto pid = head.size() == 1 ? to_number<int>(head[0]) : std::nullopt;
  if (!pid) return std::nullopt;
  st.pid = *pid;
  // After ')': state(3) ppid(4) pgrp session tty_nr tpgid flags minflt cminflt
  // majflt cmajflt utime(14) stime(15) cutime(16) cstime(17) ...
  const auto rest = split_spaces(text.substr(close + 1));
  if (rest.size() < 15 || rest[0].size() != 1) return std::nullopt;
  st.state = rest[0][0];
  const auto ppid = to_number<int>(rest[1]);
  const auto ut = to_number<std::uint64_t>(rest[11]);
  const auto stt = to_number<std::uint64_t>(rest[12]);
  const auto cut = to_number<std::int64_t>(rest[13]);
  const auto cst = to_number<std::int64_t>(rest[14]);
  if (!ppid || !ut || !stt || !cut || !cst) return std::nullopt;
  st.ppid = *ppid;
  st.utime = *ut;
  st.stime = *stt;
  // cutime/cstime are signed in the kernel's format; never negative in practice.
  st.cutime = *cut > 0 ? static_cast<std::uint64_t>(*cut) : 0;
  st.cstime = *cst > 0 ? static_cast<std::uint64_t>(*cst) : 0;
  return st;
}

std::optional<std::uint64_t> parse_schedstat_ns(std::string_view text) {
  const auto fields = split_spaces(text);
  if (fields.size() < 3) return std::nullopt;
  return to_number<std::uint64_t>(fields[0]);
}

std::optional<std::uint64_t> parse_kib_field(std::string_view text, std::string_view key) {
  std::size_t line_start = 0;
  while (line_start < text.size()) {
    auto line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    const auto line = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ':') continue;
    const auto fields = split_spaces(line.substr(key.size() + 1));
    if (fields.empty()) return std::nullopt;
    if (fields.size() > 1 && fields[1] != "kB") return std::nullopt;
    return to_number<std::uint64_t>(fields[0]);
  }
  return std::nullopt;
}

}  // namespace fleet::bench
