#include <gtest/gtest.h>

#include "server/log/log.h"

namespace haven::log {
namespace {

TEST(LogFormat, WritesTypedFieldsAsJson) {
  std::string line = FormatFields("http.rejected", {{"status", 413}, {"ok", false}, {"ratio", 0.5}, {"route", "static"}});
  EXPECT_EQ(line, R"("event":"http.rejected","status":413,"ok":false,"ratio":0.500000,"route":"static")");
}

TEST(LogFormat, EscapesStringsSoALineCannotBeForged) {
  std::string line = FormatFields("e", {{"k", "a\"b\\c\nd\x01"}});
  EXPECT_EQ(line, R"("event":"e","k":"a\"b\\c\nd\u0001")");
}

}  // namespace
}  // namespace haven::log
