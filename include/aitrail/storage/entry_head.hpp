#pragma once
/// @file entry_head.hpp
/// Reads seq and hash back from a stored line, which is how a storage learns
/// where its chain ends after a restart.

#include <aitrail/config.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/integrity/sealed_entry.hpp>

#include <nlohmann/json.hpp>

#include <optional>     // optional
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// The chain head after `line`, or nullopt when the line is not a trail entry
/// (not JSON, or without an integer `seq` and a 64-hex `hash`).
inline std::optional<chain_head> head_after_line(std::string_view line) {
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return std::nullopt;
    const auto seq = j.find("seq");
    const auto hash = j.find("hash");
    if (seq == j.end() || !seq->is_number_unsigned() || hash == j.end() || !hash->is_string()) return std::nullopt;
    const auto& h = hash->get_ref<const std::string&>();
    if (!detail::is_lower_hex(h, 64)) return std::nullopt;
    return chain_head{seq->get<std::uint64_t>() + 1, h};
}

}  // namespace v1
}  // namespace aitrail
