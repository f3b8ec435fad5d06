from django.contrib import admin
from django.urls import include, path

from clinic import views

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
    path("", include("intake.urls")),
    path("", include("plans.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
