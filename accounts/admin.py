from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.cache import add_never_cache_headers

from elections.lifecycle import definition_editable
from elections.models import Establishment, RollEntry

from . import recovery, services
from .audit import audit_record, audit_verify
from .audit_admin import AuditedModelAdmin, client_address
from .forms import IdentityCheckForm, KeyRecoveryForm
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

    # Sealing freezes the rolls: a voter of an election out of preparation keeps their scrutins.
    def _open(self, obj) -> bool:
        return obj is None or definition_editable(obj.election)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._open(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._open(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._open(obj)


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
        (
            "Contact",
            {
                "fields": ["email", "email_confirmed", "credentials_set_up", "postal_address"],
                "description": "Une adresse modifiée ici n'est plus confirmée : l'électeur la confirme "
                "depuis son portail (elle sert aux codes de vote et, en connexion par identifiant, "
                "d'identifiant).",
            },
        ),
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The recovery buttons this staff member may use (change_form.html's object tools)."""
        voter = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        if voter is not None:
            extra_context["can_reset_password"] = recovery.can_reset_password(request.user, voter)
            extra_context["can_handle_security_key"] = recovery.can_handle_security_key(request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/nouveau-mot-de-passe/",
                view(self.password_reset_view),
                name="accounts_voter_password_reset",
            ),
            path(
                "<path:object_id>/cle-de-securite/",
                view(self.security_key_view),
                name="accounts_voter_security_key",
            ),
            *super().get_urls(),
        ]

    def _recovery_voter(self, request, object_id) -> Voter:
        voter = self.get_object(request, object_id)
        if voter is None:
            raise Http404
        return voter

    def _recovery_page(self, request, template, voter, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": voter,
            "voter": voter,
            **context,
        }
        response = render(request, template, context, status=context.pop("status", 200))
        add_never_cache_headers(response)
        return response

    def password_reset_view(self, request, object_id):
        """Seed 000, case 4: the president checks an identity document, then a new password."""
        voter = self._recovery_voter(request, object_id)
        if not recovery.can_reset_password(request.user, voter):
            raise PermissionDenied
        form = IdentityCheckForm(request.POST if request.method == "POST" else None)
        template = "admin/accounts/voter/password_reset.html"
        if request.method == "POST":
            if not form.is_valid():
                return self._recovery_page(
                    request, template, voter, form=form, status=400, title="Nouveau mot de passe"
                )
            password = recovery.password_reset_by_bureau(
                staff=request.user,
                voter=voter,
                document=form.cleaned_data["document"],
                address=client_address(request),
            )
            return self._recovery_page(
                request, template, voter, password=password, title="Nouveau mot de passe"
            )
        return self._recovery_page(request, template, voter, form=form, title="Nouveau mot de passe")

    def security_key_view(self, request, object_id):
        """Seed 000, case 2 (2.A and 2.B): after the identity check, read the key out or issue a new one."""
        voter = self._recovery_voter(request, object_id)
        if not recovery.can_handle_security_key(request.user):
            raise PermissionDenied
        form = KeyRecoveryForm(request.POST if request.method == "POST" else None)
        template = "admin/accounts/voter/security_key.html"
        title = "Clé de sécurité"
        if request.method == "POST":
            action = request.POST.get("action")
            if not form.is_valid() or action not in ("reveal", "reissue"):
                if action not in ("reveal", "reissue"):
                    form.add_error(None, "Choisissez d'afficher la clé ou d'en émettre une nouvelle.")
                return self._recovery_page(request, template, voter, form=form, status=400, title=title)
            service = recovery.security_key_reveal if action == "reveal" else recovery.security_key_reissue
            try:
                key = service(
                    staff=request.user,
                    voter=voter,
                    caller=form.cleaned_data["caller"],
                    address=client_address(request),
                )
            except recovery.SecurityKeyUnreadable:
                form.add_error(
                    None,
                    "La clé de sécurité enregistrée pour cet électeur ne peut pas être lue (absente, ou "
                    "chiffrée avec une clé qui a changé). Émettez-lui une nouvelle clé.",
                )
                return self._recovery_page(request, template, voter, form=form, status=409, title=title)
            except recovery.RecoveryRefused as refusal:
                raise PermissionDenied from refusal
            return self._recovery_page(
                request, template, voter, key=key, reissued=action == "reissue", title=title
            )
        return self._recovery_page(request, template, voter, form=form, title=title)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "establishment":
            kwargs["queryset"] = scoped_to_user(request, Establishment.objects.all(), "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "email_confirmed", "credentials_set_up"]
        if obj is not None and not definition_editable(obj.election):
            fields.append("matricule")  # the seal's roll digest covers the matricules
        return fields

    def save_model(self, request, obj, form, change):
        if change and "email" in form.changed_data:
            # Only the voter can confirm an address: a changed one must not receive their
            # vote codes or become their identifier on the staff's word alone.
            obj.email_confirmed = False
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
