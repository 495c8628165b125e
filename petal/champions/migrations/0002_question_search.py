"""Full-text search over network questions: title, body and the text of visible answers.

- SQLite: an FTS5 table with external content (``champions_question_fts``), kept in step with
  ``champions_question`` by triggers, tokenised with the Porter stemmer ("housing" finds
  "house").
- PostgreSQL: a stored generated ``tsvector`` column (``search_vector``, English stemming, the
  title weighted above the rest) with a GIN index.

Django's model does not know either: ``petal.champions.selectors.network.question_search``
is the one place that queries them.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE champions_question_fts USING fts5(
        title, body, answers_text,
        content='champions_question', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER champions_question_fts_ai AFTER INSERT ON champions_question BEGIN
        INSERT INTO champions_question_fts(rowid, title, body, answers_text)
        VALUES (new.id, new.title, new.body, new.answers_text);
    END""",
    """CREATE TRIGGER champions_question_fts_ad AFTER DELETE ON champions_question BEGIN
        INSERT INTO champions_question_fts(champions_question_fts, rowid, title, body, answers_text)
        VALUES ('delete', old.id, old.title, old.body, old.answers_text);
    END""",
    """CREATE TRIGGER champions_question_fts_au AFTER UPDATE OF title, body, answers_text
        ON champions_question BEGIN
        INSERT INTO champions_question_fts(champions_question_fts, rowid, title, body, answers_text)
        VALUES ('delete', old.id, old.title, old.body, old.answers_text);
        INSERT INTO champions_question_fts(rowid, title, body, answers_text)
        VALUES (new.id, new.title, new.body, new.answers_text);
    END""",
    "INSERT INTO champions_question_fts(champions_question_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS champions_question_fts_au",
    "DROP TRIGGER IF EXISTS champions_question_fts_ad",
    "DROP TRIGGER IF EXISTS champions_question_fts_ai",
    "DROP TABLE IF EXISTS champions_question_fts",
]
POSTGRES_UP = [
    """ALTER TABLE champions_question ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('english', coalesce(title, '')), 'A')
            || setweight(to_tsvector('english', coalesce(body, '')), 'B')
            || setweight(to_tsvector('english', coalesce(answers_text, '')), 'C')
        ) STORED""",
    "CREATE INDEX champions_question_search ON champions_question USING GIN (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS champions_question_search",
    "ALTER TABLE champions_question DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("champions", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
