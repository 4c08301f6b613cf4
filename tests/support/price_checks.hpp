#pragma once
/// @file price_checks.hpp
/// Checks that a price table loaded at run time holds what a compile-time
/// table holds, entry by entry.

#include <aitrail/policy/pricing/price_table.hpp>

#include <doctest/doctest.h>

#include <string>  // string

namespace aitrail_test {

/// Checks that each entry of `loaded` is an entry of the compile-time table
/// `Static` under its own key (not a stripped match), at the same rates.
template <class Static>
void check_prices_in(const aitrail::pricers::price_table& loaded) {
    for (const auto& row : loaded.prices()) {  // no structured binding: CAPTURE needs a variable
        const std::string& key = row.first;
        CAPTURE(key);
        const auto m = Static::find(key);
        REQUIRE(m);
        CHECK(m->key == key);
        CHECK(m->rates == row.second);
    }
}

}  // namespace aitrail_test
