"""The admin's tag autocomplete, limited to the tags that programmes use.

Images, documents and programmes share taggit's one `Tag` table, and Wagtail's own autocomplete
suggests every tag in it, so an editor tagging a programme would be offered words that someone
put on a photo or a document. This view answers at both of Wagtail's autocomplete addresses
(site/urls.py routes them here, ahead of the admin's own) in the same format: a JSON list of at
most ten names starting with `term`, and an empty list without a term.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.tags import TAGS_AUTOCOMPLETE_LIMIT

from .models import ProgrammeTag


@never_cache
@require_admin_access
def tag_autocomplete(request, app_name=None, model_name=None):
    """Programme tags whose names start with `term`; 404 for any other tag model."""
    tag_model = ProgrammeTag.tag_model()
    if app_name and model_name:
        try:
            content_type = ContentType.objects.get_by_natural_key(app_name, model_name)
        except ContentType.DoesNotExist as error:
            raise Http404 from error
        if content_type.model_class() is not tag_model:
            raise Http404

    term = request.GET.get("term", "")
    if not term:
        return JsonResponse([], safe=False)
    names = (
        tag_model.objects.filter(pk__in=ProgrammeTag.objects.values("tag_id"))
        .filter(name__istartswith=term)
        .order_by("name")
        .values_list("name", flat=True)[:TAGS_AUTOCOMPLETE_LIMIT]
    )
    return JsonResponse(list(names), safe=False)
