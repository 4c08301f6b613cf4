#pragma once
// How query and tail print records: a table, JSON (an array of records),
// JSON lines (the trail entries verbatim, for jq) or CSV, one by one, so
// memory stays constant however large the trail.

#include "../common/cli_common.hpp"
#include "../common/trail_source.hpp"

#include <aitrail/read/query.hpp>
#include <aitrail/read/result_table.hpp>
#include <aitrail/read/verify_report.hpp>
#include <aitrail/record/record_view.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>  // isatty

#include <cstdint>     // uint64_t
#include <cstdio>      // fprintf
#include <functional>  // function
#include <iostream>    // cout
#include <sstream>     // ostringstream
#include <string>      // string
#include <vector>      // vector

namespace aitrail_cli {

/// The columns query and tail print for table and CSV.
inline const std::vector<std::string>& record_columns() {
    static const std::vector<std::string> columns = {"ts",     "id",     "kind",       "user",         "model",
                                                      "status", "latency_ms", "input_tokens", "output_tokens", "cost_usd"};
    return columns;
}

/// One record as a row of record_columns().
inline std::vector<aitrail::cell> record_row(const aitrail::record_view& r) {
    std::string model = aitrail::text(r.model_name);
    if (!r.model_version.empty()) model += "@" + aitrail::text(r.model_version);
    return {std::string(r.ts),
            aitrail::text(r.id),
            std::string(r.kind),
            aitrail::text(r.user),
            model,
            std::string(r.status),
            r.latency_us ? aitrail::decimal(*r.latency_us, 3) : aitrail::cell{},
            r.input_tokens,
            r.output_tokens,
            aitrail::usd(r.cost_nanos_usd)};
}

/// Prints matching records one by one in the chosen format.
class record_printer {
public:
    /// Prints at most `limit` records; `with_content` adds bodies to JSON.
    record_printer(aitrail::table_format format, bool with_content, std::uint64_t limit)
        : format_(format), with_content_(with_content), limit_(limit) {
        table_.columns = record_columns();
    }

    /// Prints (or, for a table, keeps) `r`; false once the limit is reached.
    bool add(const aitrail::record_view& r) {
        if (printed_ >= limit_) {
            ++omitted_;
            return format_ == aitrail::table_format::table;  // keep counting for the note
        }
        ++printed_;
        switch (format_) {
            case aitrail::table_format::jsonl:
                std::cout.write(r.line.data(), static_cast<std::streamsize>(r.line.size())) << '\n';
                break;
            case aitrail::table_format::json: {
                auto entry = nlohmann::json::parse(r.line);
                nlohmann::json out = {{"seq", entry["seq"]}, {"hash", entry["hash"]}, {"rec", entry["rec"]}};
                if (with_content_ && entry.contains("content")) out["content"] = entry["content"];
                std::cout << (printed_ == 1 ? "[\n" : ",\n")
                          << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                break;
            }
            case aitrail::table_format::csv: {
                aitrail::result_table one;
                one.columns = table_.columns;
                one.rows.push_back(record_row(r));
                std::ostringstream s;
                aitrail::print_table(s, one, aitrail::table_format::csv);
                const auto text = s.str();
                std::cout << (printed_ == 1 ? text : text.substr(text.find("\r\n") + 2));  // header once
                break;
            }
            case aitrail::table_format::table: table_.rows.push_back(record_row(r)); break;
        }
        return true;
    }

    /// Ends the output (closing bracket, the buffered table).
    void finish() {
        if (format_ == aitrail::table_format::json) std::cout << (printed_ == 0 ? "[]\n" : "\n]\n");
        if (format_ == aitrail::table_format::table) {
            if (omitted_ > 0)
                table_.notes.push_back("(" + std::to_string(omitted_) +
                                       " more records not shown; use --limit or --format jsonl)");
            aitrail::print_table(std::cout, table_, aitrail::table_format::table);
        }
        std::cout.flush();
    }

    /// Prints the table rows gathered so far and forgets them (tail -f).
    void flush_rows() {
        if (format_ == aitrail::table_format::table) {
            aitrail::print_table(std::cout, table_, aitrail::table_format::table);
            table_.rows.clear();
        }
        std::cout.flush();
    }

private:
    aitrail::table_format format_;
    bool with_content_;
    std::uint64_t limit_;
    std::uint64_t printed_ = 0, omitted_ = 0;
    aitrail::result_table table_;
};

/// "scanned 512 MB of 1.6 GB (31%)" on stderr, when stderr is a terminal.
inline std::function<void(const aitrail::query_stats&)> progress_line(const trail_source& source) {
    if (::isatty(2) == 0) return {};
    const auto total = source.size_bytes();
    return [total](const aitrail::query_stats& s) {
        if (total && *total > 0)
            std::fprintf(stderr, "\rscanned %s of %s (%d%%), %llu matched ", aitrail::human_bytes(s.bytes).c_str(),
                         aitrail::human_bytes(*total).c_str(), static_cast<int>(s.bytes * 100 / *total),
                         static_cast<unsigned long long>(s.matched));
        else
            std::fprintf(stderr, "\rscanned %llu records, %llu matched ", static_cast<unsigned long long>(s.lines),
                         static_cast<unsigned long long>(s.matched));
    };
}

/// table on a terminal, jsonl otherwise (for pipes into jq).
inline aitrail::table_format default_record_format() {
    return ::isatty(1) != 0 ? aitrail::table_format::table : aitrail::table_format::jsonl;
}

}  // namespace aitrail_cli
