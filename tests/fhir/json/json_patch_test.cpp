// JSON Patch (RFC 6902): the operations, with the RFC's appendix A examples,
// the errors, and all-or-nothing application.
#include "fhir/json/json_patch.hpp"

#include <gtest/gtest.h>

#include <string>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"

namespace fhir::json {
namespace {

Value json(const std::string& text) {
  auto v = parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? std::move(*v) : Value();
}

// Applies patch to doc; returns the result as text, or the issue.
Result<std::string> patched(const std::string& doc, const std::string& patch) {
  Value target = json(doc);
  if (auto st = apply_patch(target, json(patch)); !st) return st.take_issue();
  return write(target);
}

void expect_result(const std::string& doc, const std::string& patch, const std::string& expected) {
  auto r = patched(doc, patch);
  ASSERT_TRUE(r.ok()) << patch << ": " << r.issue().diagnostics;
  EXPECT_EQ(*r, write(json(expected))) << patch;
}

// The patch fails with this error, naming the operation, and leaves the
// target exactly as it was.
void expect_error(const std::string& doc, const std::string& patch, const ErrorDef& def, int op) {
  Value target = json(doc);
  Status st = apply_patch(target, json(patch));
  ASSERT_FALSE(st.ok()) << patch;
  EXPECT_EQ(st.issue().http_status, def.http_status) << patch << ": " << st.issue().diagnostics;
  EXPECT_EQ(st.issue().code, def.issue_code) << patch;
  EXPECT_EQ(st.issue().severity, Severity::error);
  if (op >= 0) {
    EXPECT_NE(st.issue().diagnostics.find("operation " + std::to_string(op)), std::string::npos)
        << st.issue().diagnostics;
  }
  EXPECT_EQ(write(target), write(json(doc))) << "the target changed: " << patch;
}

// RFC 6902 appendix A.
TEST(JsonPatchTest, AddsObjectMembersAndArrayElements) {
  expect_result(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])",
                R"({"foo":"bar","baz":"qux"})");
  expect_result(R"({"foo":["bar","baz"]})", R"([{"op":"add","path":"/foo/1","value":"qux"}])",
                R"({"foo":["bar","qux","baz"]})");
  expect_result(R"({"foo":"bar"})", R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])",
                R"({"foo":"bar","child":{"grandchild":{}}})");
  expect_result(R"({"foo":["bar"]})", R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])",
                R"({"foo":["bar",["abc","def"]]})");
  // add on an existing member replaces it, in place.
  expect_result(R"({"a":1,"b":2})", R"([{"op":"add","path":"/a","value":3}])", R"({"a":3,"b":2})");
  // At the end of an array by index, and null is a value.
  expect_result(R"({"a":[1]})", R"([{"op":"add","path":"/a/1","value":null}])", R"({"a":[1,null]})");
  // The empty path is the whole document.
  expect_result(R"({"a":1})", R"([{"op":"add","path":"","value":{"b":2}}])", R"({"b":2})");
}

TEST(JsonPatchTest, RemovesReplacesMovesAndCopies) {
  expect_result(R"({"baz":"qux","foo":"bar"})", R"([{"op":"remove","path":"/baz"}])", R"({"foo":"bar"})");
  expect_result(R"({"foo":["bar","qux","baz"]})", R"([{"op":"remove","path":"/foo/1"}])",
                R"({"foo":["bar","baz"]})");
  expect_result(R"({"baz":"qux","foo":"bar"})", R"([{"op":"replace","path":"/baz","value":"boo"}])",
                R"({"baz":"boo","foo":"bar"})");
  expect_result(R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
                R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])",
                R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})");
  expect_result(R"({"foo":["all","grass","cows","eat"]})", R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])",
                R"({"foo":["all","cows","eat","grass"]})");
  expect_result(R"({"a":{"b":[1,2]}})", R"([{"op":"copy","from":"/a/b","path":"/c"}])",
                R"({"a":{"b":[1,2]},"c":[1,2]})");
  // Moving a value onto itself changes nothing.
  expect_result(R"({"a":[1,2]})", R"([{"op":"move","from":"/a/0","path":"/a/0"}])", R"({"a":[1,2]})");
  // Operations apply in order, each to the result of the one before.
  expect_result(R"({"a":[]})",
                R"([{"op":"add","path":"/a/-","value":1},{"op":"add","path":"/a/-","value":2},)"
                R"({"op":"remove","path":"/a/0"},{"op":"replace","path":"/a/0","value":3}])",
                R"({"a":[3]})");
}

