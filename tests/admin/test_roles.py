"""The roles migration: Coordinator and Lead groups with exactly the permissions they need."""

import importlib

import pytest
from django.contrib.auth.models import Group

from screening.core.roles import COORDINATOR, LEAD, ROLE_PERMISSIONS, sync_roles
from tests.factories import CoordinatorFactory, LeadFactory

pytestmark = pytest.mark.django_db


def permissions_of(name):
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_migration_created_both_roles_with_the_current_permissions():
    # The test database was built by running the migrations.
    for name, wanted in ROLE_PERMISSIONS.items():
        assert permissions_of(name) == set(wanted)


def test_the_migration_keeps_a_frozen_copy_equal_to_the_current_roles():
    migration = importlib.import_module("screening.migrations.0002_roles")
    assert {name: set(perms) for name, perms in migration.ROLES.items()} == {
        name: set(perms) for name, perms in ROLE_PERMISSIONS.items()
    }


def test_sync_roles_repairs_edited_groups_and_is_idempotent():
    Group.objects.get(name=LEAD).permissions.clear()
    Group.objects.filter(name=COORDINATOR).delete()
    sync_roles()
    sync_roles()
    assert Group.objects.filter(name__in=[COORDINATOR, LEAD]).count() == 2
    assert permissions_of(LEAD) == set(ROLE_PERMISSIONS[LEAD])


def test_leads_can_do_what_coordinators_can_and_more():
    coordinator, lead = CoordinatorFactory(), LeadFactory()
    assert coordinator.has_perm("screening.change_case")
    assert not coordinator.has_perm("screening.change_any_case")
    assert not coordinator.has_perm("screening.view_accessrecords")
    assert not coordinator.has_perm("screening.view_dashboard")
    assert not coordinator.has_perm("screening.delete_case")
    for perm in ROLE_PERMISSIONS[LEAD]:
        assert lead.has_perm(perm)
    assert not lead.has_perm("screening.delete_case")
