// Substring assertion for error messages (gmock's HasSubstr is not linked in).
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace fleet::meta::testing {

inline ::testing::AssertionResult HasSubstr(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << '"' << text << "\" does not contain \"" << part << '"';
}

}  // namespace fleet::meta::testing
