from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import translation_status, views
from .models import AssessmentStage, Audience, Obstacle, ProgrammePage


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    menu_label = "Audiences"
    list_display = ["name", "slug"]
    list_filter = ["locale"]


register_snippet(AudienceViewSet)


@hooks.register("register_admin_urls")
def register_pack_preview_urls():
    return [
        path(
            "courses/translations/",
            translation_status.translation_status,
            name="courses_translation_status",
        ),
        path(
            "courses/programmes/<int:page_id>/preview-pack/<str:variant>/",
            views.preview_pack,
            name="courses_preview_pack",
        ),
    ]


def _preview_buttons(page, user):
    if page.specific_class is not ProgrammePage or not page.permissions_for_user(user).can_edit():
        return
    yield Button(
        _("Preview course pack"),
        reverse("courses_preview_pack", args=[page.pk, "course"]),
        icon_name="doc-full",
        priority=25,
        attrs={"target": "_blank", "rel": "noopener"},
    )
    yield Button(
        _("Preview trainer pack"),
        reverse("courses_preview_pack", args=[page.pk, "trainer"]),
        icon_name="doc-full",
        priority=26,
        attrs={"target": "_blank", "rel": "noopener"},
    )


@hooks.register("register_page_header_buttons")
def pack_preview_header_buttons(page, user, view_name, next_url=None):
    yield from _preview_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def pack_preview_listing_buttons(page, user, next_url=None):
    yield from _preview_buttons(page, user)


class AssessmentStageViewSet(SnippetViewSet):
    model = AssessmentStage
    icon = "list-ol"
    menu_label = "Self-assessment stages"
    list_display = ["number", "title"]
    list_filter = ["locale"]


class ObstacleViewSet(SnippetViewSet):
    model = Obstacle
    icon = "warning"
    menu_label = "Obstacles and solutions"
    list_display = ["title", "stage"]
    list_filter = ["stage", "locale"]
    search_fields = ["title", "description"]


register_snippet(AssessmentStageViewSet)
register_snippet(ObstacleViewSet)


@hooks.register("register_reports_menu_item")
def register_translation_status_menu_item():
    return MenuItem(
        _("Translations"), reverse("courses_translation_status"), icon_name="globe", order=700
    )
