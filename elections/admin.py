from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache

from accounts.admin import scoped_to_user
from accounts.audit import audit_verify
from accounts.audit_admin import AuditedModelAdmin
from accounts.trail import reassort_trail

from .context_processors import footer_pages_forget
from .models import (
    BureauMember,
    Candidate,
    CandidateList,
    Election,
    Establishment,
    Page,
    RollEntry,
    Scrutin,
    VoterRequest,
)


@admin.register(Establishment)
class EstablishmentAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class ScrutinInline(admin.TabularInline):
    model = Scrutin
    extra = 0
    fields = ["order", "code", "name", "kind", "seats"]
    show_change_link = True


class BureauMemberInline(admin.TabularInline):
    model = BureauMember
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["role", "index", "user", "active"]

    def has_delete_permission(self, request, obj=None):
        # Delegate numbers are never reused: a member leaves by being deactivated.
        return False


@admin.register(Election)
class ElectionAdmin(AuditedModelAdmin):
    list_display = ["name", "opens", "closes", "state", "login_mode", "captcha_enabled", "vote_code_enabled"]
    list_filter = ["state"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    # The state changes through the life cycle services only (opening checks the key
    # and freezes the scrutins' parameters); the admin shows it.
    readonly_fields = ["id", "state"]
    inlines = [ScrutinInline, BureauMemberInline]
    fieldsets = [
        (None, {"fields": ["id", "name", "slug", "state"]}),
        ("Période de vote (heure de Paris)", {"fields": ["opens", "closes"]}),
        ("Support électeurs", {"fields": ["support_phones", "support_hours"]}),
        ("Connexion", {"fields": ["login_mode", "captcha_enabled", "vote_code_enabled"]}),
        (
            "Réassort : seuils d'alerte",
            {"fields": ["reassort_flag_staff_per_hour", "reassort_flag_address_per_day"]},
        ),
    ]
    change_form_template = "admin/elections/election/change_form.html"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/reassorts/",
                self.admin_site.admin_view(never_cache(self.reassort_trail_view)),
                name="elections_election_reassorts",
            ),
            *super().get_urls(),
        ]

    def reassort_trail_view(self, request, object_id):
        """For the bureau: the réassort trail of this election, checked and counted."""
        if not request.user.has_perm("accounts.view_auditentry"):
            raise PermissionDenied
        election = self.get_object(request, object_id)
        if election is None:
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": election,
            "election": election,
            "title": "Suivi des réassorts",
            "chain": audit_verify(),
            "report": reassort_trail(election),
        }
        return render(request, "admin/elections/election/reassorts.html", context)


class CandidateListInline(admin.TabularInline):
    model = CandidateList
    extra = 0
    fields = ["order", "code", "name", "affiliation"]
    show_change_link = True


@admin.register(Scrutin)
class ScrutinAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "seats", "order", "election", "list_count", "voter_count"]
    list_filter = ["election", "kind"]
    search_fields = ["name", "code"]
    list_select_related = ["election"]
    inlines = [CandidateListInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_lists=Count("lists", distinct=True), n_voters=Count("roll_entries", distinct=True))
        )

    @admin.display(description="listes", ordering="n_lists")
    def list_count(self, obj):
        return obj.n_lists

    @admin.display(description="inscrits", ordering="n_voters")
    def voter_count(self, obj):
        return obj.n_voters


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 1
    fields = ["order", "name"]


@admin.register(CandidateList)
class CandidateListAdmin(AuditedModelAdmin):
    list_display = ["name", "affiliation", "scrutin", "order", "has_documents"]
    list_filter = ["scrutin__election", "scrutin"]
    search_fields = ["name", "affiliation", "code"]
    list_select_related = ["scrutin"]
    inlines = [CandidateInline]

    @admin.display(description="documents", boolean=True)
    def has_documents(self, obj):
        return bool(obj.profession_de_foi and obj.candidates_pdf)


@admin.register(RollEntry)
class RollEntryAdmin(AuditedModelAdmin):
    list_display = ["voter", "scrutin"]
    list_filter = ["scrutin__election", "scrutin"]
    search_fields = ["voter__matricule", "voter__last_name", "voter__first_name"]
    autocomplete_fields = ["voter", "scrutin"]
    list_select_related = ["voter", "scrutin"]

    def get_queryset(self, request):
        return scoped_to_user(request, super().get_queryset(request), "voter__establishment")


@admin.register(VoterRequest)
class VoterRequestAdmin(AuditedModelAdmin):
    list_display = ["created", "kind", "subject", "voter", "scrutin", "status"]
    list_filter = ["kind", "status", "scrutin"]
    search_fields = ["subject", "voter__matricule", "voter__last_name"]
    list_select_related = ["voter", "scrutin"]
    readonly_fields = ["voter", "kind", "scrutin", "subject", "message", "created"]
    fields = ["voter", "kind", "scrutin", "created", "subject", "message", "status", "answer"]

    def get_queryset(self, request):
        return scoped_to_user(request, super().get_queryset(request), "voter__establishment")

    def has_add_permission(self, request):
        return False


@admin.register(Page)
class PageAdmin(AuditedModelAdmin):
    list_display = ["title", "kind", "slug", "order", "updated"]
    list_filter = ["kind"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}

    # The footer caches the public pages for a minute; a change shows at once.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        footer_pages_forget()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        footer_pages_forget()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        footer_pages_forget()


@admin.register(BureauMember)
class BureauMemberAdmin(AuditedModelAdmin):
    list_display = ["election", "role", "index", "user", "active"]
    list_filter = ["election", "role", "active"]
    autocomplete_fields = ["user"]

    def has_delete_permission(self, request, obj=None):
        return False
