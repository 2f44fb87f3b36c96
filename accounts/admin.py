from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.shortcuts import render
from django.urls import path

from elections.models import Establishment, RollEntry

from . import services
from .audit import audit_record, audit_verify
from .audit_admin import AuditedModelAdmin, client_address
from .models import AuditEntry, User, Voter


class StaffOnlyFilter(admin.SimpleListFilter):
    title = "type de compte"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [("staff", "Personnel"), ("voter", "Électeurs")]

    def queryset(self, request, queryset):
        if self.value() == "staff":
            return queryset.filter(voter__isnull=True)
        if self.value() == "voter":
            return queryset.filter(voter__isnull=False)
        return queryset


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "email", "is_staff", "is_active"]
    list_filter = [StaffOnlyFilter, "is_staff", "is_superuser", "is_active", "groups"]
    fieldsets = [
        *(DjangoUserAdmin.fieldsets or ()),
        ("Périmètre du référent RH", {"fields": ["establishments"]}),
    ]
    filter_horizontal = ["groups", "user_permissions", "establishments"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(voter__isnull=True)

    def user_change_password(self, request, id, form_url=""):
        """Django's password form, with the change recorded in the audit trail."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, id)
                audit_record(
                    actor=request.user,
                    action="user.password_change",
                    instance=user,
                    address=client_address(request),
                )
        return response


def scoped_to_user(request, queryset, path_to_establishment: str):
    """RH referents see only their establishments; other staff see everything."""
    user = request.user
    if user.is_superuser or user.has_perm("accounts.view_all_establishments"):
        return queryset
    return queryset.filter(**{f"{path_to_establishment}__in": user.establishments.all()})


class RollEntryInline(admin.TabularInline):
    model = RollEntry
    extra = 1
    max_num = 7  # a voter has 1 to 7 scrutins
    validate_max = True
    autocomplete_fields = ["scrutin"]
    verbose_name = "scrutin"
    verbose_name_plural = "scrutins où l'électeur vote (1 à 7)"


class VoterAdminForm(forms.ModelForm):
    """The voter's identity, plus write-only recovery values stored as digests."""

    card_serial = forms.CharField(
        label="N° de série de la carte agent",
        required=False,
        max_length=40,
        help_text="Seuls les 6 premiers caractères sont conservés, sous forme d'empreinte.",
    )
    iban = forms.CharField(
        label="IBAN (ou ses 6 derniers caractères)",
        required=False,
        max_length=40,
        help_text="Seuls les 6 derniers caractères sont conservés, sous forme d'empreinte.",
    )
    numen = forms.CharField(label="NUMEN", required=False, max_length=20)
    nir = forms.CharField(
        label="N° de sécurité sociale (10 premiers chiffres)", required=False, max_length=21
    )

    class Meta:
        model = Voter
        fields = [
            "election",
            "matricule",
            "last_name",
            "first_name",
            "birth_date",
            "email",
            "postal_address",
            "establishment",
            "affectation",
            "has_agent_card",
        ]


@admin.register(Voter)
class VoterAdmin(AuditedModelAdmin):
    form = VoterAdminForm
    audit_secret_fields = services.VOTER_SECRET_FIELDS
    list_display = [
        "matricule",
        "last_name",
        "first_name",
        "establishment",
        "election",
        "has_agent_card",
        "email_confirmed",
    ]
    list_filter = ["election", "establishment", "has_agent_card", "email_confirmed"]
    search_fields = ["matricule", "last_name", "first_name", "email"]
    list_select_related = ["establishment", "election"]
    inlines = [RollEntryInline]
    list_per_page = 100
    fieldsets = [
        (None, {"fields": ["election", "matricule", "last_name", "first_name", "birth_date"]}),
        ("Affectation", {"fields": ["establishment", "affectation"]}),
        ("Contact", {"fields": ["email", "postal_address"]}),
        (
            "Identifiants et réassort",
            {
                "fields": ["has_agent_card", "card_serial", "iban", "numen", "nir"],
                "description": "Les valeurs de réassort ne sont jamais réaffichées : "
                "laissez un champ vide pour garder la valeur enregistrée.",
            },
        ),
    ]

    def get_queryset(self, request):
        return scoped_to_user(request, super().get_queryset(request), "establishment")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "establishment":
            kwargs["queryset"] = scoped_to_user(request, Establishment.objects.all(), "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        recovery = {k: form.cleaned_data.get(k, "") for k in ("card_serial", "iban", "numen", "nir")}
        services.voter_set_recovery_secrets(voter=obj, **recovery)
        if not change:
            # The password comes with the credential letters: until then the new
            # account cannot log in.
            services.voter_attach_account(voter=obj)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        user = obj.user
        super().delete_model(request, obj)
        user.delete()


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["id", "time", "actor_label", "action", "object_type", "object_label"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_label", "object_id", "action"]
    date_hierarchy = "time"
    list_per_page = 100
    # actor_label, not the actor foreign key: a deleted user's rows stay readable.
    fields = [
        "id",
        "time",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "old_values",
        "new_values",
        "address",
        "prev_hash",
        "hash",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "verifier/",
                self.admin_site.admin_view(self.verify_view),
                name="accounts_auditentry_verify",
            ),
            *super().get_urls(),
        ]

    def verify_view(self, request):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        with transaction.atomic():
            report = audit_verify()
        if report.ok:
            messages.success(request, f"Journal intègre : {report.checked} entrées vérifiées.")
        else:
            messages.error(
                request,
                f"Journal altéré à l'entrée n° {report.first_bad_id} ({report.reason}).",
            )
        context = {
            **self.admin_site.each_context(request),
            "report": report,
            "title": "Vérification du journal d'audit",
            "opts": self.model._meta,
        }
        return render(request, "admin/accounts/auditentry/verify.html", context)
