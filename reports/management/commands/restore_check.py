"""Compare a restored database with its source (``make restore-drill``, docs/operations.md).

    DATABASE_URL=<source>   manage.py restore_check --write source.json
    DATABASE_URL=<restored> manage.py restore_check --compare source.json

The snapshot holds the row count of every table, the position of every sequence (a restore
that forgets them makes the next insert fail) and the annual figures of SPEC §3 for a year
(2023 by default), counted from the raw records. ``--compare`` prints each difference, then
PASS or FAIL, and exits 1 on FAIL.
"""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ... import figures


def table_counts():
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def sequence_positions():
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences ORDER BY 1")
        return {name: value for name, value in cursor.fetchall()}


def annual_figures(year):
    """SPEC §3 figures of every station for ``year`` from the counting engine."""
    result = figures.compute(
        station_ids=None, start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31), raw=True
    )
    return json.loads(json.dumps(result, default=str))


def snapshot(year):
    return {
        "database": connection.settings_dict.get("NAME"),
        "tables": table_counts(),
        "sequences": sequence_positions(),
        "year": year,
        "figures": annual_figures(year),
    }


def differences(source, target):
    found = []
    for table in sorted(set(source["tables"]) | set(target["tables"])):
        a, b = source["tables"].get(table), target["tables"].get(table)
        if a != b:
            found.append(f"table {table}: {a} rows in the source, {b} restored")
    for name in sorted(set(source["sequences"]) | set(target["sequences"])):
        a, b = source["sequences"].get(name), target["sequences"].get(name)
        if a != b:
            found.append(f"sequence {name}: at {a} in the source, {b} restored")
    if source["figures"] != target["figures"]:
        for key in sorted(set(source["figures"] or {}) | set(target["figures"] or {})):
            a, b = (source["figures"] or {}).get(key), (target["figures"] or {}).get(key)
            if a != b:
                found.append(f"{source['year']} figure {key}: {a} in the source, {b} restored")
    return found


class Command(BaseCommand):
    help = "Snapshot this database (--write FILE) or compare it with a snapshot (--compare FILE)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--write", metavar="FILE", help="write this database's snapshot to FILE")
        group.add_argument("--compare", metavar="FILE", help="compare this database with the snapshot in FILE")
        parser.add_argument("--year", type=int, default=2023, help="the year whose figures are compared")

    def handle(self, *args, write=None, compare=None, year=2023, **options):
        current = snapshot(year)
        if write:
            Path(write).write_text(json.dumps(current, ensure_ascii=False, indent=1))
            rows = sum(current["tables"].values())
            self.stdout.write(f"snapshot of {current['database']}: {len(current['tables'])} tables, {rows} rows")
            return
        try:
            source = json.loads(Path(compare).read_text())
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read the snapshot {compare}: {error}") from error
        found = differences(source, current)
        rows = sum(current["tables"].values())
        self.stdout.write(
            f"compared {source['database']} → {current['database']}: {len(current['tables'])} tables, "
            f"{rows} rows, {len(current['sequences'])} sequences"
        )
        if current["figures"] is not None:
            shown = ", ".join(f"{k}={v}" for k, v in current["figures"].items())
            self.stdout.write(f"{year} figures (restored): {shown}")
        for line in found:
            self.stdout.write(self.style.ERROR(f"  DIFFERENT {line}"))
        if found or not rows:
            self.stdout.write(self.style.ERROR("FAIL"))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("PASS"))