TEST(JsonPatchTest, PointerEscapes) {
  // A.14: "~01" is "~1", not "/".
  expect_result(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":10}])", R"({"/":9,"~1":10})");
  expect_result(R"({"/":9,"~1":10})", R"([{"op":"replace","path":"/~1","value":1}])", R"({"/":1,"~1":10})");
  expect_result(R"({"a~b":1})", R"([{"op":"remove","path":"/a~0b"}])", R"({})");
  expect_result(R"({"":1})", R"([{"op":"replace","path":"/","value":2}])", R"({"":2})");
}

TEST(JsonPatchTest, TestComparesByValue) {
  // A.8: a passing test changes nothing; the next operation applies.
  expect_result(R"({"baz":"qux","foo":["a",2,"c"]})",
                R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])",
                R"({"baz":"qux","foo":["a",2,"c"]})");
  // RFC 6902 4.6: numbers equal by value, objects whatever their member order.
  expect_result(R"({"n":1.50,"o":{"a":1,"b":[1,{"c":2}]}})",
                R"([{"op":"test","path":"/n","value":1.5},{"op":"test","path":"/n","value":15e-1},)"
                R"({"op":"test","path":"/o","value":{"b":[1.0,{"c":2}],"a":1}}])",
                R"({"n":1.50,"o":{"a":1,"b":[1,{"c":2}]}})");
  expect_result(R"({"z":0})", R"([{"op":"test","path":"/z","value":-0.0}])", R"({"z":0})");
  // Exactly, digit for digit: no rounding through double.
  expect_result(R"({"big":12345678901234567890})",
                R"([{"op":"test","path":"/big","value":1.2345678901234567890e19}])",
                R"({"big":12345678901234567890})");
}

TEST(JsonPatchTest, FailedTestIsAConflictAndChangesNothing) {
  // A.9 and A.15: strings are not numbers; arrays compare in order.
  expect_error(R"({"baz":"qux"})", R"([{"op":"test","path":"/baz","value":"bar"}])", err::kConflict, 0);
  expect_error(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":"10"}])", err::kConflict, 0);
  expect_error(R"({"a":[1,2]})", R"([{"op":"test","path":"/a","value":[2,1]}])", err::kConflict, 0);
  expect_error(R"({"a":{"x":1}})", R"([{"op":"test","path":"/a","value":{"x":1,"y":2}}])", err::kConflict, 0);
  expect_error(R"({"a":1})", R"([{"op":"test","path":"/a","value":1.01}])", err::kConflict, 0);
  expect_error(R"({"a":12345678901234567890})", R"([{"op":"test","path":"/a","value":12345678901234567891}])",
               err::kConflict, 0);
  expect_error(R"({"a":1})", R"([{"op":"test","path":"/missing","value":1}])", err::kConflict, 0);
  // After operations that applied: all or nothing.
  expect_error(R"({"a":1,"b":[1]})",
               R"([{"op":"replace","path":"/a","value":2},{"op":"add","path":"/b/-","value":2},)"
               R"({"op":"test","path":"/a","value":1}])",
               err::kConflict, 2);
}

