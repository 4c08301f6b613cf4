#!/usr/bin/env bash
# A throwaway PostgreSQL server for the postgres_storage tests (a CTest
# fixture: tests/postgres/postgres.cmake).
#
#   server.sh start DIR   initdb a cluster, start it on 127.0.0.1 at a free
#                         port, create the database and write its conninfo
#                         to DIR/conninfo
#   server.sh stop DIR    stop the server (pg_ctl stop -m fast), remove it all
#
# DIR is per build tree, so two build trees never share a server. The server
# binaries are taken from PATH, else from the newest /usr/lib/postgresql/*/bin.
# initdb refuses to run as root: as root, the cluster belongs to the
# `postgres` system user (or `nobody`) and every server command runs as it.
# A server left running by an interrupted run is stopped by the next start.
set -euo pipefail

die() { printf 'postgres fixture: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 2 && ( $1 == start || $1 == stop ) ]] || die "usage: $0 start|stop DIR"
action=$1
dir=$2
state="$dir/state"

# find_bindir: the directory holding initdb, pg_ctl and postgres.
find_bindir() {
    local pg_ctl
    if pg_ctl="$(command -v pg_ctl)" && command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$pg_ctl")"
        return
    fi
    local newest
    newest="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
    [[ -n "$newest" && -x "$newest/pg_ctl" ]] || die "PostgreSQL server binaries not found (install the postgresql package)"
    printf '%s\n' "$newest"
}

# as_owner CMD...: runs CMD as the cluster's owner.
as_owner() {
    if [[ -n "${owner:-}" ]]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

stop_server() {
    [[ -f "$state" ]] || return 0
    local bindir="" pgdir="" owner=""
    # shellcheck disable=SC1090  # written by start below
    source "$state"
    if [[ -n "$pgdir" && -f "$pgdir/data/postmaster.pid" ]]; then
        as_owner "$bindir/pg_ctl" stop -D "$pgdir/data" -m fast -w -t 60 >/dev/null 2>&1 ||
            as_owner "$bindir/pg_ctl" stop -D "$pgdir/data" -m immediate -w -t 30 >/dev/null 2>&1 || true
    fi
    [[ -n "$pgdir" ]] && rm -rf -- "$pgdir"
    rm -f -- "$state"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

if [[ $action == stop ]]; then
    stop_server
    rm -rf -- "$dir"
    exit 0
fi

# --- start ---
stop_server  # one left over by an interrupted run
rm -rf -- "$dir"
mkdir -p -- "$dir"
dir="$(cd "$dir" && pwd)"
state="$dir/state"
bindir="$(find_bindir)"

owner=""
if [[ "$(id -u)" -eq 0 ]]; then
    if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
    command -v runuser >/dev/null 2>&1 || die "running as root needs runuser (util-linux) to start the server as $owner"
fi

# The cluster lives in DIR/pg unless its owner cannot reach DIR (a build
# tree under a private home directory): then in a directory of its own in /tmp.
pgdir="$dir/pg"
mkdir -p -- "$pgdir"
chmod 755 "$dir"
if [[ -n "$owner" ]]; then
    chown "$owner" "$pgdir"
    if ! runuser -u "$owner" -- test -w "$pgdir"; then
        rm -rf -- "$pgdir"
        pgdir="$(mktemp -d /tmp/aitrail-pg.XXXXXX)"
        chmod 755 "$pgdir"
        chown "$owner" "$pgdir"
    fi
fi
printf 'bindir=%q\npgdir=%q\nowner=%q\n' "$bindir" "$pgdir" "$owner" >"$state"

password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
user=aitrail
database=aitrail_test
pwfile="$pgdir/pwfile"
(umask 077 && printf '%s\n' "$password" >"$pwfile")
[[ -z "$owner" ]] || chown "$owner" "$pwfile"

# Password authentication over TCP (the tests check what a wrong one does);
# no fsync: the data is thrown away after the run.
as_owner "$bindir/initdb" -D "$pgdir/data" -U "$user" --pwfile="$pwfile" -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$pgdir/initdb.log" 2>&1 ||
    { cat "$pgdir/initdb.log" >&2; die "initdb failed"; }
rm -f -- "$pwfile"

# The unix socket goes next to the cluster when the path fits (sun_path is
# 108 bytes); the tests connect over TCP either way.
socket_dir="$pgdir"
((${#socket_dir} < 80)) || socket_dir=""

started=""
for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    if as_owner "$bindir/pg_ctl" start -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$socket_dir' -c fsync=off -c full_page_writes=off -c max_connections=50" \
        >/dev/null 2>&1; then
        started=yes
        break
    fi
    printf 'postgres fixture: start on port %s failed (attempt %s)\n' "$port" "$attempt" >&2
done
[[ -n "$started" ]] || { cat "$pgdir/server.log" >&2 || true; stop_server; die "the server did not start"; }

isready="$bindir/pg_isready"
for _ in $(seq 1 100); do
    "$isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.1
done
"$isready" -q -h 127.0.0.1 -p "$port" || { stop_server; die "the server does not accept connections"; }

PGPASSWORD="$password" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$database" ||
    { stop_server; die "createdb failed"; }

conninfo="host=127.0.0.1 port=$port dbname=$database user=$user password=$password sslmode=disable gssencmode=disable connect_timeout=10"
(umask 077 && printf '%s\n' "$conninfo" >"$dir/conninfo.tmp")
mv -f -- "$dir/conninfo.tmp" "$dir/conninfo"
printf 'postgres fixture: %s on 127.0.0.1:%s, cluster in %s\n' \
    "$("$bindir/postgres" --version)" "$port" "$pgdir"
