#!/usr/bin/env bash
# Makes sure a PostgreSQL answers on 127.0.0.1:5432 with trust auth and a database `test`.
# Does nothing when one already answers; otherwise installs (Debian) and starts a cluster.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

answers() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }

if answers; then
  echo "postgres: already answering on 127.0.0.1:5432"
else
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "postgres: installing"
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
  if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
    pg_createcluster "$version" main >/dev/null
  fi
  cluster=$(pg_lsclusters -h | head -n1)
  cver=$(echo "$cluster" | awk '{print $1}')
  cname=$(echo "$cluster" | awk '{print $2}')
  conf=/etc/postgresql/$cver/$cname
  # Trust on loopback: CI-only database, reachable from this machine alone.
  if ! grep -q "caskit-ci" "$conf/pg_hba.conf"; then
    sed -i '1i host all all 127.0.0.1/32 trust # caskit-ci\nhost all all ::1/128 trust # caskit-ci\nlocal all all trust # caskit-ci' "$conf/pg_hba.conf"
  fi
  sed -i "s/^#\?listen_addresses.*/listen_addresses = '127.0.0.1'/" "$conf/postgresql.conf"
  sed -i "s/^#\?port = .*/port = 5432/" "$conf/postgresql.conf"
  pg_ctlcluster --skip-systemctl-redirect "$cver" "$cname" restart || pg_ctlcluster --skip-systemctl-redirect "$cver" "$cname" start
  for _ in $(seq 1 60); do answers && break; sleep 0.5; done
  answers || { echo "postgres: did not start" >&2; exit 1; }
  echo "postgres: started cluster $cver/$cname"
fi

# The database the tests use.
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" 2>/dev/null | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test" >/dev/null
fi
echo "postgres: postgres://postgres@127.0.0.1:5432/test"
