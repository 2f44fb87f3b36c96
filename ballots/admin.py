from django.contrib import admin

from .models import ElectionKey, ScrutinParameters

# The émargements have no admin page: the bureau's émargement list (ballots/bureau/, scoped to
# the member's own election, by name, with the day of each vote and never its time, every
# reading audited) is the one place they are read. An émargement's exact time set against
# the public ballot box read over the day would tie a voter to their encrypted ballot, and
# nothing may make that easier (DESIGN.md §4); the voter's own émargement has the time.


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the services only (casting, opening); the admin shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ElectionKey)
class ElectionKeyAdmin(ReadOnlyAdmin):
    list_display = ["election", "origin", "public_key", "created"]


@admin.register(ScrutinParameters)
class ScrutinParametersAdmin(ReadOnlyAdmin):
    list_display = ["scrutin", "fingerprint", "created"]
    list_select_related = ["scrutin"]
