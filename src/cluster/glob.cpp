#include "cluster/glob.hpp"

#include <cstddef>
#include <vector>

namespace fleet::cluster {

// The pattern is first cut into tokens, then matched with a dynamic program
// over (token, path position), one row at a time. That costs
// O(tokens * path length) whatever the pattern, where naive backtracking is
// exponential on patterns such as "*a*a*a*a*b".
//
// Beyond the header: "/**/" also matches a single "/" ("/a/**/b" matches
// "/a/b"), as in .gitignore, so "/**/*.iso" covers top-level files too;
// '\' makes the next character literal ("/a\*b" matches only "/a*b"); a '['
// without a closing ']' is a literal '['; sets never match '/'.
namespace {

enum class Kind {
  Literal,   // one given character
  One,       // "?": one character other than '/'
  Set,       // "[...]": one character of a set, never '/'
  Star,      // "*": any run without '/'
  DeepStar,  // "**": any run
  AnyDirs,   // "**/" after a '/': nothing, or any run ending in '/'
  TailDirs,  // a final "/**": nothing, or '/' followed by any run
};

struct Token {
  Kind kind = Kind::Literal;
  char literal = 0;
  bool negated = false;
  std::string_view set;  // the members between the brackets, ranges as "a-z"
};

bool set_contains(std::string_view set, char c) {
  const auto uc = static_cast<unsigned char>(c);
  for (std::size_t i = 0; i < set.size();) {
    if (i + 2 < set.size() && set[i + 1] == '-') {
      if (static_cast<unsigned char>(set[i]) <= uc && uc <= static_cast<unsigned char>(set[i + 2])) return true;
      i += 3;
    } else {
      if (set[i] == c) return true;
      ++i;
    }
  }
  return false;
}

bool matches_one(const Token& t, char c) {
  switch (t.kind) {
    case Kind::Literal:
      return c == t.literal;
    case Kind::One:
      return c != '/';
    case Kind::Set:
      return c != '/' && set_contains(t.set, c) != t.negated;
    default:
      return false;
  }
}

// Parses "[...]" starting at `open`; returns the index after ']' or 0 if the
// bracket is not closed (then it is taken literally).
std::size_t parse_set(std::string_view pattern, std::size_t open, Token& out) {
  std::size_t i = open + 1;
  out.negated = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (out.negated) ++i;
  const std::size_t first = i;
  if (i < pattern.size() && pattern[i] == ']') ++i;  // "[]a]": a leading ']' is a member
  while (i < pattern.size() && pattern[i] != ']') ++i;
  if (i >= pattern.size()) return 0;
  out.kind = Kind::Set;
  out.set = pattern.substr(first, i - first);
  return i + 1;
}

std::vector<Token> tokenize(std::string_view p) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < p.size()) {
    Token t;
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      t.literal = p[i + 1];
      i += 2;
    } else if (c == '/' && p.substr(i + 1, 2) == "**" && i + 3 == p.size()) {
      t.kind = Kind::TailDirs;
      i += 3;
    } else if (c == '/' && p.substr(i + 1, 3) == "**/") {
      tokens.push_back(Token{Kind::Literal, '/'});
      t.kind = Kind::AnyDirs;
      i += 4;
    } else if (c == '*') {
      std::size_t run = i;
      while (run < p.size() && p[run] == '*') ++run;
      t.kind = run - i >= 2 ? Kind::DeepStar : Kind::Star;
      i = run;
    } else if (c == '?') {
      t.kind = Kind::One;
      ++i;
    } else if (std::size_t after = c == '[' ? parse_set(p, i, t) : 0; after != 0) {
      i = after;
    } else {
      t.literal = c;
      ++i;
    }
    tokens.push_back(t);
  }
  return tokens;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  const std::vector<Token> tokens = tokenize(pattern);
  const std::size_t n = path.size();
  // next[j]: the tokens after the current one match path[j..]; cur[j]: the
  // current token and everything after it do.
  std::vector<char> next(n + 1, 0), cur(n + 1, 0);
  next[n] = 1;
  for (std::size_t k = tokens.size(); k-- > 0;) {
    const Token& t = tokens[k];
    bool any = false;
    switch (t.kind) {
      case Kind::Star:
      case Kind::DeepStar:
        cur[n] = next[n];
        for (std::size_t j = n; j-- > 0;)
          cur[j] = next[j] || ((t.kind == Kind::DeepStar || path[j] != '/') && cur[j + 1]);
        break;
      case Kind::AnyDirs: {
        // `ends_dir`: the rest matches right after some '/' at or beyond j.
        bool ends_dir = false;
        cur[n] = next[n];
        for (std::size_t j = n; j-- > 0;) {
          if (path[j] == '/' && next[j + 1]) ends_dir = true;
          cur[j] = next[j] || ends_dir;
        }
        break;
      }
      case Kind::TailDirs: {
        // `later`: the rest matches at some position after j.
        bool later = next[n];
        cur[n] = next[n];
        for (std::size_t j = n; j-- > 0;) {
          cur[j] = next[j] || (path[j] == '/' && later);
          later = later || next[j];
        }
        break;
      }
      default:
        cur[n] = 0;
        for (std::size_t j = 0; j < n; ++j) cur[j] = matches_one(t, path[j]) && next[j + 1];
        break;
    }
    for (char v : cur) any = any || v;
    if (!any) return false;
    next.swap(cur);
  }
  return next[0] != 0;
}

}  // namespace fleet::cluster
