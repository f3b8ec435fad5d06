import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.management.commands.seed_patients import FIRST, LAST
from clinic.models import Episode, Patient, fold
from clinic.views import patient_page
from tests.builders import make_patient

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_name_search_on_postgresql_uses_the_trigram_index():
    make_patient(first_name="Zoë", last_name="Marchetti")
    query = Patient.objects.matching("marchet").order_by().only("pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = query.explain()
    assert "patient_search_trgm" in plan
    assert [p.last_name for p in Patient.objects.matching("zoe marchet")] == ["Marchetti"]


@pytest.fixture
def a_practice_of_30000_patients() -> None:
    """Rows like a real practice's, and their statistics, so the planner chooses as it would."""
    rng = random.Random(1)
    patients = []
    for n in range(30_000):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        phone = f"07{rng.randrange(10**8, 10**9)}"
        patients.append(
            Patient(
                first_name=first,
                last_name=last,
                date_of_birth=datetime.date(1940, 1, 1) + datetime.timedelta(days=n),
                phone=phone,
                search_name=fold(f"{first} {last}"),
                phone_digits=phone,
                archived=n % 20 == 0,
            )
        )
    patients[12_345].phone_digits = "07700900123"
    Patient.objects.bulk_create(patients)
    Episode.objects.bulk_create(
        Episode(patient=p, chief_complaint="Pain down the leg") for p in patients[::3]
    )
    with connection.cursor() as cursor:
        # What autovacuum does in the background: trigram rows out of the GIN's pending
        # list (new rows wait there), then fresh statistics.
        for index in ("patient_search_trgm", "patient_phone_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE clinic_patient")
        cursor.execute("ANALYZE clinic_episode")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
@pytest.mark.parametrize(
    ("search", "index"),
    [
        ("noor zielinski", "patient_search_trgm"),
        ("700 900 12", "patient_phone_trgm"),
        ("01/02/1980", "patient_dob_idx"),
    ],
    ids=["a name", "a phone fragment", "a date of birth"],
)
def test_each_kind_of_search_counts_its_matches_from_an_index(
    a_practice_of_30000_patients, search, index
):
    rows = Patient.objects.active().matching(search)
    assert index in rows.order_by()[:10_001].explain()  # the count reads the most rows
    assert "Seq Scan" not in rows.order_by("last_name", "first_name", "pk")[:25].explain()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_the_first_page_of_the_list_is_read_from_its_index(a_practice_of_30000_patients):
    rows = Patient.objects.active().order_by("last_name", "first_name", "pk")
    assert "patient_active_list_idx" in rows[:25].explain()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction only
@pytest.mark.parametrize("search", ["", "zoe"], ids=["the whole list", "a common name"])
def test_a_page_of_the_list_is_read_from_its_index_without_reading_the_table(
    a_practice_of_30000_patients, search
):
    with connection.cursor() as cursor:
        # What autovacuum does: the table's pages marked all-visible, so that an index
        # alone can answer (until then every row read from it is checked in the table).
        cursor.execute("VACUUM clinic_patient")
        cursor.execute("VACUUM clinic_episode")
    plan = explain_page(search, page=2)
    patients = [line.strip() for line in plan.splitlines() if " on clinic_patient" in line]
    # One scan of the patients, of the list's index alone: their table is not read.
    assert len(patients) == 1
    assert patients[0].startswith("->  Index Only Scan using patient_active_list_idx")
    assert "Heap Fetches: 0" in plan.split("SubPlan")[0]
    if search:
        assert "Filter: (search_name" in plan  # the name tested on the index's copy of it
    assert "Sort" not in plan  # the index gives the list's order


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's")
@pytest.mark.parametrize(
    "search", ["", "zoe", "700 900 12", "01/02/1980"], ids=["none", "name", "phone", "born"]
)
def test_the_episodes_are_counted_for_the_rows_shown_from_their_patient_index(
    a_practice_of_30000_patients, search
):
    plan = explain_page(search, page=1)
    assert "SubPlan" in plan  # counted in the page's own query
    episodes = plan.split("SubPlan")[1]
    assert "clinic_episode_patient_id" in episodes
    assert "Seq Scan" not in plan
    # Counted once for each row shown, after the page is cut (not for every match).
    shown = len(patient_page(search, show_archived=False, number=1).object_list)
    assert f"loops={shown})" in episodes


def explain_page(search: str, *, page: int) -> str:
    """The plan of the query that reads this page of the active list, as PostgreSQL ran it."""
    with CaptureQueriesContext(connection) as captured:
        patient_page(search, show_archived=False, number=page)
    sent = [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"]]
    assert len(sent) == 1, sent
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sent[0]}")
        return "\n".join(row[0] for row in cursor.fetchall())
