from django.urls import path

from . import data

urlpatterns = [
    path("account/", data.account, name="pdp_account"),
    path("account/recovery-code/", data.recovery_code, name="pdp_recovery_code"),
    path("data/export.json", data.export_json, name="pdp_export_json"),
    path("data/export.pdf", data.export_pdf, name="pdp_export_pdf"),
    path("data/delete/", data.delete_account, name="pdp_delete_account"),
    path("data/deleted/", data.account_deleted, name="pdp_account_deleted"),
]
