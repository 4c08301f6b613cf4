// `aitrail keygen`: a new Ed25519 key for signing checkpoints (a log key,
// named by the log's origin) or, with --witness, for cosigning them (a
// cosignature/v1 witness key). The private key goes to a new file only the
// owner can read; the verifier key, which is public, is printed.

#include "commands.hpp"

#include <aitrail/integrity/cosignature.hpp>
#include <aitrail/integrity/signed_note.hpp>

#include <fcntl.h>   // open, O_*
#include <unistd.h>  // write, fsync, close

#include <cerrno>       // errno
#include <cstdio>       // printf
#include <cstring>      // strerror
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail_cli {

namespace {

/// What `aitrail keygen` is asked.
struct keygen_settings {
    std::string origin;
    std::string out;
    bool witness = false;
};

/// Writes `text` to the new file `path` (mode 0600, never over an existing
/// file) and makes it durable; throws naming the file.
void write_new_private_file(const std::string& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int err = errno;
        if (err == EEXIST)
            throw std::runtime_error("--out " + path + ": the file exists; keygen never overwrites a key (remove it "
                                     "first if it is really no longer needed)");
        throw std::runtime_error("--out " + path + ": cannot create: " + std::strerror(err));
    }
    std::string_view rest = text;
    while (!rest.empty()) {
        const ssize_t n = ::write(fd, rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            throw std::runtime_error("--out " + path + ": cannot write: " + std::strerror(err));
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        throw std::runtime_error("--out " + path + ": cannot fsync: " + std::strerror(err));
    }
    ::close(fd);
}

int run_keygen(const keygen_settings& s) {
    constexpr std::string_view name = "keygen";
    if (s.origin.empty()) return usage(name, "keygen needs --origin ORIGIN");
    if (s.out.empty()) return usage(name, "keygen needs --out FILE");
    std::string private_text, verifier;
    try {
        if (s.witness) {
            const auto key = aitrail::cosigner::generate(s.origin);
            private_text = key.private_key();
            verifier = key.verifier_key();
        } else {
            const auto key = aitrail::note_signer::generate(s.origin);
            private_text = key.private_key();
            verifier = key.verifier_key();
        }
    } catch (const aitrail::note_error& e) {
        return usage(name, "--origin '" + s.origin + "': not a key name (" + e.what() + ")");
    }
    write_new_private_file(s.out, private_text + "\n");
    std::printf("%s\n", verifier.c_str());
    return ok;
}

}  // namespace

runner add_keygen(CLI::App& app) {
    const auto [cmd, s] = add_command<keygen_settings>(
        app, "keygen", "Create a key to sign checkpoints (or, with --witness, to cosign them)",
        footer("  aitrail keygen --origin example.com/trails/payments --out log.key > log.vkey\n"
               "  aitrail keygen --witness --origin witness.example.com/w1 --out witness.key > witness.vkey\n"
               "The private key is written to a new file of mode 0600 (an existing file is never overwritten);\n"
               "the verifier key, to give to verifiers and witnesses, is printed.",
               "exit status: 0 key written, 2 usage or I/O error"));
    cmd->add_option("--origin", s->origin,
                    "the key name: the log's origin (the checkpoint's first line), or the witness's name")
        ->type_name("ORIGIN");
    cmd->add_option("--out", s->out, "where to write the private key (must not exist)")->type_name("FILE");
    cmd->add_flag("--witness", s->witness, "a cosignature/v1 witness key (signature type 0x04) instead of a log key");
    return [s] { return run_keygen(*s); };
}

}  // namespace aitrail_cli
