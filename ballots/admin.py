from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format

from .models import ElectionKey, Emargement, ScrutinParameters


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the services only (casting, opening); the admin shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Emargement)
class EmargementAdmin(ReadOnlyAdmin):
    """Who voted, and on which day. Not the time: set against the public ballot box read
    over the day, an émargement's exact time, or the order of the votes, would tie a voter
    to their (encrypted) ballot, and nothing may make that easier (DESIGN.md §4). The
    voter's own émargement has the time."""

    list_display = ["voter", "scrutin", "voted_on"]
    fields = ["voter", "scrutin", "voted_on"]
    readonly_fields = ["voted_on"]
    list_filter = ["scrutin__election", "scrutin"]
    search_fields = ["voter__matricule", "voter__last_name"]
    list_select_related = ["voter", "scrutin"]
    # By name, never by time: the order of the votes is what must not show.
    ordering = ["scrutin", "voter__last_name", "voter__first_name", "voter__matricule"]
    date_hierarchy = "voted_at"

    @admin.display(description="a voté le")
    def voted_on(self, obj) -> str:
        return date_format(timezone.localtime(obj.voted_at), "l j F Y")


@admin.register(ElectionKey)
class ElectionKeyAdmin(ReadOnlyAdmin):
    list_display = ["election", "origin", "public_key", "created"]


@admin.register(ScrutinParameters)
class ScrutinParametersAdmin(ReadOnlyAdmin):
    list_display = ["scrutin", "fingerprint", "created"]
    list_select_related = ["scrutin"]
