#pragma once
/// @file detectors.hpp
/// Every shipped detector, and lists of them to name in one go:
/// @code
/// using redactor = aitrail::redactors::pii<aitrail::redactors::personal, aitrail::redactors::secrets>;
/// @endcode
///
/// | Detector         | Label          | Header        |
/// |------------------|----------------|---------------|
/// | `email`          | `EMAIL`        | contact.hpp   |
/// | `phone`          | `PHONE`        | contact.hpp   |
/// | `ssn`            | `SSN`          | financial.hpp |
/// | `credit_card`    | `CC`           | financial.hpp |
/// | `iban`           | `IBAN`         | financial.hpp |
/// | `ipv4`, `ipv6`   | `IP`           | network.hpp   |
/// | `api_key`        | `API_KEY`      | secrets.hpp   |
/// | `aws_access_key` | `AWS_KEY`      | secrets.hpp   |
/// | `github_token`   | `GITHUB_TOKEN` | secrets.hpp   |
/// | `jwt`            | `JWT`          | secrets.hpp   |
/// | `bearer_token`   | `BEARER`       | secrets.hpp   |
/// | `private_key`    | `PRIVATE_KEY`  | secrets.hpp   |
///
/// Each header states its detectors' exact rules, including what they
/// deliberately leave alone.

#include <aitrail/config.hpp>
#include <aitrail/policy/redact/contact.hpp>
#include <aitrail/policy/redact/financial.hpp>
#include <aitrail/policy/redact/match.hpp>
#include <aitrail/policy/redact/network.hpp>
#include <aitrail/policy/redact/secrets.hpp>

namespace aitrail {
inline namespace v1 {
namespace redactors {

/// The detectors of personal data: contact details, identity and account
/// numbers, IP addresses.
using personal = detector_list<email, phone, ssn, credit_card, iban, ipv4, ipv6>;

/// Every shipped detector.
using all = detector_list<personal, secrets>;

}  // namespace redactors
}  // namespace v1
}  // namespace aitrail
