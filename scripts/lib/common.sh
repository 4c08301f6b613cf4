# Shell shared by scripts/test and scripts/demo; source it, do not run it.
# shellcheck shell=bash
#
# It sets AITRAIL_ROOT (the repository root, found from this file's own path so
# the scripts work from any directory) and AITRAIL_JOBS, and defines:
#   aitrail_log / aitrail_warn / aitrail_die   messages on stderr
#   aitrail_ensure_packages                    install what the build needs, once
#   aitrail_configure_default                  configure build/ the one way both scripts use

AITRAIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
AITRAIL_JOBS="${AITRAIL_JOBS:-$(nproc 2>/dev/null || echo 2)}"

# Debian/Ubuntu packages the build, the tests, the tools and the benchmarks
# need (libspdlog-dev: the peer in benchmarks/pipeline; libsqlite3-dev: the
# aitrail::sqlite target and its tests; libpq-dev: the aitrail::postgres
# target; postgresql: the server its tests start, initdb and pg_ctl under
# /usr/lib/postgresql/<version>/bin; libcli11-dev: the command-line tool's
# argument parser, never needed by the header-only library; ccache: every
# build configuration compiles through it, see aitrail_cmake_cache_args).
AITRAIL_PACKAGES=(
    cmake ninja-build g++ python3 ccache
    nlohmann-json3-dev libssl-dev libboost-dev doctest-dev libspdlog-dev
    libsqlite3-dev libpq-dev postgresql libcli11-dev golang-go golang-golang-x-mod-dev
)

# Programs the proxy tests run (curl, and the official openai npm client on
# Node.js), as "command=package": installed only when the command is absent,
# because Node.js often comes from elsewhere than Debian (whose npm package
# would then conflict with it).
AITRAIL_COMMANDS=(curl=curl node=nodejs npm=npm)

aitrail_log()  { printf '==> %s\n' "$*" >&2; }
aitrail_warn() { printf 'warning: %s\n' "$*" >&2; }
aitrail_die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# True when dpkg knows the package as fully installed ("dpkg -s" alone also
# succeeds for a removed package whose configuration files remain).
aitrail_pkg_installed() {
    # Captured first: "dpkg -s | grep -q" could end in SIGPIPE under pipefail.
    local status
    status="$(dpkg -s "$1" 2>/dev/null)" || return 1
    grep -q '^Status: install ok installed$' <<<"$status"
}

# Installs whichever of AITRAIL_PACKAGES (plus any given as arguments) are
# missing. Does nothing, and needs no network or root, when all are present,
# so it is safe to run on every invocation.
# shellcheck disable=SC2120  # the extra packages are optional
aitrail_ensure_packages() {
    if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        aitrail_warn "not a Debian/Ubuntu system: make sure these are installed: ${AITRAIL_PACKAGES[*]} $*"
        return 0
    fi
    local missing=() pkg
    for pkg in "${AITRAIL_PACKAGES[@]}" "$@"; do
        aitrail_pkg_installed "$pkg" || missing+=("$pkg")
    done
    local entry
    for entry in "${AITRAIL_COMMANDS[@]}"; do
        command -v "${entry%%=*}" >/dev/null 2>&1 || missing+=("${entry#*=}")
    done
    if ((${#missing[@]})); then
        local sudo=()
        if [[ "$(id -u)" -ne 0 ]]; then
            command -v sudo >/dev/null 2>&1 ||
                aitrail_die "missing packages (${missing[*]}) and not root; install them or install sudo"
            sudo=(sudo)
        fi
        aitrail_log "installing missing packages: ${missing[*]}"
        # sudo drops most of the environment, so the variable goes through env.
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
    aitrail_check_toolchain
}

# The distribution's packages may still be too old (Ubuntu 22.04 ships
# CMake 3.22 and g++ 11): say so plainly instead of failing deep in a build.
aitrail_check_toolchain() {
    local cmake_version gxx_major
    command -v cmake >/dev/null 2>&1 || aitrail_die "cmake not found"
    command -v ninja >/dev/null 2>&1 || aitrail_die "ninja not found"
    cmake_version="$(cmake --version | sed -n '1s/^cmake version \([0-9.]*\).*/\1/p')"
    if [[ "$(printf '%s\n' 3.25 "$cmake_version" | sort -V | head -n1)" != 3.25 ]]; then
        aitrail_die "CMake >= 3.25 is required, found ${cmake_version:-none}"
    fi
    if [[ -z "${CXX:-}" ]]; then
        command -v g++ >/dev/null 2>&1 || aitrail_die "g++ not found (or set CXX)"
        gxx_major="$(g++ -dumpversion | cut -d. -f1)"
        if ((gxx_major < 12)); then
            aitrail_die "g++ >= 12 is required, found $gxx_major; install g++-12 and set CXX=g++-12"
        fi
    fi
}

# aitrail_configure_default: configure build/, the tree scripts/test checks
# and scripts/demo runs from. Both pass the same options so that neither
# reconfigures the other's tree into a different shape.
# shellcheck disable=SC2120  # the extra cmake options are optional
# The sanitizer trees carry line tables only (-g1): enough for stack traces and
# profiles, and a third less compile time on the Beast/Asio-heavy files
# (measured on tests/integration/http_transport.cpp: 51 s with -g, 35 s with -g1).
AITRAIL_DEBUG_INFO="-g1"

# Compiles go through ccache when it is installed. The base directory is the
# checkout, so that ccache hashes paths relative to it and a clone in another
# folder (CI's fresh clone) hits what an earlier clone compiled; NOHASHDIR
# leaves the build directory out of the hash (it only names the compile
# directory in the line tables, which a cache hit takes from the first clone).
export CCACHE_BASEDIR="$AITRAIL_ROOT"
export CCACHE_NOHASHDIR=1
# Precompiled headers are cached too; ccache needs to be told that their
# __DATE__/__TIME__ and -D lists are safe to reuse.
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
aitrail_launcher_args() {
    if command -v ccache >/dev/null 2>&1; then
        printf '%s\n' -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
    fi
}

aitrail_configure_default() {
    local launcher
    mapfile -t launcher < <(aitrail_launcher_args)
    cmake -S "$AITRAIL_ROOT" -B "$AITRAIL_ROOT/build" -G Ninja \
        -DCMAKE_BUILD_TYPE=Release \
        -DAITRAIL_WERROR=ON \
        "${launcher[@]}" \
        "$@"
}
