// aitrail-note-tool: aitrail's side of the Go interoperability tests. The
// commands mirror tests/interop/go/main.go, so that each value one side
// makes is checked by the other (documents come on standard input, hashes
// are standard base64, exit status 1 means a check failed):
//
//   sign-checkpoint ORIGIN LEAF...        a new verifier key, then the signed checkpoint of the leaves
//   open-checkpoint VKEY                  open the checkpoint on stdin; print "ORIGIN SIZE ROOT"
//   prove-inclusion INDEX LEAF...         the root, then the inclusion proof
//   prove-consistency SIZE1 LEAF...       root1, root2, then the consistency proof
//   check-inclusion SIZE INDEX ROOT LEAF  check the inclusion proof on stdin
//   check-consistency SIZE1 SIZE2 ROOT1 ROOT2  check the consistency proof on stdin
//   cosign NAME TIME                      a new witness verifier key, then its cosignature of the body on stdin
//   check-cosignature VKEY LINE           check a cosignature of the body on stdin; print its time
//   publish [--ca-file PEM] URL WITNESS_VKEY SKEY SIZE...
//                                         publish checkpoints of leaf-0.. at each SIZE to a tlog-witness
//                                         with tlog_witness_client; print "SIZE STATUS COSIGNATURES" per
//                                         SIZE ("stale:SIZE" forgets the witness's size first,
//                                         "forged:SIZE" signs with another key of the same name)
//   write-trail DIR CALLS                 append CALLS model calls to the JSONL trail in DIR (with its tiles)
//   new-key ORIGIN FILE                   write a new private key to FILE; print its verifier key
//
// Proofs are made by the plain recursive RFC 6962 definitions of
// tests/support/rfc6962_reference.hpp.
#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/cosignature.hpp>
#include <aitrail/integrity/merkle_verify.hpp>
#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/pipeline/tlog_witness_client.hpp>

#include "support/checkpoint_keys.hpp"

#include "support/rfc6962_reference.hpp"

#include <cstdint>      // uint64_t
#include <cstdio>       // fprintf
#include <exception>    // exception
#include <iostream>     // cin, cout
#include <iterator>     // istreambuf_iterator
#include <sstream>      // istringstream
#include <stdexcept>    // runtime_error
#include <string>       // string, stoull
#include <vector>       // vector

namespace {

namespace ref = aitrail_test::rfc6962;
using aitrail::digest;

std::string read_stdin() { return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()}; }

std::string b64(const digest& d) { return aitrail::detail::base64_encode(aitrail::detail::bytes_view(d)); }

digest hash_of(const std::string& text) {
    const auto raw = aitrail::detail::base64_decode(text);
    if (!raw || raw->size() != 32) throw std::runtime_error("not a base64 hash: \"" + text + "\"");
    digest d{};
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<unsigned char>((*raw)[i]);
    return d;
}

std::uint64_t number(const std::string& s) {
    const auto v = aitrail::detail::parse_canonical_decimal(s);
    if (!v) throw std::runtime_error("not a number: \"" + s + "\"");
    return *v;
}

std::vector<digest> proof_from_stdin() {
    std::vector<digest> out;
    std::istringstream in(read_stdin());
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(hash_of(line));
    return out;
}

std::vector<digest> leaf_hashes(const std::vector<std::string>& args, std::size_t from) {
    std::vector<digest> out;
    for (std::size_t i = from; i < args.size(); ++i) out.push_back(ref::leaf_hash(args[i]));
    return out;
}

