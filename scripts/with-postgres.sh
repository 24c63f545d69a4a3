#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, started here and removed afterwards.
# Skips (successfully, with a message) when PostgreSQL's server programs are not installed;
# .ci/run installs them so CI always runs on both databases.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server programs not found: skipping the PostgreSQL run (apt-get install postgresql)."
  exit 0
fi
dir=$(mktemp -d /tmp/footprint-pg.XXXXXX)
port=${FOOTPRINT_PG_PORT:-54329}
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"${as_pg[@]}" "$bindir/initdb" -D "$dir/data" -U footprint --auth=trust -E UTF8 >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
# The server's own pg_dump and pg_restore first on the PATH (tests/integration/test_backup.py).
PATH="$bindir:$PATH" DATABASE_URL="postgres://footprint@127.0.0.1:$port/footprint" "$@"
