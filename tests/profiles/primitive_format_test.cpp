#include "profiles/primitive_format.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using profiles::check_primitive;
using profiles::check_primitive_text;
using profiles::FormatProblem;
using profiles::PrimitiveKind;
using fhir::json::Value;

struct Case {
  PrimitiveKind kind;
  std::vector<std::string> valid;
  std::vector<std::string> invalid;  // all FormatProblem::bad_format
};

// Lexical forms from the patterns in the R4 JSON schema, plus the calendar.
const std::vector<Case>& cases() {
  static const std::vector<Case> kCases = {
      {PrimitiveKind::boolean, {"true", "false"}, {"True", "1", "yes"}},
      {PrimitiveKind::integer, {"0", "-1", "42", "-0", "2147483647", "-2147483648"},
       {"1.0", "1e2", "01", "+1", "--1", "1 ", "0x10"}},
      {PrimitiveKind::positive_int, {"1", "2147483647"}, {"-1", "1.5", "01"}},
      {PrimitiveKind::unsigned_int, {"0", "7"}, {"-1", "00", "7.0"}},
      {PrimitiveKind::decimal, {"0", "-0.5", "1.50", "1e10", "6.02E+23", "1.0e-7"},
       {"01", ".5", "1.", "1e", "--1", "1.5.2", "NaN"}},
      {PrimitiveKind::string, {"x", " ", "tab\tand\nnewline", "caf\xC3\xA9", "\xC2\xA0nbsp"},
       {"vertical\vtab", "form\ffeed"}},
      {PrimitiveKind::markdown, {"**bold**\n\n- item"}, {"\f"}},
      {PrimitiveKind::code, {"final", "a b", "text/plain; charset=UTF-8"},
       {" final", "final ", "a  b", "a\n\nb"}},
      {PrimitiveKind::id, {"a", "A-1.b", std::string(64, 'x')},
       {std::string(65, 'x'), "a_b", "a b", "a/b"}},
      {PrimitiveKind::uri, {"http://x/y?z=1", "urn:oid:1.2", "#contained"}, {"has space", "a\tb"}},
      {PrimitiveKind::url, {"https://example.org"}, {"http://x .org"}},
      {PrimitiveKind::canonical, {"http://hl7.org/fhir/ValueSet/x|4.0.1"}, {"a b"}},
      {PrimitiveKind::oid, {"urn:oid:1.2.840.10008", "urn:oid:2.16.840.1.113883"},
       {"1.2.3", "urn:oid:3.1", "urn:oid:1", "urn:oid:1.02", "urn:oid:1..2", "urn:oid:1.2."}},
      {PrimitiveKind::uuid, {"urn:uuid:c757873d-ec9a-4326-a141-556f43239520"},
       {"c757873d-ec9a-4326-a141-556f43239520", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520",
        "urn:uuid:c757873dec9a4326a141556f43239520"}},
      {PrimitiveKind::base64_binary, {"QQ==", "QUI=", "QUJD", "QUJD\r\nREVG", "a+/9"},
       {"QQ=", "Q===", "QQ==QUJD", "QU!D", "QUJ"}},
      {PrimitiveKind::instant,
       {"2015-02-07T13:28:17.239+02:00", "2017-01-01T00:00:00Z", "2016-12-31T23:59:60Z"},
       {"2015-02-07T13:28:17", "2015-02-07", "2015-02-07T13:28Z", "2015-02-30T00:00:00Z",
        "2015-02-07T24:00:00Z", "2015-02-07T13:28:17+15:00", "2015-02-07T13:28:17+14:01"}},
      {PrimitiveKind::date, {"2018", "1973-06", "1905-08-23", "2000-02-29", "0001-01-01"},
       {"1990-13-45", "1990-02-30", "1900-02-29", "2019-04-31", "0000", "18", "2018-1", "2018-01-1",
        "2018-00", "2018-01-00", "2018-01-01T10:00:00Z", "2018/01/01"}},
      {PrimitiveKind::date_time,
       {"2018", "1973-06", "1905-08-23", "2015-02-07T13:28:17-05:00", "2017-01-01T00:00:00.000Z",
        "2017-01-01T00:00:00.123456789+14:00"},
       {"2015-02-07T13:28:17", "2015-02-07T13:28Z", "2015-02T10:00:00Z", "2015-02-29T10:00:00Z",
        "2015-02-07T13:28:17.Z", "2015-02-07T13:28:17+5:00", "2015-02-07 13:28:17Z"}},
      {PrimitiveKind::time, {"00:00:00", "23:59:59.999", "14:30:60"},
       {"24:00:00", "12:60:00", "12:00", "12:00:00Z", "1:00:00"}},
  };
  return kCases;
}

