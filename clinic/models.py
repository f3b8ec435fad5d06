"""The practice: its letterhead, its patients, their episodes of care, and the audit trail."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

# Re-exported: forms, plans and the PDF name staff members through the models module.
from clinic.names import display_name as display_name
from clinic.prepared import Prepared


def fold(text: str) -> str:
    """Lower-case, accent-free form of a name used for searching: "Zoë" -> "zoe"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def same_name(typed: str, on_record: str) -> bool:
    """Whether a typed name is the name on record, accents, case, spacing and hyphens aside."""

    def plain(name: str) -> str:
        return "".join(fold(name.replace("-", " ")).split())

    return bool(plain(typed)) and plain(typed) == plain(on_record)


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


PHONE_CHARACTERS = set("0123456789 +-().")


def validate_phone(phone: str) -> None:
    """A number someone can ring: digits, spaces and + - ( ), with 6 digits at least."""
    if phone and (len(digits(phone)) < 6 or not set(phone) <= PHONE_CHARACTERS):
        raise ValidationError("Enter a phone number using digits, spaces, + - ( ).")


class ClinicSettings(models.Model):
    """The clinic's own details, printed on letters and plans. There is one row."""

    name = models.CharField(max_length=200, default="Our acupuncture clinic")
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    logo = models.ImageField(upload_to="clinic/", blank=True)
    print_footer = models.TextField(
        blank=True, help_text="Printed at the foot of every plan and letter."
    )
    require_two_factor = models.BooleanField(
        "require two-factor sign-in",
        default=False,
        help_text="Every staff member then needs a code from an authenticator app as well as "
        "their password; those not enrolled yet are asked to enrol when they next sign in.",
    )

    class Meta:
        verbose_name = "clinic settings"
        verbose_name_plural = "clinic settings"

    def __str__(self) -> str:
        return self.name

    @classmethod
    def load(cls) -> ClinicSettings:
        """The one row of settings, made with the defaults on first use."""
        return _SETTINGS_ROW.first(1) or cls.objects.get_or_create(pk=1)[0]


#: The settings row, read on most pages: compiled once (`clinic.prepared`).
_SETTINGS_ROW = Prepared(lambda pk: ClinicSettings.objects.filter(pk=pk))


class PatientQuerySet(models.QuerySet["Patient"]):
    def active(self) -> PatientQuerySet:
        return self.filter(archived=False)

    def same_person(self, first_name: str, last_name: str, born: datetime.date) -> PatientQuerySet:
        """Records with this name and date of birth: probably the same person."""
        return self.filter(search_name=fold(f"{first_name} {last_name}"), date_of_birth=born)

    def matching(self, query: str) -> PatientQuerySet:
        """Patients whose name, date of birth or phone matches what the front desk typed.

        Names match on their folded form, so "zoe" finds "Zoë". What is mostly digits is
        a phone number (a name holds none), matched on the phone's digits alone. On
        PostgreSQL each `contains` lookup is served by a trigram index.
        """
        query = query.strip()
        if not query:
            return self
        day = parse_day(query)
        if day is not None:
            return self.filter(date_of_birth=day)
        phone = digits(query)
        if len(phone) >= 4 and len(phone) >= len(query.replace(" ", "")) - 2:
            return self.filter(phone_digits__contains=phone)
        condition = models.Q()
        for word in fold(query).split():
            condition &= models.Q(search_name__contains=word)
        return self.filter(condition)


DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


def parse_day(text: str) -> datetime.date | None:
    for fmt in DAY_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


