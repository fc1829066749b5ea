"""Trigram indexes for the client search on PostgreSQL (docs/scaling.md).

The search (clients.filters.search_clients, services' client_search_q) asks for
``UPPER(name) LIKE UPPER('%…%')`` (icontains), ``id_number LIKE '%1234'`` (the ID tail),
``phone LIKE '%…%'`` and ``name_pinyin / name_initials LIKE 'zh%'``, combined with OR: none
of them can use a B-tree, and one branch without an index makes the whole OR a sequential scan
of every client (≈300 ms at 200,000 clients under load, growing linearly to 5,000,000).
pg_trgm GIN indexes serve each branch (a BitmapOr of index scans: 0.3 ms in EXPLAIN ANALYZE
on the city-scale data). Terms shorter than three characters cannot use a trigram index.

PostgreSQL only: other databases (SQLite in the tests) skip this migration's SQL.
"""

from django.db import migrations

INDEXES = [
    ("client_name_trgm_idx", 'UPPER(("name")::text) gin_trgm_ops'),
    ("client_id_number_trgm_idx", '"id_number" gin_trgm_ops'),
    ("client_phone_trgm_idx", '"phone" gin_trgm_ops'),
    ("client_pinyin_trgm_idx", '"name_pinyin" gin_trgm_ops'),
    ("client_initials_trgm_idx", '"name_initials" gin_trgm_ops'),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "clients_client" USING gin ({expression})')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _expression in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_person_name_labels")]

    operations = [migrations.RunPython(create, drop)]
