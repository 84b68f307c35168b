#include <gtest/gtest.h>

#include "fhir/search/string_normalise.hpp"

namespace fhir::search {
namespace {

TEST(StringNormaliseTest, FoldsCase) {
  EXPECT_EQ(normalise_string("Peter JAMES"), "peter james");
  EXPECT_EQ(normalise_string("123 Main St."), "123 main st.");
}

TEST(StringNormaliseTest, StripsPrecomposedAccents) {
  EXPECT_EQ(normalise_string("Élodie Müller-Ångström"), "elodie muller-angstrom");
  EXPECT_EQ(normalise_string("François Nuñez"), "francois nunez");
  EXPECT_EQ(normalise_string("Straße"), "strasse");
  EXPECT_EQ(normalise_string("Łukasz Dvořák Øyvind Œuvre Ĳssel"), "lukasz dvorak oyvind oeuvre ijssel");
}

TEST(StringNormaliseTest, DropsCombiningMarks) {
  EXPECT_EQ(normalise_string("E\xCC\x81lodie"), "elodie");  // E + U+0301
  EXPECT_EQ(normalise_string("Zoe\xCC\x88"), "zoe");
}

TEST(StringNormaliseTest, OtherScripts) {
  EXPECT_EQ(normalise_string("ΑΘΗΝΑ"), "αθηνα");
  EXPECT_EQ(normalise_string("МОСКВА Ёж"), "москва ёж");
  EXPECT_EQ(normalise_string("東京"), "東京");
  EXPECT_EQ(normalise_string("a×b÷c"), "a×b÷c");
}

TEST(StringNormaliseTest, KeepsInvalidBytes) {
  EXPECT_EQ(normalise_string(std::string("A\xFF" "B")), std::string("a\xFF" "b"));
  EXPECT_EQ(normalise_string(std::string("\xC3")), std::string("\xC3"));
}

}  // namespace
}  // namespace fhir::search
