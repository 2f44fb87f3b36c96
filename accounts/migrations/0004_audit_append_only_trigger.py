"""On PostgreSQL, refuse UPDATE and DELETE on the audit trail at the database level.

The hash chain finds any change afterwards; the trigger stops the application's own
database role from making one by mistake. (A table owner can still disable it: that
is what the chain is for.) SQLite has no such guard; the chain still applies.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION isoloir_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditentry_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION isoloir_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS accounts_auditentry_append_only ON accounts_auditentry;
DROP FUNCTION IF EXISTS isoloir_audit_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_roles_and_audit_head")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
