import pytest
from django.db import connection

from clinic.models import Patient
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
