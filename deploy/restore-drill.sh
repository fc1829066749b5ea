#!/usr/bin/env bash
# The restore drill (docs/operations.md): back up the demo county with pg_dump, restore it into
# a fresh database, and compare every table's row count, every sequence and the 2023 annual
# figures. Prints PASS or FAIL; the scratch databases and files are removed either way.
#
#   make restore-drill                      # PostgreSQL on 127.0.0.1:5432 as postgres
#   PGHOST=db1 PGUSER=portal make restore-drill
set -euo pipefail
cd "$(dirname "$0")/.."

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
PY="${PY:-.venv/bin/python}"
run_id="$(date +%Y%m%d%H%M%S)_$$"
source_db="portal_drill_source_${run_id}"
restored_db="portal_drill_restored_${run_id}"
work="$(mktemp -d)"
url() { echo "postgres://${PGUSER}@${PGHOST}:${PGPORT}/$1"; }

cleanup() {
  dropdb --if-exists "$source_db" >/dev/null 2>&1 || true
  dropdb --if-exists "$restored_db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "restore drill: FAIL (this step failed: ${BASH_COMMAND})"' ERR

pg_isready -q || { echo "restore drill: PostgreSQL is not reachable at ${PGHOST}:${PGPORT}"; echo FAIL; exit 1; }
export VAR_DIR="$work/var" MEDIA_ROOT="$work/media-source" DEBUG=0

echo "1/5 a scratch database with the demo county: $source_db"
createdb "$source_db"
DATABASE_URL="$(url "$source_db")" "$PY" manage.py migrate --noinput -v0
DATABASE_URL="$(url "$source_db")" "$PY" manage.py seed_demo >/dev/null
DATABASE_URL="$(url "$source_db")" "$PY" manage.py restore_check --write "$work/source.json"
mkdir -p "$MEDIA_ROOT/exports/drill" && echo "drill $run_id" > "$MEDIA_ROOT/exports/drill/marker.txt"

echo "2/5 backup: pg_dump --format=custom, and the media directory as a tar archive"
pg_dump --format=custom --compress=6 --file="$work/portal.dump" "$source_db"
tar -C "$MEDIA_ROOT" -czf "$work/media.tar.gz" .
ls -lh "$work/portal.dump" "$work/media.tar.gz" | awk '{print "   " $5 "  " $NF}'

echo "3/5 restore into a fresh database: $restored_db"
createdb "$restored_db"
pg_restore --exit-on-error --no-owner --jobs=2 --dbname="$restored_db" "$work/portal.dump"
mkdir -p "$work/media-restored" && tar -C "$work/media-restored" -xzf "$work/media.tar.gz"

echo "4/5 the restored database needs no migration"
DATABASE_URL="$(url "$restored_db")" "$PY" manage.py migrate --check --noinput -v0

echo "5/5 compare row counts, sequences and the 2023 figures"
status=0
diff -r "$MEDIA_ROOT" "$work/media-restored" >/dev/null || { echo "  DIFFERENT media directory"; status=1; }
DATABASE_URL="$(url "$restored_db")" "$PY" manage.py restore_check --compare "$work/source.json" || status=1
if [ "$status" -ne 0 ]; then echo "restore drill: FAIL"; exit 1; fi
echo "restore drill: PASS"
