"""Pages for the practice: patients, episodes and the audit trail."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_http_methods

from clinic import audit
from clinic.forms import EpisodeForm, PatientForm
from clinic.models import AuditEvent, Episode, Patient

PAGE_SIZE = 25
LIST_ORDER = ("last_name", "first_name", "pk")
#: What the list shows of each patient: the columns its index holds (Patient.Meta.indexes).
LIST_COLUMNS = ("pk", "first_name", "last_name", "date_of_birth", "phone", "archived")
CLINICAL = "clinic.record_clinical"


def home(request: HttpRequest) -> HttpResponse:
    """Each role starts where its work is: practitioners on what needs their attention (red
    flags, answers to review), the front desk on the patients, the administrator in the
    clinic's admin."""
    if request.user.has_perm(CLINICAL):
        return redirect("questionnaire_dashboard")
    if not request.user.has_perm("clinic.view_patient") and request.user.is_staff:
        return redirect("admin:index")
    return redirect("patient_list")


@permission_required("clinic.view_patient", raise_exception=True)
def patient_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    show_archived = request.GET.get("archived") == "1"
    page = patient_page(query, show_archived=show_archived, number=request.GET.get("page"))
    context = {"page": page, "query": query, "show_archived": show_archived}
    detail = f"patient list; search: {query}" if query else "patient list"
    return audit.shown(request, render(request, "clinic/patient_list.html", context), detail=detail)


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: past that many, the front desk searches rather than pages,
    and counting every row of a large practice would cost more than the page itself. The
    whole list is counted to `CAP` (80 pages, "Page 1 of 80+"): at 100,000 patients on
    PostgreSQL, counting 10,000 rows took 2.2 ms, counting 2,000 took 0.4 ms.

    A search's matches are counted to `SEARCH_CAP` (20 pages): past that, typing more of the
    name finds the patient sooner than paging. Counting is the search's dearest query, one
    row read from the table for each match ("zoe" matches 2,900 of 100,000 patients: 2.5 ms
    to count them all, 0.7 ms to count 500).
    """

    CAP = 2_000
    SEARCH_CAP = 500

    def __init__(self, object_list: QuerySet[Patient], per_page: int, *, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def counted(self) -> int:
        rows = cast(QuerySet[Patient], self.object_list)  # paged here from a queryset only
        # The keys only: the rows' episode counts are for the page, not for counting.
        return rows.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap


def patient_page(query: str, *, show_archived: bool, number: Any) -> Page[Patient]:
    """One page of the list, each row with its number of episodes, in two queries: the
    capped count, then the page.

    The rows are counted and paged on the patient table alone (a join to count episodes
    would group every matching row before paging). The page reads only the columns a row
    shows, which the list's index holds with the folded name, so that a page of the active
    list, searched by name or not, is read from that index without the table; each row's
    episodes are counted in the same query, from the episodes' patient index, for the rows
    shown only (tests read the plans).
    """
    patients = Patient.objects.all() if show_archived else Patient.objects.active()
    patients = patients.matching(query).order_by(*LIST_ORDER)
    cap = CappedPaginator.SEARCH_CAP if query.strip() else CappedPaginator.CAP
    rows = patients.only(*LIST_COLUMNS).annotate(episode_count=episode_count())
    page = CappedPaginator(rows, PAGE_SIZE, cap=cap).get_page(number)
    page.object_list = list(page.object_list)  # read here, not while the page renders
    return page


def episode_count() -> Coalesce:
    """The number of episodes of the patient in the outer query, read from the episodes'
    patient index; PostgreSQL counts them for the rows of the page only, after its limit
    (a test reads the plan)."""
    episodes = (
        Episode.objects.filter(patient=OuterRef("pk"))
        .order_by()
        .values("patient")
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(episodes), 0)


@permission_required("clinic.add_patient", raise_exception=True)
def patient_create(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = form.save()
        audit.record(request, "create", patient)
        messages.success(request, f"{patient.full_name} is registered.")
        return redirect(patient)
    return render(request, "clinic/patient_form.html", {"form": form, "patient": None})


@permission_required("clinic.view_patient", raise_exception=True)
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    episodes = patient.episodes.select_related("practitioner")
    page = render(request, "clinic/patient_detail.html", {"patient": patient, "episodes": episodes})
    return audit.shown(request, page, patient)


@permission_required("clinic.change_patient", raise_exception=True)
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record(request, "change", patient, detail=", ".join(form.changed_data))
        messages.success(request, "The patient's details are saved.")
        return redirect(patient)
    # The form again, with the patient's details: shown data, so audited too.
    detail = "edit form" if request.method == "GET" else "edit form, not saved"
    audit.record(request, "view", patient, detail=detail)
    return render(request, "clinic/patient_form.html", {"form": form, "patient": patient})


@permission_required("clinic.change_patient", raise_exception=True)
@require_http_methods(["GET", "POST"])
def patient_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive (or restore) a patient: records are never deleted from the app."""
    patient = get_object_or_404(Patient, pk=pk)
    if request.method == "POST":
        patient.archived = not patient.archived
        patient.save(update_fields=["archived", "updated_at"])
        if patient.archived:
            audit.record(request, "archive", patient)
            messages.success(request, f"{patient.full_name} is archived.")
        else:
            audit.record(request, "change", patient, detail="restored from archive")
            messages.success(request, f"{patient.full_name} is restored.")
        return redirect(patient)
    audit.record(request, "view", patient, detail="archive confirmation")
    return render(request, "clinic/patient_archive.html", {"patient": patient})


