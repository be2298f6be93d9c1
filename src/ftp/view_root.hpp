// ViewRoot: the part of the namespace a session sees as its "/". For password
// users that is the whole namespace (the identity view); an anonymous session
// sees only its root directory, e.g. "/pub", the way a chroot would.
//
// Paths on both sides are normalized absolute paths (ftp::resolve_path form).
// Arguments are resolved in client space first, where ".." clamps at the
// client's "/", and only then mapped into the namespace, so no argument can
// name anything outside the root. Every path a reply shows goes back through
// to_client(). Pure: no store, no sockets.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fleet::ftp {

class ViewRoot {
 public:
  ViewRoot() = default;  // "/": client paths are namespace paths
  // `root`: a normalized absolute namespace path ("/" or "/a/b").
  explicit ViewRoot(std::string root);

  bool is_identity() const { return root_.size() == 1; }
  const std::string& root() const { return root_; }

  // Client path -> namespace path: "/" -> "/pub", "/a" -> "/pub/a".
  std::string to_vfs(std::string_view client) const;

  // Namespace path -> client path: "/pub" -> "/", "/pub/a" -> "/a". A path
  // outside the root (which to_vfs never produces) shows as "/", so a reply
  // cannot reveal what lies outside.
  std::string to_client(std::string_view vfs) const;

  // Whether `vfs` is the root or below it.
  bool contains(std::string_view vfs) const;

  // Resolves a client's argument against the session's working directory
  // (`vfs_cwd`, a namespace path inside the root) into a namespace path.
  // nullopt for an argument resolve_path refuses, or a result too long.
  std::optional<std::string> resolve(std::string_view vfs_cwd, std::string_view arg) const;

 private:
  std::string root_ = "/";
};

}  // namespace fleet::ftp
