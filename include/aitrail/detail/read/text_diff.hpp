#pragma once
/// @file text_diff.hpp
/// A line diff for showing how a replayed answer differs from the original.
/// Answers are short (a few hundred lines), so the plain LCS table is fine;
/// past `max_lines` on either side the tail is compared as one block.

#include <aitrail/config.hpp>

#include <algorithm>    // max
#include <cstddef>      // size_t
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Splits `text` into lines (without their '\n').
inline std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        lines.push_back(text.substr(0, nl));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

/// `before` and `after` as a unified-style list: "  same", "- gone", "+ new".
/// Returns the empty string when they are equal.
inline std::string line_diff(std::string_view before, std::string_view after, std::size_t max_lines = 2000) {
    if (before == after) return {};
    auto a = split_lines(before), b = split_lines(after);
    std::string out;
    auto emit = [&](char mark, std::string_view line) {
        out += mark;
        out += ' ';
        out += line;
        out += '\n';
    };
    if (a.size() > max_lines || b.size() > max_lines) {
        for (auto l : a) emit('-', l);
        for (auto l : b) emit('+', l);
        return out;
    }
    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::size_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return lcs[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    std::size_t i = 0, j = 0;
    while (i < n && j < m) {
        if (a[i] == b[j]) {
            emit(' ', a[i]);
            ++i;
            ++j;
        } else if (at(i + 1, j) >= at(i, j + 1)) {
            emit('-', a[i++]);
        } else {
            emit('+', b[j++]);
        }
    }
    while (i < n) emit('-', a[i++]);
    while (j < m) emit('+', b[j++]);
    return out;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
