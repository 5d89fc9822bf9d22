# Data migration: the staff roles. A frozen copy of screening/core/roles.py as of this
# migration (tests/admin/test_roles.py checks the two agree); change roles in a new migration.

from django.db import migrations

COORDINATOR = (
    "screening.view_case",
    "screening.change_case",
    "screening.view_document",
    "screening.view_note",
    "screening.add_note",
    "screening.view_caseevent",
    "screening.view_screeningrun",
    "screening.view_productverdict",
    "screening.view_recordsrequest",
    "screening.add_recordsrequest",
    "screening.view_coordinatorprofile",
    "screening.change_coordinatorprofile",
)
LEAD = COORDINATOR + (
    "screening.change_any_case",
    "screening.view_dashboard",
    "screening.view_accessrecords",
    "screening.view_accessrecord",
    "screening.view_historicalcase",
    "screening.add_coordinatorprofile",
)
ROLES = {"Coordinator": COORDINATOR, "Lead": LEAD}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (post_migrate); make sure they
    # exist now. Historical app configs have no models module, which create_permissions skips.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