int run(const std::vector<std::string>& a) {
    const std::string& cmd = a.at(0);
    if (cmd == "sign-checkpoint") {
        const auto log = aitrail::note_signer::generate(a.at(1));
        const auto leaves = leaf_hashes(a, 2);
        const aitrail::checkpoint cp{a.at(1), leaves.size(), ref::root(leaves, 0, leaves.size()), {}};
        std::cout << log.verifier_key() << "\n" << aitrail::sign_checkpoint(cp, log);
    } else if (cmd == "open-checkpoint") {
        const auto opened = aitrail::open_checkpoint(read_stdin(), aitrail::note_verifier{a.at(1)});
        std::cout << opened.cp.origin << " " << opened.cp.size << " " << b64(opened.cp.root) << "\n";
    } else if (cmd == "prove-inclusion") {
        const auto leaves = leaf_hashes(a, 2);
        std::cout << b64(ref::root(leaves, 0, leaves.size())) << "\n";
        for (const digest& h : ref::inclusion(leaves, number(a.at(1)), 0, leaves.size())) std::cout << b64(h) << "\n";
    } else if (cmd == "prove-consistency") {
        const auto leaves = leaf_hashes(a, 2);
        const std::size_t m = number(a.at(1));
        std::cout << b64(ref::root(leaves, 0, m)) << "\n" << b64(ref::root(leaves, 0, leaves.size())) << "\n";
        if (m != leaves.size())
            for (const digest& h : ref::consistency(leaves, m, leaves.size())) std::cout << b64(h) << "\n";
    } else if (cmd == "check-inclusion") {
        const auto check = aitrail::verify_inclusion(ref::leaf_hash(a.at(4)), number(a.at(2)), number(a.at(1)),
                                                     proof_from_stdin(), hash_of(a.at(3)));
        if (!check) throw std::runtime_error(check.error);
        std::cout << "ok\n";
    } else if (cmd == "check-consistency") {
        const auto check = aitrail::verify_consistency(number(a.at(1)), number(a.at(2)), proof_from_stdin(),
                                                       hash_of(a.at(3)), hash_of(a.at(4)));
        if (!check) throw std::runtime_error(check.error);
        std::cout << "ok\n";
    } else if (cmd == "cosign") {
        const auto w = aitrail::cosigner::generate(a.at(1));
        std::cout << w.verifier_key() << "\n" << w.cosign(read_stdin(), number(a.at(2)));
    } else if (cmd == "check-cosignature") {
        std::cout << aitrail::verify_cosignature(read_stdin(), a.at(2), aitrail::note_verifier{a.at(1)}) << "\n";
    } else if (cmd == "publish") {
        const std::size_t at = a.at(1) == "--ca-file" ? 3 : 1;
        aitrail::tlog_witness_client client({.url = a.at(at),
                                             .witness_keys = {aitrail::note_verifier{a.at(at + 1)}},
                                             .ca_file = at == 3 ? a.at(2) : std::string()});
        const aitrail::note_signer log{a.at(at + 2)};
        for (std::size_t i = at + 3; i < a.size(); ++i) {
            std::string arg = a[i];
            const bool stale = arg.starts_with("stale:"), forged = arg.starts_with("forged:");
            if (stale || forged) arg = arg.substr(arg.find(':') + 1);
            std::vector<std::string> names;
            for (std::uint64_t j = 0; j < number(arg); ++j) names.push_back("leaf-" + std::to_string(j));
            const auto leaves = leaf_hashes(names, 0);
            const aitrail::checkpoint cp{log.name(), leaves.size(), ref::root(leaves, 0, leaves.size()), {}};
            const auto other = aitrail::note_signer::generate(log.name());
            const aitrail::witness_request r{aitrail::sign_checkpoint(cp, forged ? other : log), cp,
                                             [leaves](std::uint64_t old) {
                                                 return ref::consistency(leaves, old, leaves.size());
                                             }};
            if (stale) client.set_known_size(log.name(), 0);
            try {
                const std::size_t cosignatures = client.publish(r).cosignatures.size();
                std::cout << arg << " 200 " << cosignatures << "\n";
            } catch (const aitrail::witness_error& e) {
                std::cout << arg << " " << e.status() << " 0\n";
                std::cerr << e.what() << "\n";
            }
        }
    } else if (cmd == "write-trail") {
        aitrail_test::append_calls(a.at(1), static_cast<int>(number(a.at(2))));
    } else if (cmd == "new-key") {
        const auto key = aitrail_test::make_log_key(a.at(2), a.at(1), "log");
        std::cout << key.vkey << "\n";
    } else {
        throw std::runtime_error("unknown command \"" + cmd + "\"");
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc < 2) throw std::runtime_error("usage: aitrail-note-tool COMMAND ARGS...");
        return run(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aitrail-note-tool: %s\n", e.what());
        return 1;
    }
}
