"""FULLTEXT index on (title, description) for `?search=` on MySQL/MariaDB.

Django cannot declare FULLTEXT indexes, so this is SQL; other databases skip it (their search
falls back to LIKE, see competitions.filters.CompetitionSearchFilter).
"""

from django.db import migrations

INDEX = "comp_title_desc_ft"
TABLE = "competitions_competition"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "mysql":
        schema_editor.execute(f"CREATE FULLTEXT INDEX {INDEX} ON {TABLE} (title, description)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "mysql":
        schema_editor.execute(f"DROP INDEX {INDEX} ON {TABLE}")


class Migration(migrations.Migration):
    # InnoDB builds a FULLTEXT index in its own DDL; it cannot share a transaction anyway.
    atomic = False

    dependencies = [("competitions", "0002_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
