"""A model admin whose rows nobody adds, changes or deletes through the admin."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept by the system (documents, the access log): read, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
