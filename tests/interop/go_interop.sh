#!/usr/bin/env bash
# Interoperability with Go's golang.org/x/mod/sumdb/note and sumdb/tlog:
# each case makes values on one side and checks them on the other.
#
#   go_interop.sh CASE GO NOTE_TOOL WORK_DIR SOURCE_DIR [AITRAIL]
#
# CASE is notes, proofs, cosignatures, witness_server (Go checks the
# cosignatures of `aitrail witness serve`, the AITRAIL tool), witness_client
# (tlog_witness_client publishes to a witness written in Go) or trail (a real
# trail: Go checks a checkpoint, entry proofs and a consistency proof made by
# the aitrail tool, whose path is then the sixth argument). Exits 77 (skipped) when Go or
# golang.org/x/mod is not installed (Debian: golang-go,
# golang-golang-x-mod-dev), 1 on the first disagreement.
set -euo pipefail

case_name=$1 go=$2 tool=$3 work=$4 src=$5 aitrail=${6:-}
gopath=/usr/share/gocode
if [[ ! -x $go ]] && ! command -v "$go" >/dev/null 2>&1; then
    echo "go not found: Go interoperability skipped (install golang-go)"; exit 77
fi
if [[ ! -d $gopath/src/golang.org/x/mod/sumdb/note ]]; then
    echo "golang.org/x/mod not under $gopath: Go interoperability skipped (install golang-golang-x-mod-dev)"; exit 77
fi

mkdir -p "$work"
gobin=$work/gointerop-$case_name
# GOPATH mode against Debian's packaged x/mod: offline, no module download.
(cd "$src/tests/interop/go" && GO111MODULE=off GOPATH=$gopath GOFLAGS= GOCACHE=$work/go-cache \
    "$go" build -o "$gobin" main.go)

fail() { echo "FAIL: $*" >&2; exit 1; }
checks=0

# Leaves "leaf-0" .. "leaf-(n-1)".
leaves() { local i; for ((i = 0; i < $1; i++)); do printf 'leaf-%d\n' "$i"; done; }

