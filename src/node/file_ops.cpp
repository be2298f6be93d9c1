#include "node/file_ops.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "net/errno_code.hpp"
#include "node/file_facts.hpp"
#include "node/op_result.hpp"

namespace fleet::node {

namespace {

namespace fs = std::filesystem;

link::OpResult refused(const std::string& path, const std::string& why) {
  return op_error("invalid path \"" + path + "\": " + why);
}

// True when `dir` holds no file at any depth (empty subdirectories are allowed:
// the namespace may have removed them while this node held nothing there).
bool holds_no_files(const fs::path& dir, std::error_code& ec) {
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink(ec) || !it->is_directory(ec)) return false;
  }
  return !ec;
}

link::OpResult remove_dir(const fs::path& dir, const std::string& path) {
  std::error_code ec;
  const auto status = fs::symlink_status(dir, ec);
  if (ec == std::errc::no_such_file_or_directory || status.type() == fs::file_type::not_found) return op_ok();
  if (ec) return op_error("rmdir", path, ec);
  if (status.type() != fs::file_type::directory) {
    return op_error("rmdir", path, std::make_error_code(std::errc::not_a_directory));
  }
  if (!holds_no_files(dir, ec)) {
    return op_error("rmdir", path, ec ? ec : std::make_error_code(std::errc::directory_not_empty));
  }
  fs::remove_all(dir, ec);
  return ec ? op_error("rmdir", path, ec) : op_ok();
}

link::OpResult set_mtime(const fs::path& file, const std::string& path, std::int64_t mtime) {
  struct timespec times[2];
  times[0].tv_sec = 0;
  times[0].tv_nsec = UTIME_OMIT;
  times[1].tv_sec = static_cast<time_t>(mtime);
  times[1].tv_nsec = 0;
  if (::utimensat(AT_FDCWD, file.c_str(), times, 0) != 0) return op_error("set mtime of", path, net::errno_code());
  return op_ok();
}

link::OpResult stat_file(const fs::path& file, const std::string& path) {
  FileFacts facts;
  if (auto ec = read_file_facts(file, true, facts)) return op_error("stat", path, ec);
  auto r = op_ok();
  r.set_size(facts.size);
  r.set_mtime(facts.mtime);
  r.set_crc32(facts.crc32);
  return r;
}

}  // namespace

link::OpResult apply_file_op(const Storage& storage, const link::FileOp& op) {
  std::string why;
  const auto file = storage.resolve(op.path(), why);
  if (!file) return refused(op.path(), why);
  const bool is_root = *file == storage.root();
  std::error_code ec;

  switch (op.kind()) {
    case link::DELETE:
      if (is_root) return refused(op.path(), "cannot delete the root");
      if (::unlink(file->c_str()) != 0) return op_error("delete", op.path(), net::errno_code());
      return op_ok();

    case link::RENAME: {
      const auto target = storage.resolve(op.path2(), why);
      if (!target) return refused(op.path2(), why);
      if (is_root || *target == storage.root()) return refused(op.path(), "cannot rename the root");
      fs::create_directories(target->parent_path(), ec);
      if (ec) return op_error("create directories for", op.path2(), ec);
      if (::rename(file->c_str(), target->c_str()) != 0) return op_error("rename", op.path(), net::errno_code());
      return op_ok();
    }

    case link::MKDIR:
      fs::create_directories(*file, ec);
      if (!ec && !fs::is_directory(*file, ec) && !ec) ec = std::make_error_code(std::errc::file_exists);
      return ec ? op_error("mkdir", op.path(), ec) : op_ok();

    case link::RMDIR:
      if (is_root) return refused(op.path(), "cannot remove the root");
      return remove_dir(*file, op.path());

    case link::SET_MTIME:
      return set_mtime(*file, op.path(), op.mtime());

    case link::STAT:
      return stat_file(*file, op.path());

    default:
      return op_error("file operation " + std::to_string(op.kind()) + " is not supported by this node");
  }
}

}  // namespace fleet::node