TEST(JsonPatchTest, OperationsThatCannotApplyAreRefused) {
  const std::string doc = R"({"foo":"bar","arr":[1,2],"obj":{"x":1}})";
  // A.12: adding to a nonexistent target.
  expect_error(doc, R"([{"op":"add","path":"/baz/bat","value":"qux"}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"remove","path":"/nothing"}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"replace","path":"/nothing","value":1}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"move","from":"/nothing","path":"/x"}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"copy","from":"/nothing","path":"/x"}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"remove","path":""}])", err::kInvalidRequest, 0);
  // Array indexes: in range, no leading zeros, "-" only where adding.
  expect_error(doc, R"([{"op":"add","path":"/arr/3","value":0}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"remove","path":"/arr/2"}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"remove","path":"/arr/01"}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"remove","path":"/arr/-"}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"replace","path":"/arr/-1","value":0}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"add","path":"/arr/x","value":0}])", err::kInvalidRequest, 0);
  // Below a scalar.
  expect_error(doc, R"([{"op":"add","path":"/foo/x","value":0}])", err::kInvalidRequest, 0);
  // A value cannot move into its own child.
  expect_error(doc, R"([{"op":"move","from":"/obj","path":"/obj/y"}])", err::kInvalidRequest, 0);
  // The second operation fails: the first is undone too.
  expect_error(doc, R"([{"op":"remove","path":"/foo"},{"op":"remove","path":"/foo"}])", err::kInvalidRequest, 1);
}

TEST(JsonPatchTest, MalformedDocumentsAreRefused) {
  const std::string doc = R"({"a":1})";
  expect_error(doc, R"({"op":"remove","path":"/a"})", err::kInvalidRequest, -1);  // not an array
  expect_error(doc, R"(["remove"])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"path":"/a"}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"delete","path":"/a"}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"remove"}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"remove","path":1}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"remove","path":"a"}])", err::kInvalidRequest, 0);  // no leading '/'
  expect_error(doc, R"([{"op":"remove","path":"/a~2"}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"add","path":"/b"}])", err::kInvalidRequest, 0);  // no value
  expect_error(doc, R"([{"op":"test","path":"/a"}])", err::kInvalidRequest, 0);
  expect_error(doc, R"([{"op":"move","path":"/b"}])", err::kInvalidRequest, 0);  // no from
  // A.11: members an operation does not use are ignored.
  expect_result(doc, R"([{"op":"add","path":"/b","value":2,"xyz":123}])", R"({"a":1,"b":2})");
  // An empty patch is a valid one.
  expect_result(doc, "[]", doc);
}

}  // namespace
}  // namespace fhir::json

namespace fhir::json {
namespace {

// Found while fuzzing: copy doubles the document (or its depth) with each
// operation, so a tiny patch could exhaust memory or the stack.
TEST(JsonPatchBoundsTest, RefusesAPatchThatGrowsWithoutBound) {
  auto doc = parse("[1]");
  ASSERT_TRUE(doc.ok());
  std::string ops = "[";
  for (int i = 0; i < 40; ++i) ops += std::string(i ? "," : "") + R"({"op":"copy","from":"","path":"/-"})";
  ops += "]";
  auto patch = parse(ops);
  ASSERT_TRUE(patch.ok());
  Value before = *doc;
  Status st = apply_patch(*doc, *patch);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.issue().http_status, 400);
  EXPECT_TRUE(*doc == before);
}

TEST(JsonPatchBoundsTest, RefusesAPatchThatNestsDeeperThanTheParserReads) {
  auto doc = parse(R"({"a":{}})");
  std::string ops = "[";
  std::string path = "/a";
  for (int i = 0; i < 200; ++i) {
    ops += std::string(i ? "," : "") + R"({"op":"add","path":")" + path + R"(/b","value":{}})";
    path += "/b";
  }
  ops += "]";
  auto patch = parse(ops);
  ASSERT_TRUE(patch.ok());
  Status st = apply_patch(*doc, *patch);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.issue().http_status, 400);
}

}  // namespace
}  // namespace fhir::json