case $case_name in
notes)
    for n in 1 2 7 16; do
        mapfile -t ls < <(leaves "$n")
        # Go signs, we open.
        out=$("$gobin" sign-checkpoint example.com/go-log "${ls[@]}")
        vkey=${out%%$'\n'*} note=${out#*$'\n'}$'\n'
        got=$(printf '%s' "$note" | "$tool" open-checkpoint "$vkey") || fail "we could not open Go's checkpoint: $note"
        want=$(printf '%s' "$note" | "$gobin" open-checkpoint "$vkey")
        [[ $got == "$want" ]] || fail "Go's checkpoint reads as '$got' here, '$want' in Go"
        # We sign, Go opens.
        out=$("$tool" sign-checkpoint example.com/our-log "${ls[@]}")
        vkey=${out%%$'\n'*} note=${out#*$'\n'}$'\n'
        got=$(printf '%s' "$note" | "$gobin" open-checkpoint "$vkey") || fail "Go could not open our checkpoint: $note"
        want=$(printf '%s' "$note" | "$tool" open-checkpoint "$vkey")
        [[ $got == "$want" ]] || fail "our checkpoint reads as '$got' in Go, '$want' here"
        # A tampered note is refused on both sides.
        bad=${note/example.com\/our-log$'\n'/example.com\/our-log$'\n'x}
        ! printf '%s' "$bad" | "$gobin" open-checkpoint "$vkey" 2>/dev/null || fail "Go opened a tampered note"
        ! printf '%s' "$bad" | "$tool" open-checkpoint "$vkey" 2>/dev/null || fail "we opened a tampered note"
        checks=$((checks + 6))
    done
    ;;
proofs)
    for n in $(seq 1 17); do
        mapfile -t ls < <(leaves "$n")
        for ((i = 0; i < n; i++)); do
            for pair in "$gobin:$tool" "$tool:$gobin"; do
                maker=${pair%%:*} checker=${pair#*:}
                mapfile -t p < <("$maker" prove-inclusion "$i" "${ls[@]}")
                root=${p[0]}
                printf '%s\n' "${p[@]:1}" | "$checker" check-inclusion "$n" "$i" "$root" "leaf-$i" >/dev/null ||
                    fail "inclusion n=$n i=$i made by $maker refused by $checker"
                ! printf '%s\n' "${p[@]:1}" | "$checker" check-inclusion "$n" "$i" "$root" "other" 2>/dev/null ||
                    fail "inclusion n=$n i=$i accepted for the wrong leaf by $checker"
                checks=$((checks + 2))
            done
        done
        for ((m = 1; m < n; m++)); do
            for pair in "$gobin:$tool" "$tool:$gobin"; do
                maker=${pair%%:*} checker=${pair#*:}
                mapfile -t p < <("$maker" prove-consistency "$m" "${ls[@]}")
                printf '%s\n' "${p[@]:2}" | "$checker" check-consistency "$m" "$n" "${p[0]}" "${p[1]}" >/dev/null ||
                    fail "consistency $m->$n made by $maker refused by $checker"
                ! printf '%s\n' "${p[@]:2}" | "$checker" check-consistency "$m" "$n" "${p[1]}" "${p[1]}" 2>/dev/null ||
                    fail "consistency $m->$n accepted with a wrong root1 by $checker"
                checks=$((checks + 2))
            done
        done
    done
    ;;
cosignatures)
    body=$'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'
    for b in "$body" "${body}an extension line"$'\n'; do
        for pair in "$gobin:$tool" "$tool:$gobin"; do
            maker=${pair%%:*} checker=${pair#*:}
            mapfile -t out < <(printf '%s' "$b" | "$maker" cosign witness.example.com/w1 1679315147)
            t=$(printf '%s' "$b" | "$checker" check-cosignature "${out[0]}" "${out[1]}") ||
                fail "cosignature made by $maker refused by $checker"
            [[ $t == 1679315147 ]] || fail "$checker read time $t"
            ! printf '%s' "${b/20852163/20852164}" | "$checker" check-cosignature "${out[0]}" "${out[1]}" 2>/dev/null ||
                fail "$checker accepted a cosignature of another checkpoint"
            checks=$((checks + 2))
        done
    done
    ;;
witness_server)
    d=$work/witness-server
    rm -rf "$d" && mkdir -p "$d"
    log_vkey=$("$aitrail" keygen --origin example.com/interop-log --out "$d/log.key")
    w_vkey=$("$aitrail" keygen --witness --origin witness.example.com/w1 --out "$d/w.key")
    "$aitrail" witness serve --listen 127.0.0.1:0 --key "$d/w.key" --log "$log_vkey" --state "$d/state" \
        >"$d/out" 2>"$d/err" &
    pid=$!
    trap 'kill "$pid" 2>/dev/null || true' EXIT
    for _ in $(seq 100); do grep -q listening "$d/out" && break; sleep 0.1; done
    port=$(sed -n 's/.*listening 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$d/out")
    [[ -n $port ]] || fail "aitrail witness serve did not start: $(cat "$d/err")"
    skey=$(cat "$d/log.key")
    # POSTs the request file $1; prints "STATUS CONTENT-TYPE", the body lands in $d/resp.
    post() { curl -sS --max-time 30 -o "$d/resp" -w '%{http_code} %{content_type}' --data-binary @"$1" \
        "http://127.0.0.1:$port/add-checkpoint"; }
    old=0
    for n in 3 8 8 21; do
        mapfile -t ls < <(leaves "$n")
        "$gobin" witness-request "$skey" "$old" "${ls[@]}" >"$d/req"
        got=$(post "$d/req")
        [[ ${got%% *} == 200 ]] || fail "the witness answered '$got' to size $n from $old: $(cat "$d/resp")"
        # The checkpoint body: the lines between the request's first and second empty lines.
        body=$(awk '/^$/ { s++; next } s == 1 { print }' "$d/req")
        mapfile -t sigs <"$d/resp"
        [[ ${#sigs[@]} == 1 ]] || fail "expected one cosignature, got: $(cat "$d/resp")"
        printf '%s\n' "$body" | "$gobin" check-cosignature "$w_vkey" "${sigs[0]}" >/dev/null ||
            fail "Go refused the witness's cosignature of size $n: ${sigs[0]}"
        old=$n checks=$((checks + 2))
    done
    mapfile -t ls < <(leaves 30)
    "$gobin" witness-request "$skey" 8 "${ls[@]}" >"$d/req"
    got=$(post "$d/req")
    [[ $got == "409 text/x.tlog.size" && $(cat "$d/resp") == 21 ]] || fail "stale old size: '$got' $(cat "$d/resp")"
    mapfile -t xs < <(for ((i = 0; i < 30; i++)); do printf 'x-%d\n' "$i"; done)
    "$gobin" witness-request "$skey" 21 "${xs[@]}" >"$d/req"
    got=$(post "$d/req")
    [[ ${got%% *} == 422 ]] || fail "a fork was answered '$got'"
    "$aitrail" keygen --origin example.com/interop-log --out "$d/other.key" >/dev/null
    "$gobin" witness-request "$(cat "$d/other.key")" 21 "${ls[@]}" >"$d/req"
    got=$(post "$d/req")
    [[ ${got%% *} == 403 ]] || fail "a checkpoint by another key was answered '$got'"
    "$aitrail" keygen --origin example.com/unknown --out "$d/unknown.key" >/dev/null
    "$gobin" witness-request "$(cat "$d/unknown.key")" 0 "${ls[@]}" >"$d/req"
    got=$(post "$d/req")
    [[ ${got%% *} == 404 ]] || fail "an unknown log was answered '$got'"
    checks=$((checks + 4))
    ;;
witness_client)
    # Plain HTTP, then TLS with a certificate the client is given as --ca-file.
    for scheme in http https; do
        d=$work/witness-client-$scheme
        rm -rf "$d" && mkdir -p "$d"
        log_vkey=$("$aitrail" keygen --origin example.com/interop-log --out "$d/log.key")
        cert=() ca=()
        [[ $scheme == https ]] && cert=("$d/cert.pem") ca=(--ca-file "$d/cert.pem")
        "$gobin" serve-witness "$log_vkey" witness.example.com/go "${cert[@]}" >"$d/out" 2>"$d/err" &
        pid=$!
        trap 'kill "$pid" 2>/dev/null || true' EXIT
        for _ in $(seq 100); do grep -q listening "$d/out" && break; sleep 0.1; done
        port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$d/out")
        [[ -n $port ]] || fail "the Go witness did not start: $(cat "$d/err")"
        w_vkey=$(head -n 1 "$d/out")
        got=$("$tool" publish "${ca[@]}" "$scheme://127.0.0.1:$port" "$w_vkey" "$(cat "$d/log.key")" \
            4 9 9 stale:17 forged:20 20)
        want=$'4 200 1\n9 200 1\n9 200 1\n17 200 1\n20 403 0\n20 200 1'
        [[ $got == "$want" ]] || fail "publishing to the Go witness ($scheme) gave:"$'\n'"$got"$'\n'"expected:"$'\n'"$want"
        if [[ $scheme == https ]]; then
            # Without the certificate the client refuses the connection.
            got=$("$tool" publish "$scheme://127.0.0.1:$port" "$w_vkey" "$(cat "$d/log.key")" 21 2>/dev/null)
            [[ $got == "21 0 0" ]] || fail "an unknown certificate was accepted: $got"
            checks=$((checks + 1))
        fi
        kill "$pid" 2>/dev/null || true
        checks=$((checks + 6))
    done
    ;;
trail)
    dir=$work/trail-case
    rm -rf "$dir"
    mkdir -p "$dir"
    vkey=$("$tool" new-key example.com/interop-trail "$dir")
    "$tool" write-trail "$dir/trail" 40
    first=$("$aitrail" checkpoint --trail "$dir/trail" --key "$dir/log.key") || fail "aitrail checkpoint failed"
    "$tool" write-trail "$dir/trail" 300
    second=$("$aitrail" checkpoint --trail "$dir/trail" --key "$dir/log.key") || fail "aitrail checkpoint failed"
    for note in "$first" "$second"; do
        got=$(printf '%s\n' "$note" | "$gobin" open-checkpoint "$vkey") || fail "Go could not open the trail's checkpoint"
        want=$(printf '%s\n' "$note" | "$tool" open-checkpoint "$vkey")
        [[ $got == "$want" ]] || fail "the checkpoint reads as '$got' in Go, '$want' here"
        checks=$((checks + 1))
    done
    size1=$(sed -n 2p <<<"$first") root1=$(sed -n 3p <<<"$first")
    size2=$(sed -n 2p <<<"$second") root2=$(sed -n 3p <<<"$second")
    for seq in 0 1 39 40 41 200 $((size2 - 1)); do
        for content in "" --content; do
            "$aitrail" prove --trail "$dir/trail" --seq "$seq" $content >"$dir/proof" || fail "aitrail prove --seq $seq failed"
            "$gobin" check-tlog-proof "$vkey" <"$dir/proof" >/dev/null || fail "Go refused the proof of seq $seq $content"
            "$aitrail" verify-proof "$dir/proof" --vkey "$vkey" >/dev/null || fail "aitrail refused the proof of seq $seq"
            checks=$((checks + 2))
        done
    done
    # A proof against the first checkpoint, for an entry it covers.
    printf '%s\n' "$first" >"$dir/first.checkpoint"
    "$aitrail" prove --trail "$dir/trail" --seq 7 --checkpoint "$dir/first.checkpoint" >"$dir/proof"
    "$gobin" check-tlog-proof "$vkey" <"$dir/proof" >/dev/null || fail "Go refused the proof against the first checkpoint"
    # The consistency proof between the two checkpoints.
    "$aitrail" consistency --trail "$dir/trail" --from "$size1" --to "$size2" >"$dir/consistency" ||
        fail "aitrail consistency failed"
    "$gobin" check-consistency "$size1" "$size2" "$root1" "$root2" <"$dir/consistency" >/dev/null ||
        fail "Go refused the consistency proof $size1 -> $size2"
    ! "$gobin" check-consistency "$size1" "$size2" "$root2" "$root2" <"$dir/consistency" 2>/dev/null ||
        fail "Go accepted the consistency proof with a wrong root1"
    checks=$((checks + 3))
    ;;
*)
    fail "unknown case $case_name"
    ;;
esac
echo "interop.go.$case_name: $checks checks passed"
