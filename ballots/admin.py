from django.contrib import admin

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
    list_display = ["voter", "scrutin", "voted_at"]
    list_filter = ["scrutin__election", "scrutin"]
    search_fields = ["voter__matricule", "voter__last_name"]
    list_select_related = ["voter", "scrutin"]
    date_hierarchy = "voted_at"


@admin.register(ElectionKey)
class ElectionKeyAdmin(ReadOnlyAdmin):
    list_display = ["election", "origin", "public_key", "created"]


@admin.register(ScrutinParameters)
class ScrutinParametersAdmin(ReadOnlyAdmin):
    list_display = ["scrutin", "fingerprint", "created"]
    list_select_related = ["scrutin"]
