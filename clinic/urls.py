from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinic import twofactor, views
from clinic.forms import StaffLoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<int:pk>/", views.patient_detail, name="patient_detail"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<int:pk>/archive/", views.patient_archive, name="patient_archive"),
    path("patients/<int:patient_pk>/episodes/new/", views.episode_create, name="episode_create"),
    path("episodes/<int:pk>/edit/", views.episode_edit, name="episode_edit"),
    path("audit/", views.audit_list, name="audit_list"),
    path("accounts/keepalive/", views.keepalive, name="keepalive"),
    path("accounts/two-factor/", twofactor.setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", twofactor.verify, name="two_factor_verify"),
    path("", include("intake.urls")),
    path("", include("plans.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=StaffLoginForm),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "clinic.errors.bad_request"
handler403 = "clinic.errors.permission_denied"
handler404 = "clinic.errors.page_not_found"
handler500 = "clinic.errors.server_error"
