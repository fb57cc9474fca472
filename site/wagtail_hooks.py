from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CrisisContact


class CrisisContactViewSet(SnippetViewSet):
    model = CrisisContact
    icon = "help"
    menu_label = "Crisis contacts"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "country", "phone", "hours", "is_emergency"]
    list_filter = ["country", "is_emergency", "locale"]
    search_fields = ["name", "country"]


register_snippet(CrisisContactViewSet)
