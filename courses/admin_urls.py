"""Wagtail's two tag autocomplete addresses, answered with programme tags only.

site/urls.py includes these under admin/tag-autocomplete/ before the admin's own URLs, so these
win; Wagtail's tag widget still finds them by its own URL names.
"""

from django.urls import path

from .admin_views import tag_autocomplete

urlpatterns = [
    path("", tag_autocomplete, name="programme_tag_autocomplete"),
    path(
        "<slug:app_name>/<slug:model_name>/",
        tag_autocomplete,
        name="programme_tag_model_autocomplete",
    ),
]