class Patient(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept in step with the fields above by save(), for searching.
    search_name = models.TextField(editable=False, default="")
    phone_digits = models.CharField(max_length=40, editable=False, default="")

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "date_of_birth", "pk"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="patient_name_idx"),
            models.Index(fields=["date_of_birth"], name="patient_dob_idx"),
            GinIndex(
                fields=["search_name"], name="patient_search_trgm", opclasses=["gin_trgm_ops"]
            ),
            GinIndex(
                fields=["phone_digits"], name="patient_phone_trgm", opclasses=["gin_trgm_ops"]
            ),
            # The patient list: active patients in the list's order, paged and counted
            # from the index alone. It holds what a row of the list shows
            # (clinic.views.LIST_COLUMNS) and the folded name, so that a page, searched
            # by name or not, is read from the index without the table (PostgreSQL;
            # SQLite leaves `include` out).
            models.Index(
                fields=["last_name", "first_name", "id"],
                name="patient_active_list_idx",
                condition=models.Q(archived=False),
                include=["search_name", "date_of_birth", "phone", "archived"],
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.search_name = fold(f"{self.first_name} {self.last_name}")
        self.phone_digits = digits(self.phone)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("patient_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: datetime.date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def clean(self) -> None:
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": "The date of birth is in the future."})
        if self.date_of_birth and self.date_of_birth.year < 1900:
            raise ValidationError({"date_of_birth": "Please check the year of birth."})


class Episode(models.Model):
    """One course of care for one complaint."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        REFERRED = "referred", "Referred on"
        CLOSED = "closed", "Closed"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="episodes",
        null=True,
        blank=True,
    )
    opened = models.DateField(
        "first visit",
        default=timezone.localdate,
        help_text="The day of the first appointment: today, or the day it is booked for.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    chief_complaint = models.CharField(
        "chief complaint",
        max_length=300,
        help_text="In the patient's words, e.g. 'pain down the back of the right leg'.",
    )
    # When a referral letter was sent (printed, or marked sent), and by whom.
    referred_at = models.DateTimeField("referral sent", null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="referral sent by",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened", "-pk"]
        permissions = [
            ("record_clinical", "Can record and change clinical findings and plans"),
        ]

    def __str__(self) -> str:
        return f"{self.chief_complaint} (opened {self.opened:%d %b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("episode_detail", args=[self.pk])

    #: How far ahead a first visit may be booked when the episode is opened.
    BOOKED_AHEAD = datetime.timedelta(days=180)

    def clean(self) -> None:
        if self.opened and self.opened > timezone.localdate() + self.BOOKED_AHEAD:
            raise ValidationError(
                {"opened": "The first visit is more than six months away: please check the date."}
            )


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit trail is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """Who saw, changed, printed or exported which patient's data, when and from where.

    Append-only: rows are written by `clinic.audit.record` and never changed. Each row
    carries `seal`, a keyed hash (HMAC-SHA256, `AUDIT_KEY`) of its fields and of the seal of
    the row before it, so that a row changed, removed or inserted by any means breaks the
    chain (`manage.py verify_audit`); on PostgreSQL a trigger also refuses UPDATE and DELETE.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        ARCHIVE = "archive", "Archived"
        PRINT = "print", "Printed"
        EXPORT = "export", "Exported"
        DENY = "deny", "Refused"
        STAFF = "staff", "Changed staff or settings"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database constraint and nothing done on delete: deleting a staff account leaves
    # its events as they were, with its id and its name.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=10, choices=Action)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    seal = models.CharField(max_length=64, editable=False, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["patient", "-at"], name="audit_patient_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail is append-only.")

    def sealed_fields(self) -> list[Any]:
        """What the seal covers, in a form that reads the same before and after saving."""
        ip = self._meta.get_field("ip_address").get_prep_value(self.ip_address)  # type: ignore[union-attr]
        return [
            self.at.astimezone(datetime.UTC).isoformat(),
            self.user_id,
            self.username,
            self.action,
            self.patient_id,
            self.object_type,
            self.object_id,
            self.detail,
            self.path,
            ip,
        ]

    def compute_seal(self, previous: str) -> str:
        message = json.dumps([previous, *self.sealed_fields()], ensure_ascii=False)
        key = settings.AUDIT_KEY.encode()
        return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
