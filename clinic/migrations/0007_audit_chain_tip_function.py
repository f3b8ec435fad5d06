"""On PostgreSQL, one statement takes the audit chain's lock and then reads its last seal."""

from django.db import migrations

# A VOLATILE PL/pgSQL function: each statement in it reads a fresh snapshot, so the seal is
# read after the lock is granted, and so it is the seal of the event committed last (a
# single SELECT of both would read the rows as they were when it began to wait).
CHAIN_TIP = """
CREATE OR REPLACE FUNCTION clinic_audit_chain_tip(chain_lock bigint) RETURNS text AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(chain_lock);
    RETURN (SELECT seal FROM clinic_auditevent ORDER BY id DESC LIMIT 1);
END;
$$ LANGUAGE plpgsql VOLATILE;
"""
DROP_CHAIN_TIP = "DROP FUNCTION IF EXISTS clinic_audit_chain_tip(bigint);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHAIN_TIP, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_CHAIN_TIP, params=None)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0006_patient_list_index_holds_the_row")]

    operations = [migrations.RunPython(create, drop)]
