from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks
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


@hooks.register("register_account_menu_item")
def two_step_sign_in(request):
    """Under Account in the admin: make new recovery codes, or set up a new phone."""
    return {
        "url": reverse("two_factor_recovery_codes"),
        "label": _("Two-step sign-in"),
        "help_text": _("Make new recovery codes, or set up the authenticator app on a new phone."),
    }
