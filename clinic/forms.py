import datetime
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from clinic.audit import client_address
from clinic.models import Episode, Patient, display_name, validate_phone
from clinic.roles import PRACTITIONER

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PatientForm(forms.ModelForm):
    confirm_duplicate = forms.BooleanField(
        required=False,
        label="This is a different person who has the same name and date of birth",
    )

    class Meta:
        model = Patient
        fields = ["first_name", "last_name", "date_of_birth", "sex", "email", "phone", "notes"]
        widgets = {"date_of_birth": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"notes": "Administrative notes (not clinical findings)."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duplicates: QuerySet[Patient] = Patient.objects.none()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Div(
                Div("first_name", css_class="col-sm-6"),
                Div("last_name", css_class="col-sm-6"),
                css_class="row",
            ),
            Div(
                Div("date_of_birth", css_class="col-sm-6"),
                Div("sex", css_class="col-sm-6"),
                css_class="row",
            ),
            Div(
                Div(Field("email", autocomplete="off"), css_class="col-sm-6"),
                Div(Field("phone", type="tel", autocomplete="off"), css_class="col-sm-6"),
                css_class="row",
            ),
            "notes",
            Submit("save", "Save patient"),
        )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        validate_phone(phone)
        return phone

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        first, last, born = (cleaned.get(k) for k in ("first_name", "last_name", "date_of_birth"))
        if first and last and born:
            self.duplicates = Patient.objects.same_person(first, last, born).exclude(
                pk=self.instance.pk
            )
            if self.duplicates.exists() and not cleaned.get("confirm_duplicate"):
                existing = self.duplicates.first()
                assert existing is not None  # exists() said so
                self.helper.layout.insert(len(self.helper.layout) - 1, "confirm_duplicate")
                raise forms.ValidationError(
                    format_html(
                        'A patient named {} born {} is already registered: <a href="{}">open '
                        "their record</a>. If this is a different person, tick the box below "
                        "and save again.",
                        existing.full_name,
                        born.strftime("%d %b %Y"),
                        existing.get_absolute_url(),
                    ),
                    code="duplicate",
                )
        return cleaned


def practitioners() -> QuerySet[User]:
    return (
        get_user_model()
        .objects.filter(groups__name=PRACTITIONER, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


class PractitionerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return display_name(obj)


class EpisodeForm(forms.ModelForm):
    practitioner = PractitionerChoiceField(queryset=practitioners(), required=False)

    class Meta:
        model = Episode
        fields = ["chief_complaint", "practitioner", "opened", "status"]
        widgets = {"opened": DATE_WIDGET}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = practitioners()  # type: ignore[attr-defined]  # a ModelChoiceField, typed as Field
        if self.instance.pk is None:
            del self.fields["status"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save episode"))


class StaffLoginForm(AuthenticationForm):
    """Sign-in, with the user name's length checked before anything is looked up, and
    every sign-in from an address paused once it has failed too often across names."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(self.username_field.max_length or 150))

    def clean(self) -> dict[str, Any]:
        if self.request is not None and address_paused(self.request):
            raise forms.ValidationError(
                "Too many failed sign-ins from this address: please wait 15 minutes, or ask "
                "the clinic administrator.",
                code="address_paused",
            )
        return super().clean()


def address_paused(request: HttpRequest) -> bool:
    """Whether this address failed ADDRESS_FAILURE_LIMIT times within the cool-off."""
    from axes.models import AccessAttempt

    since = timezone.now() - datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    failures = AccessAttempt.objects.filter(
        ip_address=client_address(request), attempt_time__gte=since
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return (failures or 0) >= settings.ADDRESS_FAILURE_LIMIT
