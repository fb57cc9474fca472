from django.urls import path

from . import sharing

urlpatterns = [
    path("sharing/", sharing.sharing, name="pdp_sharing"),
    path("sharing/<int:pk>/revoke/", sharing.share_revoke, name="pdp_share_revoke"),
    path("sharing/invites/", sharing.invite_new, name="pdp_invite_new"),
    path("sharing/invites/<int:pk>/cancel/", sharing.invite_cancel, name="pdp_invite_cancel"),
    path("invite/<str:token>/", sharing.invite, name="pdp_invite"),
    path("shared-with-me/", sharing.shared_with_me, name="pdp_shared_with_me"),
    path(
        "shared/<int:share_id>/<str:section>/",
        sharing.shared_section,
        name="pdp_shared_section",
    ),
]
