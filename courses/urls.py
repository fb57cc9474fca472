from django.urls import path, re_path

from . import run_views, trainer_views, views
from .models import StoredPDF

SLUG = r"[-a-zA-Z0-9_]+"

urlpatterns = [
    path("organisations/self-assessment/", views.self_assessment, name="self_assessment"),
    path(
        "organisations/self-assessment/action-plan.pdf",
        views.self_assessment_plan,
        name="self_assessment_plan",
    ),
    path(
        "organisations/self-assessment/save/",
        views.self_assessment_save,
        name="self_assessment_save",
    ),
    path(
        "organisations/self-assessment/saved/<str:token>/",
        views.self_assessment_saved,
        name="self_assessment_saved",
    ),
    path(
        "organisations/self-assessment/saved/<str:token>/action-plan.pdf",
        views.self_assessment_saved_plan,
        name="self_assessment_saved_plan",
    ),
    path(
        "organisations/self-assessment/saved/<str:token>/delete/",
        views.self_assessment_delete,
        name="self_assessment_delete",
    ),
    path("downloads/", views.downloads, name="downloads"),
    # Course runs, public and for learners
    path("course-runs/<int:pk>/", run_views.run_page, name="run_page"),
    path("course-runs/<int:pk>/join/", run_views.join, name="run_join"),
    path("course-runs/invite/<str:token>/", run_views.invite, name="run_invite"),
    path("certificates/<str:code>/", run_views.verify, name="certificate_verify"),
    # The trainer's pages
    path("trainer/", trainer_views.dashboard, name="trainer_dashboard"),
    path("trainer/profile/", trainer_views.profile, name="trainer_profile"),
    path("trainer/sign-off/", trainer_views.sign_off, name="trainer_sign_off"),
    path("trainer/runs/new/", trainer_views.run_new, name="trainer_run_new"),
    path("trainer/runs/<int:pk>/", trainer_views.run_detail, name="trainer_run"),
    path("trainer/runs/<int:pk>/edit/", trainer_views.run_edit, name="trainer_run_edit"),
    path(
        "trainer/runs/<int:pk>/schedule/", trainer_views.run_schedule, name="trainer_run_schedule"
    ),
    path("trainer/runs/<int:pk>/add/", trainer_views.add_learner, name="trainer_add_learner"),
    path("trainer/runs/<int:pk>/invite/", trainer_views.make_invite, name="trainer_invite"),
    path("trainer/runs/<int:pk>/close/", trainer_views.close, name="trainer_close"),
    path(
        "trainer/runs/<int:pk>/certificates.pdf",
        trainer_views.run_certificates,
        name="trainer_certificates",
    ),
    path(
        "trainer/runs/<int:pk>/enrolments/<int:enrolment_pk>/<str:action>/",
        trainer_views.enrolment_action,
        name="trainer_enrolment",
    ),
    path(
        "trainer/runs/<int:pk>/sessions/<int:number>/register/",
        trainer_views.register,
        name="trainer_register",
    ),
    path(
        "trainer/runs/<int:pk>/sessions/<int:number>/sign-in-sheet.pdf",
        trainer_views.sign_in_sheet,
        name="trainer_sign_in_sheet",
    ),
    re_path(
        rf"^programmes/(?P<programme_slug>{SLUG})/course-pack\.pdf$",
        views.programme_pack,
        {"variant": StoredPDF.Variant.COURSE},
        name="course_pack",
    ),
    re_path(
        rf"^programmes/(?P<programme_slug>{SLUG})/trainer-pack\.pdf$",
        views.programme_pack,
        {"variant": StoredPDF.Variant.TRAINER},
        name="trainer_pack",
    ),
    re_path(
        rf"^programmes/(?P<programme_slug>{SLUG})/(?P<session_slug>{SLUG})/handouts\.pdf$",
        views.session_handouts,
        name="session_handouts",
    ),
]
