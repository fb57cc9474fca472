"""The four groups: Editors, Moderators, Peer trainers, Learners.

Editors and Moderators can reach the Wagtail admin, use images and documents, and keep the
crisis contacts up to date; Moderators also change site settings. Their page permissions and
the moderation workflow on the programmes section are set where those pages are created
(content/importer.py), since the pages do not exist when migrations run.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Editors", "Moderators", "Peer trainers", "Learners"]

STAFF_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("emilia", "add_crisiscontact"),
    ("emilia", "change_crisiscontact"),
    ("emilia", "delete_crisiscontact"),
]
MODERATOR_ONLY = [("emilia", "change_sitesettings"), ("courses", "change_audience")]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    def permission(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in GROUPS}
    root_collection = Collection.objects.filter(depth=1).first()
    for name in ("Editors", "Moderators"):
        group = groups[name]
        extra = MODERATOR_ONLY if name == "Moderators" else []
        group.permissions.add(*(permission(*item) for item in STAFF_PERMISSIONS + extra))
        if root_collection:
            for item in COLLECTION_PERMISSIONS:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission(*item)
                )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("emilia", "0001_initial"),
        ("courses", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
