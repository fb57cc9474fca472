from django.urls import path, re_path

from . import views
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
