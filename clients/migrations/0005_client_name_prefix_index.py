"""A B-tree prefix index on the client's name for PostgreSQL (docs/scaling.md).

Search terms of one or two Chinese characters cannot use the trigram index of migration 0004;
in a county or city scope the search matches them at the start of the name
(``name LIKE '王建%'``), which this index serves (``varchar_pattern_ops``: LIKE prefixes under
any collation). PostgreSQL only: other databases skip this migration's SQL.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('CREATE INDEX IF NOT EXISTS "client_name_prefix_idx" '
                              'ON "clients_client" ("name" varchar_pattern_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX IF EXISTS "client_name_prefix_idx"')


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_client_search_trigram_indexes")]

    operations = [migrations.RunPython(create, drop)]
