#include "master/listing_builder.hpp"

#include "ftp/path.hpp"

namespace fleet::master {

ftp::FileFacts facts_of(const meta::Entry& entry, std::string name, bool offline, Rights rights) {
  ftp::FileFacts f;
  f.name = std::move(name);
  f.is_dir = entry.is_dir;
  f.size = entry.size;
  f.mtime = entry.mtime;
  f.owner = entry.owner.empty() ? "ftp" : entry.owner;
  f.group = offline ? "offline" : "ftp";
  f.offline = offline;
  f.unique = static_cast<std::uint64_t>(entry.id);
  // RFC 3659 §7.5.5: what this user may do.
  switch (rights) {
    case Rights::Full: f.perm = entry.is_dir ? "flcdmpe" : "adfrw"; break;
    case Rights::ReadOnly: f.perm = entry.is_dir ? "el" : "r"; break;
    case Rights::ReadCreate: f.perm = entry.is_dir ? "elcm" : "r"; break;
  }
  return f;
}

std::vector<std::string> listing_lines(meta::MetaStore& store, ListingFormat format, const std::string& path,
                                       const meta::Entry& entry, std::int64_t now, const OfflineCheck& offline,
                                       Rights rights, std::string_view shown_path, const ListingOptions& options) {
  std::vector<std::string> lines;
  auto emit = [&](const meta::Entry& e, std::string name) {
    const bool off = !e.is_dir && offline && offline(e);
    switch (format) {
      case ListingFormat::List:
        lines.push_back(ftp::format_list_line(facts_of(e, std::move(name), off, rights), now));
        break;
      case ListingFormat::Nlst: lines.push_back(std::move(name)); break;
      case ListingFormat::Mlsd:
        lines.push_back(ftp::format_mlsx_line(facts_of(e, std::move(name), off, rights), options.mlsx_facts));
        break;
    }
  };
  if (!entry.is_dir) {
    emit(entry, format == ListingFormat::List ? entry.name : std::string(shown_path.empty() ? path : shown_path));
    return lines;
  }
  if (format == ListingFormat::Mlsd) emit(entry, ".");
  auto children = store.list_dir(path);
  lines.reserve(lines.size() + children.size());
  for (const auto& child : children)
    if (options.show_hidden || format == ListingFormat::Mlsd || child.name.empty() || child.name[0] != '.')
      emit(child, child.name);
  return lines;
}

std::string join_crlf(const std::vector<std::string>& lines) {
  std::size_t total = 0;
  for (const auto& l : lines) total += l.size() + 2;
  std::string out;
  out.reserve(total);
  for (const auto& l : lines) {
    out += l;
    out += "\r\n";
  }
  return out;
}

}  // namespace fleet::master
