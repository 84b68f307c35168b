// What a disclosed resource looks like: its stored JSON with the labels the
// labeling stage gave it merged into meta.security (the source's own
// codings kept, one confidentiality code, the highest), and, for 42 CFR
// Part 2 records, the 2.32 redisclosure notice in a meta extension, so the
// notice stays with the data in the receiving system. Done when a version
// leaves the store for a response, never in the stored bytes: labeling and
// relabeling make no new version.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "consent/labels/security_label.hpp"
#include "fhir/core/result.hpp"

namespace consent {

// consent/rules/part2-notice.json: the 2.32(a) statement in force.
struct RedisclosureNotice {
  std::string version;        // of the rule text, "2024"
  std::string extension_url;  // the meta extension carrying it
  std::string text;           // the statement

  static fhir::Result<std::shared_ptr<const RedisclosureNotice>> load(const std::string& path);
};

// Whether labels mark a 42 CFR Part 2 record (v3-ActUSPrivacyLaw 42CFRPart2).
bool is_part2(const LabelSet& labels);
bool is_part2_key(std::string_view label_key);

// json with label_key's labels merged in; json itself when label_key is
// empty or the JSON cannot be read (the store only holds what it wrote).
std::string render_labeled(std::string_view json, std::string_view label_key, const RedisclosureNotice& notice);

}  // namespace consent
