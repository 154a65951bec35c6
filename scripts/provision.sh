#!/usr/bin/env bash
# Makes sure of what `make test` needs beyond .venv: Python >= 3.11 with venv, make, a
# PostgreSQL server answering at TEST_DATABASE_URL with trust auth, Chromium and a CJK font.
# Idempotent and quiet when everything is there. As root (or with passwordless sudo) it
# installs from Debian's packages; otherwise it prints the command to run and stops.
set -euo pipefail

TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
PG_DEADLINE=${PG_DEADLINE:-60}
export DEBIAN_FRONTEND=noninteractive

say() { echo "provision: $*"; }
fail() { echo "provision: $*" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    SUDO="none"
fi

run_as_root() {
    if [ "$SUDO" = none ]; then
        fail "needs root for: $*
  run it yourself, then run make again:
    sudo $*"
    fi
    $SUDO "$@"
}

apt_updated=no
apt_install() {
    if [ "$apt_updated" = no ]; then
        say "apt-get update"
        run_as_root apt-get update -qq
        apt_updated=yes
    fi
    say "apt-get install $*"
    local log
    log=$(mktemp)
    run_as_root apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1 \
        || { cat "$log" >&2; rm -f "$log"; fail "apt-get install $* failed"; }
    rm -f "$log"
}

missing_debs() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || echo "$pkg"
    done
}

# --- Python >= 3.11 with venv, and make ------------------------------------------------------
python_ok() {
    command -v python3 >/dev/null 2>&1 \
        && python3 -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}
python_ok || apt_install python3 python3-venv
python_ok || fail "python3 >= 3.11 with the venv module is still missing"
command -v make >/dev/null 2>&1 || apt_install make

# --- PostgreSQL at TEST_DATABASE_URL ---------------------------------------------------------
read -r PG_HOST PG_PORT PG_USER < <(python3 - "$TEST_DATABASE_URL" <<'PY'
import sys
from urllib.parse import urlsplit

url = urlsplit(sys.argv[1])
print(url.hostname or "127.0.0.1", url.port or 5432, url.username or "postgres")
PY
)
local_host() { case "$PG_HOST" in 127.0.0.1 | localhost | ::1) return 0 ;; *) return 1 ;; esac; }

pg_answers() { (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null; }
pg_connects() {
    psql -X -w -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc 'SELECT 1' >/dev/null 2>&1
}
as_postgres() { run_as_root su postgres -s /bin/sh -c "$1"; }

wait_for_postgres() {
    local deadline=$((SECONDS + PG_DEADLINE))
    until pg_answers; do
        [ "$SECONDS" -lt "$deadline" ] || fail "PostgreSQL not answering on $PG_HOST:$PG_PORT after ${PG_DEADLINE}s"
        sleep 0.5
    done
}

# Start the cluster configured for PG_PORT, creating one when there is none.
start_local_cluster() {
    if [ -n "$(missing_debs postgresql)" ]; then apt_install postgresql; fi
    local cluster version name
    cluster=$(pg_lsclusters -h 2>/dev/null | awk -v port="$PG_PORT" '$3 == port {print $1, $2; exit}')
    if [ -z "$cluster" ]; then
        version=$(ls /usr/lib/postgresql | sort -V | tail -1)
        say "creating PostgreSQL cluster $version/onewindow on port $PG_PORT"
        run_as_root pg_createcluster --port "$PG_PORT" "$version" onewindow >/dev/null
        cluster="$version onewindow"
    fi
    read -r version name <<<"$cluster"
    say "starting PostgreSQL cluster $version/$name (port $PG_PORT)"
    run_as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start || [ $? -eq 2 ]
    wait_for_postgres
}

# A fresh Debian cluster asks for a password on TCP: trust the loopback address (first line wins).
trust_loopback() {
    local hba
    hba=$(as_postgres "psql -X -p $PG_PORT -tAc 'SHOW hba_file'")
    say "trusting $PG_HOST in $hba"
    run_as_root sed -i "1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust" "$hba"
    as_postgres "psql -X -p $PG_PORT -tAc 'SELECT pg_reload_conf()'" >/dev/null
}

if ! pg_answers; then
    local_host || fail "PostgreSQL at $PG_HOST:$PG_PORT (TEST_DATABASE_URL) does not answer"
    start_local_cluster
fi
command -v psql >/dev/null 2>&1 || apt_install postgresql-client
if ! pg_connects; then
    local_host || fail "cannot connect as $PG_USER to $PG_HOST:$PG_PORT without a password"
    trust_loopback
    pg_connects || fail "still cannot connect as $PG_USER to $PG_HOST:$PG_PORT"
fi

# --- Chromium and the Chinese font for the browser tests -------------------------------------
missing=$(missing_debs chromium fonts-wqy-zenhei)
# shellcheck disable=SC2086  # a list of package names
[ -z "$missing" ] || apt_install $missing
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is still missing"
