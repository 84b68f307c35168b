// AppContext: what every stage and handler may use, built once at start-up
// and read-only afterwards (safe to share across io threads).
#pragma once

#include <memory>
#include <string>

#include "consent/enforcement/type_visibility.hpp"
#include "fhir/core/clock.hpp"
#include "fhir/resource/patient_compartment.hpp"
#include "gateway/config/settings.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace fhir::store {
class Store;
}
namespace fhir::search {
class SearchParams;
}
namespace gateway::auth {
class ClientRegistry;
struct GatewayIdentity;
class PurposeOfUseCodes;
class TokenCache;
}
namespace consent {
class AuditLog;
class ConsentIndex;
class DecisionEngine;
class LabelRules;
struct RedisclosureNotice;
}
namespace fhir::terminology {
class CodeSystem;
}
namespace profiles {
class SummaryElements;
class TypeModel;
}

namespace gateway {

class ReadCache;
class ResultCache;
class StoragePool;

struct AppContext {
  Settings settings;
  std::string base_url;   // "http://127.0.0.1:8080" or the configured public URL
  std::string base_path;  // path part of base_url, "" or "/fhir"
  const fhir::Clock* clock = nullptr;
  std::shared_ptr<const profiles::TypeModel> types;
  std::shared_ptr<const fhir::PatientCompartment> compartment;
  std::shared_ptr<const fhir::search::SearchParams> search;
  fhir::store::Store* store = nullptr;
  StoragePool* storage = nullptr;
  ReadCache* cache = nullptr;
  ResultCache* results = nullptr;  // search ids behind paging links
  std::shared_ptr<const profiles::SummaryElements> summaries;  // _summary and _elements
  std::shared_ptr<const auth::GatewayIdentity> identity;  // signs access tokens
  std::shared_ptr<const auth::PurposeOfUseCodes> purposes;  // HL7 v3 PurposeOfUse
  auth::ClientRegistry* clients = nullptr;  // registered clients, followed from the store
  auth::TokenCache* tokens = nullptr;       // access tokens already verified
  std::shared_ptr<const consent::LabelRules> label_rules;  // the labeling stage's rule tables
  std::shared_ptr<const consent::RedisclosureNotice> part2_notice;  // 42 CFR 2.32 statement
  // Consent decisions: HL7's ActReason (purposes) and ActCode (labels)
  // code systems, the engine over the policy file, and every Consent.
  std::shared_ptr<const fhir::terminology::CodeSystem> act_reason;
  std::shared_ptr<const fhir::terminology::CodeSystem> act_code;
  std::shared_ptr<const consent::DecisionEngine> consent_engine;
  consent::ConsentIndex* consents = nullptr;
  consent::AuditLog* audit = nullptr;  // the tamper-evident trail of every disclosure and denial
  consent::TypeVisibility type_visibility;
  WriteContext write;  // what the write pipeline needs, pointing into this context
  std::string capability_statement;  // generated from the route table at start-up
};

}  // namespace gateway
