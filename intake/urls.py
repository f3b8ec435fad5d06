from django.urls import path

from intake import patient_views, staff_views

urlpatterns = [
    # The patient's pages: no login, the link is the key.
    path("q/<str:token>/", patient_views.open_link, name="questionnaire_link"),
    path("questionnaire/", patient_views.start, name="questionnaire_start"),
    path("questionnaire/check/", patient_views.check_birth_date, name="questionnaire_check"),
    path("questionnaire/done/", patient_views.done, name="questionnaire_done"),
    path("questionnaire/files/", patient_views.upload_create, name="questionnaire_upload"),
    path(
        "questionnaire/files/<int:pk>/remove/",
        patient_views.upload_remove,
        name="questionnaire_upload_remove",
    ),
    path("questionnaire/<slug:slug>/", patient_views.step, name="questionnaire_step"),
    # Staff pages.
    path(
        "episodes/<int:episode_pk>/questionnaire-links/",
        staff_views.invitation_create,
        name="invitation_create",
    ),
    path("questionnaire-links/<int:pk>/", staff_views.invitation_show, name="invitation_show"),
    path(
        "questionnaire-links/<int:pk>/resend/",
        staff_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "questionnaire-links/<int:pk>/revoke/",
        staff_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "questionnaire-links/<int:pk>/unlock/",
        staff_views.invitation_unlock,
        name="invitation_unlock",
    ),
    path(
        "episodes/<int:episode_pk>/questionnaire/reviewed/",
        staff_views.questionnaire_reviewed,
        name="questionnaire_reviewed",
    ),
    path("questionnaire-files/<int:pk>/", staff_views.upload_download, name="upload_download"),
]
