"""The database refuses a roll entry whose voter and scrutin belong to different elections.

A rule across three tables cannot be a CHECK constraint, and a composite foreign key
(voter, election) → voter would need a denormalised election column on every roll entry
plus a composite key Django cannot declare (SQLite cannot add one to an existing table).
Triggers keep the schema as it is, on both databases: a roll entry is checked when
written, and a voter or a scrutin cannot move to another election while entries tie it
to the old one. The application checks the same in ``RollEntry.clean``; the triggers are
the last line against a bulk write or a bug.

SQLite drops a table's triggers when a later migration rebuilds that table (ALTER TABLE
emulation): ``tests/elections/test_roll_scope.py`` checks the guard on both databases, so
such a migration must recreate them.
"""

from django.db import migrations

MESSAGE = "roll entry refused: voter and scrutin belong to different elections"

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER elections_rollentry_same_election_insert BEFORE INSERT ON elections_rollentry
    WHEN (SELECT election_id FROM accounts_voter WHERE id = NEW.voter_id)
         IS NOT (SELECT election_id FROM elections_scrutin WHERE id = NEW.scrutin_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER elections_rollentry_same_election_update
    BEFORE UPDATE OF voter_id, scrutin_id ON elections_rollentry
    WHEN (SELECT election_id FROM accounts_voter WHERE id = NEW.voter_id)
         IS NOT (SELECT election_id FROM elections_scrutin WHERE id = NEW.scrutin_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER accounts_voter_rolls_same_election BEFORE UPDATE OF election_id ON accounts_voter
    WHEN EXISTS (
        SELECT 1 FROM elections_rollentry r JOIN elections_scrutin s ON s.id = r.scrutin_id
        WHERE r.voter_id = NEW.id AND s.election_id IS NOT NEW.election_id
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER elections_scrutin_rolls_same_election BEFORE UPDATE OF election_id ON elections_scrutin
    WHEN EXISTS (
        SELECT 1 FROM elections_rollentry r JOIN accounts_voter v ON v.id = r.voter_id
        WHERE r.scrutin_id = NEW.id AND v.election_id IS NOT NEW.election_id
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS elections_rollentry_same_election_insert",
    "DROP TRIGGER IF EXISTS elections_rollentry_same_election_update",
    "DROP TRIGGER IF EXISTS accounts_voter_rolls_same_election",
    "DROP TRIGGER IF EXISTS elections_scrutin_rolls_same_election",
]

# SQLSTATE 23514 (check_violation): Django raises IntegrityError.
POSTGRESQL_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION isoloir_rollentry_same_election() RETURNS trigger AS $$
    BEGIN
        IF (SELECT election_id FROM accounts_voter WHERE id = NEW.voter_id)
           IS DISTINCT FROM (SELECT election_id FROM elections_scrutin WHERE id = NEW.scrutin_id) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER elections_rollentry_same_election
        BEFORE INSERT OR UPDATE OF voter_id, scrutin_id ON elections_rollentry
        FOR EACH ROW EXECUTE FUNCTION isoloir_rollentry_same_election();
    """,
    f"""
    CREATE OR REPLACE FUNCTION isoloir_voter_rolls_same_election() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM elections_rollentry r JOIN elections_scrutin s ON s.id = r.scrutin_id
            WHERE r.voter_id = NEW.id AND s.election_id IS DISTINCT FROM NEW.election_id
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER accounts_voter_rolls_same_election
        BEFORE UPDATE OF election_id ON accounts_voter
        FOR EACH ROW EXECUTE FUNCTION isoloir_voter_rolls_same_election();
    """,
    f"""
    CREATE OR REPLACE FUNCTION isoloir_scrutin_rolls_same_election() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM elections_rollentry r JOIN accounts_voter v ON v.id = r.voter_id
            WHERE r.scrutin_id = NEW.id AND v.election_id IS DISTINCT FROM NEW.election_id
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER elections_scrutin_rolls_same_election
        BEFORE UPDATE OF election_id ON elections_scrutin
        FOR EACH ROW EXECUTE FUNCTION isoloir_scrutin_rolls_same_election();
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS elections_rollentry_same_election ON elections_rollentry",
    "DROP TRIGGER IF EXISTS accounts_voter_rolls_same_election ON accounts_voter",
    "DROP TRIGGER IF EXISTS elections_scrutin_rolls_same_election ON elections_scrutin",
    "DROP FUNCTION IF EXISTS isoloir_rollentry_same_election()",
    "DROP FUNCTION IF EXISTS isoloir_voter_rolls_same_election()",
    "DROP FUNCTION IF EXISTS isoloir_scrutin_rolls_same_election()",
]


def _run(statements: dict):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_identifier_login"),
        ("elections", "0010_scrutin_establishments"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        )
    ]
