from django.urls import path

from plans import export_views, patient_views, views, visit_views

urlpatterns = [
    # What needs attention: the questionnaires' and the visits' red flags, answers to review.
    path("dashboard/", visit_views.dashboard, name="questionnaire_dashboard"),
    # The patient's own page between visits: no login, the link is the key.
    path("c/<str:token>/", patient_views.open_course_link, name="course_link"),
    path("my-course/check/", patient_views.check_birth_date, name="course_link_check"),
    path("my-course/", patient_views.course_home, name="course_home"),
    path("my-course/visits.ics", patient_views.course_calendar, name="course_calendar"),
    path(
        "episodes/<int:pk>/course/link/", visit_views.course_link_create, name="course_link_create"
    ),
    path(
        "episodes/<int:pk>/course/link/<int:link>/",
        visit_views.course_link_show,
        name="course_link_show",
    ),
    path("episodes/<int:pk>/", views.episode_detail, name="episode_detail"),
    path("episodes/<int:pk>/export/fhir/", export_views.episode_fhir, name="episode_fhir"),
    path(
        "episodes/<int:pk>/export/case/", export_views.episode_case_file, name="episode_case_file"
    ),
    path("patients/<int:pk>/record.zip", export_views.patient_record, name="patient_record"),
    path("episodes/<int:pk>/exam/", views.exam_edit, name="exam_edit"),
    path("episodes/<int:pk>/exam/assessment/", views.assessment_preview, name="assessment_preview"),
    path("episodes/<int:pk>/diagnosis/", views.diagnosis_record, name="diagnosis_record"),
    path("episodes/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/revise/", views.plan_revise, name="plan_revise"),
    path("plans/<int:pk>/referral-sent/", views.referral_sent, name="referral_sent"),
    path("plans/<int:pk>/print/<str:variant>/<str:paper>/", views.plan_print, name="plan_print"),
    path(
        "plans/<int:pk>/preview/<str:variant>/", views.plan_print_preview, name="plan_print_preview"
    ),
    path("courses/", visit_views.course_list, name="course_list"),
    path("episodes/<int:pk>/course/", visit_views.course_detail, name="course_detail"),
    path("episodes/<int:pk>/visits/<int:number>/", visit_views.visit_edit, name="visit_edit"),
    path("episodes/<int:pk>/visits/<int:number>/sign/", visit_views.visit_sign, name="visit_sign"),
    path(
        "episodes/<int:pk>/visits/<int:number>/addendum/",
        visit_views.visit_addendum,
        name="visit_addendum",
    ),
    path(
        "episodes/<int:pk>/visits/<int:number>/status/",
        visit_views.visit_status,
        name="visit_status",
    ),
    path(
        "episodes/<int:pk>/progress/<str:variant>/",
        visit_views.progress_report,
        name="progress_report",
    ),
    path("episodes/<int:pk>/review/", visit_views.review_decide, name="review_decide"),
]