TEST(PrimitiveFormatTest, LexicalForms) {
  for (const Case& c : cases()) {
    for (const std::string& v : c.valid)
      EXPECT_EQ(check_primitive_text(c.kind, v), FormatProblem::none)
          << profiles::primitive_name(c.kind) << " '" << v << "'";
    for (const std::string& v : c.invalid)
      EXPECT_EQ(check_primitive_text(c.kind, v), FormatProblem::bad_format)
          << profiles::primitive_name(c.kind) << " '" << v << "'";
  }
}

TEST(PrimitiveFormatTest, EveryKindRefusesTheEmptyString) {
  for (const Case& c : cases())
    EXPECT_EQ(check_primitive_text(c.kind, ""), FormatProblem::empty) << profiles::primitive_name(c.kind);
  EXPECT_EQ(check_primitive(PrimitiveKind::xhtml, Value::make_string("")), FormatProblem::empty);
}

TEST(PrimitiveFormatTest, IntegerRanges) {
  EXPECT_EQ(check_primitive_text(PrimitiveKind::integer, "2147483648"), FormatProblem::out_of_range);
  EXPECT_EQ(check_primitive_text(PrimitiveKind::integer, "-2147483649"), FormatProblem::out_of_range);
  EXPECT_EQ(check_primitive_text(PrimitiveKind::integer, "99999999999999999999"), FormatProblem::out_of_range);
  EXPECT_EQ(check_primitive_text(PrimitiveKind::positive_int, "0"), FormatProblem::out_of_range);
  EXPECT_EQ(check_primitive_text(PrimitiveKind::unsigned_int, "2147483648"), FormatProblem::out_of_range);
}

// R4 json.html: booleans and numbers are JSON literals, everything else a
// JSON string; the same text in the wrong JSON type is refused.
TEST(PrimitiveFormatTest, JsonTypeMatters) {
  EXPECT_EQ(check_primitive(PrimitiveKind::boolean, Value::make_bool(true)), FormatProblem::none);
  EXPECT_EQ(check_primitive(PrimitiveKind::boolean, Value::make_string("true")),
            FormatProblem::wrong_json_type);
  EXPECT_EQ(check_primitive(PrimitiveKind::integer, Value::make_number("7")), FormatProblem::none);
  EXPECT_EQ(check_primitive(PrimitiveKind::integer, Value::make_string("7")),
            FormatProblem::wrong_json_type);
  EXPECT_EQ(check_primitive(PrimitiveKind::decimal, Value::make_string("7.5")),
            FormatProblem::wrong_json_type);
  EXPECT_EQ(check_primitive(PrimitiveKind::decimal, Value::make_number("7.50")), FormatProblem::none);
  EXPECT_EQ(check_primitive(PrimitiveKind::string, Value::make_number("7")), FormatProblem::wrong_json_type);
  EXPECT_EQ(check_primitive(PrimitiveKind::date, Value::make_number("2018")), FormatProblem::wrong_json_type);
  EXPECT_EQ(check_primitive(PrimitiveKind::code, Value::make_bool(false)), FormatProblem::wrong_json_type);
  EXPECT_EQ(check_primitive(PrimitiveKind::xhtml, Value::make_string("<div xmlns=\"http://www.w3.org/1999/xhtml\"/>")),
            FormatProblem::none);
}

// R4 datatypes.html: strings SHALL NOT exceed 1 MB (1024*1024 characters);
// counted in characters, so multi-byte text up to the limit passes.
TEST(PrimitiveFormatTest, StringLengthLimit) {
  EXPECT_EQ(check_primitive_text(PrimitiveKind::string, std::string(1024 * 1024, 'a')), FormatProblem::none);
  EXPECT_EQ(check_primitive_text(PrimitiveKind::string, std::string(1024 * 1024 + 1, 'a')),
            FormatProblem::too_long);
  std::string accents;
  for (int i = 0; i < 1024 * 1024; ++i) accents += "\xC3\xA9";
  EXPECT_EQ(check_primitive_text(PrimitiveKind::string, accents), FormatProblem::none);
  // base64Binary is not a string: attachments may be larger.
  EXPECT_EQ(check_primitive_text(PrimitiveKind::base64_binary, std::string(4 * 1024 * 1024, 'A')),
            FormatProblem::none);
}

}  // namespace
