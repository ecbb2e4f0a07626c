#!/usr/bin/env bash
# Makes sure a PostgreSQL answers on 127.0.0.1:5432 with trust auth for loopback and a database `test`,
# then prints the URL the tests use (CASKIT_TEST_PG_URL).
#
# Idempotent: when a server already answers it starts nothing and changes no configuration; it only
# creates the `test` database if that is missing. Otherwise (Debian/Ubuntu) it installs PostgreSQL if
# absent, creates a cluster if there is none, makes it listen on 127.0.0.1:5432 with trust auth for
# loopback (a CI-only server reachable from this machine alone), starts it and waits until it answers.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
cd "$(dirname "$0")/.."

HOST=127.0.0.1
PORT=5432
URL="postgres://postgres@$HOST:$PORT/test"

answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$HOST" -p "$PORT"
  else
    # No client tools (e.g. a PostgreSQL service container): is anything listening?
    (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
  fi
}

if answers; then
  echo "postgres: already answering on $HOST:$PORT"
else
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "postgres: installing"
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
  if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    echo "postgres: creating cluster $version/main"
    pg_createcluster "$version" main >/dev/null
  fi
  # The first cluster (the package's own, or the one just created).
  read -r cver cname _ < <(pg_lsclusters -h | head -n1)
  conf=/etc/postgresql/$cver/$cname
  if ! grep -q "caskit-ci" "$conf/pg_hba.conf"; then
    sed -i '1i host all all 127.0.0.1/32 trust # caskit-ci\nhost all all ::1/128 trust # caskit-ci\nlocal all all trust # caskit-ci' "$conf/pg_hba.conf"
  fi
  sed -i "s/^#\?listen_addresses\s*=.*/listen_addresses = '$HOST'/" "$conf/postgresql.conf"
  sed -i "s/^#\?port\s*=.*/port = $PORT/" "$conf/postgresql.conf"
  # restart, not start: a cluster that runs but does not answer here must re-read the settings above.
  pg_ctlcluster --skip-systemctl-redirect "$cver" "$cname" restart ||
    pg_ctlcluster --skip-systemctl-redirect "$cver" "$cname" start
  for _ in $(seq 1 60); do
    answers && break
    sleep 0.5
  done
  answers || { echo "postgres: cluster $cver/$cname did not start (see /var/log/postgresql/)" >&2; exit 1; }
  echo "postgres: started cluster $cver/$cname on $HOST:$PORT"
fi

# The database the tests use: with psql when present, else with the project's own pg driver.
if command -v psql >/dev/null 2>&1; then
  if ! psql -h "$HOST" -p "$PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1; then
    psql -h "$HOST" -p "$PORT" -U postgres -d postgres -qc "CREATE DATABASE test"
    echo "postgres: created database test"
  fi
else
  node -e '
    const pg = require("pg");
    const c = new pg.Client({ connectionString: process.argv[1] });
    c.connect()
      .then(() => c.query("SELECT 1 FROM pg_database WHERE datname = $1", ["test"]))
      .then((r) => (r.rowCount ? null : c.query("CREATE DATABASE test").then(() => console.log("postgres: created database test"))))
      .then(() => c.end(), (e) => { console.error("postgres:", e.message); process.exit(1); });
  ' "postgres://postgres@$HOST:$PORT/postgres"
fi

echo "postgres: ready — CASKIT_TEST_PG_URL=$URL"
