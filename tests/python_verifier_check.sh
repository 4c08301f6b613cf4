#!/usr/bin/env bash
# Cross-checks `aitrail verify` against tools/verify_trail.py, a verifier
# written from docs/format.md alone: on real trails both must say OK with the
# same entry count, and on tampered copies both must fail and name the same
# first finding (kind and file:line).
#
# usage: python_verifier_check.sh PYTHON VERIFY_TRAIL_PY AITRAIL_CLI EXAMPLE_01 [BENCH]
#   PYTHON           a Python 3 interpreter
#   VERIFY_TRAIL_PY  tools/verify_trail.py
#   AITRAIL_CLI      the built `aitrail` tool
#   EXAMPLE_01       the built examples/01_quick_start (appends ~4 entries per run)
#   BENCH            optional: the built benchmarks/verify_throughput; used for
#                    one large trail when given and executable
#
# Environment: AITRAIL_XCHECK_RUNS (default 30) runs of EXAMPLE_01.
set -u
export LC_ALL=C

if [ $# -lt 4 ]; then
    echo "usage: $0 PYTHON VERIFY_TRAIL_PY AITRAIL_CLI EXAMPLE_01 [BENCH]" >&2
    exit 2
fi
# Programs given with a directory part are made absolute: the checks run
# inside the temporary directory so that the verifiers print short paths.
absolute() { case $1 in */*) realpath "$1" ;; *) printf '%s\n' "$1" ;; esac; }
python=$(absolute "$1") verifier=$(absolute "$2") cli=$(absolute "$3")
example=$(absolute "$4") bench=${5:+$(absolute "$5")}
runs=${AITRAIL_XCHECK_RUNS:-30}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/aitrail-xcheck.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 2

failures=0
checks=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }

# Both verifiers on PATH...; their output goes to ref.out / py.out.
run_both() {
    "$cli" verify "$@" >ref.out 2>ref.err; ref_rc=$?
    "$python" "$verifier" "$@" >py.out 2>py.err; py_rc=$?
}

# "OK <n> entries, ..." -> n
ok_count() { sed -n 's/^OK \([0-9][0-9]*\) entr.*/\1/p' "$1" | head -n 1; }

# First finding as "<file>:<line>|<kind>" (the optional " seq <n>" and the
# detail after the em dash are left out).  Paths here have no spaces.
first_finding() {
    grep -m 1 '^FAIL ' "$1" |
        sed 's/^FAIL \([^ ]*:[0-9][0-9]*\)\( seq [0-9][0-9]*\)\{0,1\}: \([a-z /]*\) — .*$/\1|\3/'
}

expect_ok() {  # NAME PATH...
    local name=$1; shift
    checks=$((checks + 1))
    run_both "$@"
    local ref_n py_n
    ref_n=$(ok_count ref.out); py_n=$(ok_count py.out)
    if [ "$ref_rc" -ne 0 ] || [ -z "$ref_n" ]; then
        fail "$name: aitrail verify did not say OK (exit $ref_rc)"; sed 's/^/  ref: /' ref.out ref.err | head -n 5
    elif [ "$py_rc" -ne 0 ] || [ -z "$py_n" ]; then
        fail "$name: verify_trail.py did not say OK (exit $py_rc)"; sed 's/^/  py:  /' py.out py.err | head -n 5
    elif [ "$ref_n" != "$py_n" ]; then
        fail "$name: entry counts differ: aitrail verify $ref_n, verify_trail.py $py_n"
    else
        echo "ok   $name: both OK, $ref_n entries"
    fi
}

expect_fail() {  # NAME EXPECTED_KIND PATH...
    local name=$1 kind=$2; shift 2
    checks=$((checks + 1))
    run_both "$@"
    local ref_first py_first
    ref_first=$(first_finding ref.out); py_first=$(first_finding py.out)
    if [ "$ref_rc" -ne 1 ] || [ "$py_rc" -ne 1 ]; then
        fail "$name: expected exit 1 from both, got aitrail verify $ref_rc, verify_trail.py $py_rc"
        sed 's/^/  ref: /' ref.out ref.err | head -n 3
        sed 's/^/  py:  /' py.out py.err | head -n 3
    elif [ "$ref_first" != "$py_first" ]; then
        fail "$name: first findings differ"
        echo "  ref: $ref_first"; echo "  py:  $py_first"
    elif [ "${ref_first#*|}" != "$kind" ]; then
        fail "$name: both report '${ref_first#*|}', expected '$kind' ($ref_first)"
    else
        echo "ok   $name: both report $ref_first"
    fi
}

# --- tampering helpers (byte-wise: LC_ALL=C) --------------------------------

only_file() { ls "$1"/trail-*.jsonl | head -n 1; }

# The line number nearest the middle of FILE whose line matches REGEX.
middle_line() {  # FILE REGEX
    awk -v re="$2" '$0 ~ re { n[++k] = NR } END { if (k) print n[int((k + 1) / 2)] }' "$1"
}

copy_trail() { rm -rf "$2"; cp -R "$1" "$2"; }

flip_user() {  # FILE: upper-case the first letter of a "user" value
    local n; n=$(middle_line "$1" '"user":"[a-z]')
    [ -n "$n" ] && sed -i "${n}s/\"user\":\"\([a-z]\)/\"user\":\"\u\1/" "$1" && echo "$n"
}

flip_content() {  # FILE: upper-case a letter inside the content bodies
    # A canonical line with content starts with {"content":{ and the first
    # "}" closes an object inside it, so the match stays in the bodies.
    local n; n=$(middle_line "$1" '^[{]"content":[{][^}]*"[a-z_]+":"[a-z]')
    [ -n "$n" ] && sed -i -E "${n}s/^([{]\"content\":[{][^}]*\"[a-z_]+\":\")([a-z])/\\1\\u\\2/" "$1" && echo "$n"
}

delete_line() { sed -i "${2}d" "$1"; }

swap_lines() {  # FILE N: swap lines N and N+1
    awk -v n="$2" 'NR == n { held = $0; next } { print } NR == n + 1 { print held }' "$1" >"$1.tmp" &&
        mv "$1.tmp" "$1"
}

truncate_last() {  # FILE: cut the last line in half, without its newline
    local size last
    size=$(wc -c <"$1")
    last=$(tail -n 1 "$1" | wc -c)  # includes the newline
    last=$((last - 1))
    truncate -s $((size - 1 - (last - last / 2))) "$1"
}

space_after_brace() { sed -i "${2}s/^{/{ /" "$1"; }

# Split DIR's single trail file into three files named by their first seq.
split_trail() {  # SRC_DIR DST_DIR
    local src dst=$2 total a b day
    src=$(only_file "$1")
    total=$(wc -l <"$src")
    day=$(basename "$src" | sed 's/^trail-[0-9]\{16\}-\([0-9]\{8\}\)\.jsonl$/\1/')
    a=$((total / 3 + 1)); b=$((2 * total / 3 + 1))
    mkdir -p "$dst"
    local from to seq
    for range in "1 $((a - 1))" "$a $((b - 1))" "$b $total"; do
        set -- $range; from=$1; to=$2
        seq=$(sed -n "${from}s/.*,\"seq\":\([0-9][0-9]*\),\"v\":1}$/\1/p" "$src")
        sed -n "${from},${to}p" "$src" >"$dst/trail-$(printf '%016d' "$seq")-$day.jsonl"
    done
}

# --- trails -------------------------------------------------------------

trail=quick_start
for _ in $(seq 1 "$runs"); do
    "$example" "$trail" >/dev/null || { echo "FAILED: $example $trail exited $?"; exit 1; }
done

expect_ok "quick_start trail ($runs runs)" "$trail"
expect_ok "quick_start trail, file named" "$(only_file "$trail")"

file=$(basename "$(only_file "$trail")")
middle=$(( $(wc -l <"$trail/$file") / 2 ))

t=t_user; copy_trail "$trail" "$t"
if n=$(flip_user "$t/$file"); then
    expect_fail "user value changed at line $n" "record modified" "$t"
else
    fail "no line with a \"user\" value to tamper with"
fi

t=t_content; copy_trail "$trail" "$t"
if n=$(flip_content "$t/$file"); then
    expect_fail "content body changed at line $n" "content modified" "$t"
else
    fail "no line with a content body to tamper with"
fi

t=t_delete; copy_trail "$trail" "$t"; delete_line "$t/$file" "$middle"
expect_fail "line $middle deleted" "gap/deleted" "$t"

t=t_swap; copy_trail "$trail" "$t"; swap_lines "$t/$file" "$middle"
expect_fail "lines $middle and $((middle + 1)) swapped" "reordered" "$t"

t=t_torn; copy_trail "$trail" "$t"; truncate_last "$t/$file"
expect_fail "last line cut in half" "torn line" "$t"

t=t_space; copy_trail "$trail" "$t"; space_after_brace "$t/$file" "$middle"
expect_fail "space after the first { of line $middle" "not canonical" "$t"

# The same trail in three files.
multi=multi
split_trail "$trail" "$multi"
expect_ok "quick_start trail split into 3 files" "$multi"
files=( $(cd "$multi" && ls trail-*.jsonl) )

t=m_user; copy_trail "$multi" "$t"
if n=$(flip_user "$t/${files[1]}"); then
    expect_fail "3 files: user value changed in file 2" "record modified" "$t"
fi

t=m_last; copy_trail "$multi" "$t"
delete_line "$t/${files[0]}" "$(wc -l <"$t/${files[0]}")"
expect_fail "3 files: last line of file 1 deleted" "broken across files" "$t"

t=m_removed; copy_trail "$multi" "$t"; rm "$t/${files[1]}"
expect_fail "3 files: file 2 removed" "broken across files" "$t"

t=m_swap; copy_trail "$multi" "$t"
swap_lines "$t/${files[2]}" "$(( $(wc -l <"$t/${files[2]}") / 2 ))"
expect_fail "3 files: two lines of file 3 swapped" "reordered" "$t"

t=m_torn; copy_trail "$multi" "$t"; truncate_last "$t/${files[2]}"
expect_fail "3 files: last line of file 3 cut in half" "torn line" "$t"

# A large trail from the benchmark, when it is built.
if [ -n "$bench" ] && [ -x "$bench" ]; then
    big=bench
    if "$bench" --mb 3 --runs 1 --keep --dir "$big" >bench.out 2>&1 &&
            ls "$big"/trail-*.jsonl >/dev/null 2>&1; then
        expect_ok "verify_throughput trail" "$big"
        bfile=$(basename "$(only_file "$big")")
        t=b_user; copy_trail "$big" "$t"
        if n=$(flip_user "$t/$bfile"); then
            expect_fail "verify_throughput trail: user value changed at line $n" "record modified" "$t"
        fi
        t=b_space; copy_trail "$big" "$t"
        bmiddle=$(( $(wc -l <"$t/$bfile") / 2 ))
        space_after_brace "$t/$bfile" "$bmiddle"
        expect_fail "verify_throughput trail: space after { of line $bmiddle" "not canonical" "$t"
        rm -rf "$big" b_*
    else
        fail "$bench did not write a trail"; sed 's/^/  /' bench.out | tail -n 5
    fi
else
    echo "skip verify_throughput trail: benchmark not built"
fi

echo "$((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
