"""Staff roles: the Coordinator and Lead groups and the permissions each holds.

The groups are created by the data migration `screening/migrations/*_roles.py`, which keeps its
own frozen copy of this table (a migration must not change meaning when this file changes).
`sync_roles()` applies the current table to the live database: `seed_demo` calls it, and so do
tests that run after a database flush (a flush empties groups; permissions come back through
`post_migrate`, groups do not).

- Coordinator: works cases. Sees every open case and its documents; changes (status, notes,
  records requests, coordination details) only the cases assigned to them; may take an
  unassigned case. Object-level rules live in screening/triage/access.py.
- Lead: everything a coordinator does, on any case, plus reassigning, the access log, the case
  history, the dashboard and coordinators' profiles.
Patients never log in: they reach their own case only through a status-page token.
"""

from django.db import transaction

COORDINATOR = "Coordinator"
LEAD = "Lead"

# "app_label.codename" per role.
COORDINATOR_PERMISSIONS = (
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
    # Their own profile only (languages, accepting cases); enforced by the admin.
    "screening.change_coordinatorprofile",
)
LEAD_PERMISSIONS = COORDINATOR_PERMISSIONS + (
    "screening.change_any_case",
    "screening.view_dashboard",
    "screening.view_accessrecords",
    "screening.view_accessrecord",
    "screening.view_historicalcase",
    "screening.add_coordinatorprofile",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    COORDINATOR: COORDINATOR_PERMISSIONS,
    LEAD: LEAD_PERMISSIONS,
}


def apply_roles(apps, roles: dict[str, tuple[str, ...]]) -> None:
    """Create each group and set exactly its permissions, using the given app registry.

    Works with a migration's historical registry and with the live one. Permissions are
    created first: on a fresh database `post_migrate` has not run yet when migrations do.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # create_permissions skips apps without a models module; historical app configs
        # have none, so flag them for the duration of the call.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = models_module

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, wanted in roles.items():
        group, _ = group_model.objects.get_or_create(name=name)
        permissions = []
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            permissions.append(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)


@transaction.atomic
def sync_roles() -> None:
    """Create or correct the Coordinator and Lead groups in the live database."""
    from django.apps import apps

    apply_roles(apps, ROLE_PERMISSIONS)
