"""Migrations that change the schema of a table in use run back as well as forward."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("clinic", "0005_patient_list_index_holds_the_name")
AFTER = ("clinic", "0006_patient_list_index_holds_the_row")
LIST_INDEX = "patient_active_list_idx"


def list_index() -> str:
    """The patient list's index as the database defines it ("" if it has none)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [LIST_INDEX])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [LIST_INDEX])
        row = cursor.fetchone()
    return row[0] if row else ""


def migrate(*targets: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate(list(targets))


@pytest.mark.django_db(transaction=True)  # migrations run outside the test's transaction
def test_the_list_index_that_holds_the_row_can_be_taken_back_and_put_again():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE)
        back = list_index()
        migrate(AFTER)
        again = list_index()
    finally:
        migrate(*leaves)
    if connection.vendor == "postgresql":
        assert back.endswith(
            "(last_name, first_name, id) INCLUDE (search_name) WHERE (NOT archived)"
        )
        assert again.endswith(
            "(last_name, first_name, id)"
            " INCLUDE (search_name, date_of_birth, phone, archived) WHERE (NOT archived)"
        )
    else:  # SQLite builds the index without its included columns, before and after
        assert back == again
        assert '("last_name", "first_name", "id") WHERE NOT "archived"' in again
    assert list_index() == again