@permission_required("clinic.add_episode", raise_exception=True)
def episode_create(request: HttpRequest, patient_pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=patient_pk)
    # A practitioner opens their own episodes; the front desk picks whose patient it is.
    initial = {"practitioner": request.user.pk} if request.user.has_perm(CLINICAL) else {}
    form = EpisodeForm(request.POST or None, initial=initial, instance=Episode(patient=patient))
    if request.method == "POST" and form.is_valid():
        episode = form.save()
        audit.record(request, "create", episode)
        messages.success(request, "The episode is open.")
        return redirect(episode)
    audit.record(request, "view", patient, detail="new episode form")
    return render(request, "clinic/episode_form.html", {"form": form, "patient": patient})


@permission_required("clinic.change_episode", raise_exception=True)
def episode_edit(request: HttpRequest, pk: int) -> HttpResponse:
    episode = get_object_or_404(Episode.objects.select_related("patient"), pk=pk)
    form = EpisodeForm(request.POST or None, instance=episode)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record(request, "change", episode, detail=", ".join(form.changed_data))
        messages.success(request, "The episode is saved.")
        return redirect(episode)
    detail = "edit form" if request.method == "GET" else "edit form, not saved"
    audit.record(request, "view", episode, detail=detail)
    context = {"form": form, "patient": episode.patient, "episode": episode}
    return render(request, "clinic/episode_form.html", context)


@permission_required("clinic.view_auditevent", raise_exception=True)
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first, filtered by patient or by user. Read-only."""
    patient_id = request.GET.get("patient", "")
    username = request.GET.get("user", "")
    filters = f"patient {patient_id or 'any'}, user {username or 'any'}"
    # Recorded first: the page counts its rows before it reads them.
    audit.record(request, "view", detail=f"audit trail; {filters}")
    events = AuditEvent.objects.select_related("patient")
    if patient_id.isdigit():
        events = events.filter(patient_id=int(patient_id))
    if username:
        events = events.filter(username=username)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    users = get_user_model().objects.order_by("username").values_list("username", flat=True)
    context = {"page": page, "patient_id": patient_id, "username": username, "users": users}
    return render(request, "clinic/audit_list.html", context)


@require_GET
def keepalive(request: HttpRequest) -> HttpResponse:
    """A signed-in page answering nothing: the session's idle time starts again."""
    return HttpResponse(status=204)
