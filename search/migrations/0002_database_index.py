"""The database's own full-text index: rows, state, and the engine-specific text index.

SQLite gets an FTS5 table (rowid = case id); PostgreSQL a weighted ``tsvector`` column with a
GIN index. Other databases get neither (the backend refuses to run there).
"""

import uuid

from django.db import migrations, models

SQLITE_SQL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS casebook_search_fts USING fts5(condition, title, "
    "summary, findings, body, differentials, negated, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
)
SQLITE_DROP = ("DROP TABLE IF EXISTS casebook_search_fts",)
POSTGRES_SQL = (
    "ALTER TABLE casebook_search_indexedcase ADD COLUMN IF NOT EXISTS vector tsvector",
    "CREATE INDEX IF NOT EXISTS casebook_search_vector ON casebook_search_indexedcase "
    "USING gin (vector)",
)
POSTGRES_DROP = (
    "DROP INDEX IF EXISTS casebook_search_vector",
    "ALTER TABLE casebook_search_indexedcase DROP COLUMN IF EXISTS vector",
)


def create_text_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_SQL, "postgresql": POSTGRES_SQL}.get(vendor, ())
    for statement in statements:
        schema_editor.execute(statement)


def drop_text_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, ())
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("casebook_search", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="IndexedCase",
            fields=[
                ("page_id", models.PositiveBigIntegerField(primary_key=True, serialize=False)),
                ("version", models.PositiveBigIntegerField()),
                ("deleted", models.BooleanField(default=False)),
                ("generation", models.PositiveBigIntegerField(db_index=True)),
                ("source", models.JSONField(default=dict)),
            ],
        ),
        migrations.CreateModel(
            name="IndexState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.UUIDField(default=uuid.uuid4, editable=False)),
                ("generation", models.PositiveBigIntegerField(default=0)),
                ("reset_generation", models.PositiveBigIntegerField(default=0)),
                ("rebuild_generation", models.PositiveBigIntegerField(blank=True, null=True)),
                ("rebuild_after_id", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_text_index, drop_text_index),
    ]
