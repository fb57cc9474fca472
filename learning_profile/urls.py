from django.urls import include, path

from . import course_views, views

urlpatterns = [
    path("", views.home, name="pdp_home"),
    path("about/", views.about, name="pdp_about"),
    path("needs/", views.needs, name="pdp_needs"),
    path("needs/new/", views.needs_new, name="pdp_needs_new"),
    path("needs/<int:pk>/delete/", views.needs_delete, name="pdp_needs_delete"),
    path("goals/", views.goals, name="pdp_goals"),
    path("goals/new/", views.goal_new, name="pdp_goal_new"),
    path("goals/<int:pk>/", views.goal, name="pdp_goal"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="pdp_goal_edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="pdp_goal_delete"),
    path("goals/<int:pk>/steps/", views.step_add, name="pdp_step_add"),
    path("goals/<int:pk>/steps/<int:step_pk>/done/", views.step_toggle, name="pdp_step_toggle"),
    path(
        "goals/<int:pk>/steps/<int:part_pk>/",
        views.part_edit,
        {"kind": "step"},
        name="pdp_step_edit",
    ),
    path("goals/<int:pk>/obstacles/", views.obstacle_add, name="pdp_obstacle_add"),
    path(
        "goals/<int:pk>/obstacles/<int:part_pk>/",
        views.part_edit,
        {"kind": "obstacle"},
        name="pdp_obstacle_edit",
    ),
    path("courses/", course_views.my_courses, name="my_courses"),
    path("courses/<int:pk>/", course_views.my_course, name="my_course"),
    path("courses/<int:pk>/leave/", course_views.withdraw, name="my_course_leave"),
    path(
        "courses/<int:pk>/sessions/<int:number>/feedback/",
        course_views.feedback,
        name="my_course_feedback",
    ),
    path(
        "certificates/<str:code>/certificate.pdf",
        course_views.certificate_pdf,
        name="my_certificate_pdf",
    ),
    path("", include("learning_profile.sharing_urls")),
    path("", include("learning_profile.data_urls")),
]

for kind in views.RECORDS:
    urlpatterns += [
        path(f"{kind}/", views.record_list, {"kind": kind}, name=f"pdp_{kind}"),
        path(f"{kind}/new/", views.record_new, {"kind": kind}, name=f"pdp_{kind}_new"),
        path(f"{kind}/<int:pk>/", views.record_edit, {"kind": kind}, name=f"pdp_{kind}_edit"),
    ]
