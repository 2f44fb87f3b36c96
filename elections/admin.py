from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from accounts.admin import scoped_to_user
from accounts.audit import audit_verify
from accounts.audit_admin import AuditedModelAdmin, client_address
from accounts.models import Voter
from accounts.trail import reassort_trail
from voting_portal.csv_export import csv_writer

from . import imports, letters, services
from .access import scrutin_definition_changeable, staff_sees_all_establishments
from .charts import bar_chart, line_chart
from .context_processors import footer_pages_forget
from .forms import LetterBatchForm, VoterImportConfirmForm, VoterImportForm, VoterRequestAdminForm
from .lifecycle import definition_editable, definition_editable_q, sealed, vote_over
from .models import (
    BureauMember,
    Candidate,
    CandidateList,
    Election,
    Establishment,
    LetterBatch,
    Page,
    RollEntry,
    Scrutin,
    SupportChannel,
    VoterImport,
    VoterRequest,
)
from .page_blocks import page_markers_help
from .selectors import ROLL_PROBLEM_KINDS, can_check_rolls, roll_problems
from .turnout import can_see_turnout, turnout


@admin.register(Establishment)
class EstablishmentAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class ScrutinInline(admin.TabularInline):
    """Election-wide editing of the scrutins: staff who see every establishment, in preparation."""

    model = Scrutin
    extra = 0
    fields = ["order", "code", "name", "kind", "seats"]
    show_change_link = True

    def _open(self, request, obj) -> bool:
        return staff_sees_all_establishments(request.user) and (obj is None or definition_editable(obj))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._open(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._open(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._open(request, obj)


class BureauMemberInline(admin.TabularInline):
    model = BureauMember
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["role", "index", "user", "active"]

    def has_delete_permission(self, request, obj=None):
        # Delegate numbers are never reused: a member leaves by being deactivated.
        return False


class SupportChannelInline(admin.StackedInline):
    """The support channels by kind; they may change at any time, the vote running or not."""

    model = SupportChannel
    extra = 0
    fields = [
        ("kind", "name", "order"),
        "phones",
        ("service_starts", "service_ends", "hours"),
        "other_periods",
        ("address", "instructions"),
    ]


@admin.register(Election)
class ElectionAdmin(AuditedModelAdmin):
    list_display = ["name", "opens", "closes", "state", "login_mode", "captcha_enabled", "vote_code_enabled"]
    list_filter = ["state"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    # The state changes through the life cycle services only (opening checks the key
    # and freezes the scrutins' parameters); the admin shows it.
    readonly_fields = ["id", "state"]
    inlines = [SupportChannelInline, ScrutinInline, BureauMemberInline]
    fieldsets = [
        (None, {"fields": ["id", "name", "slug", "state"]}),
        ("Période de vote (heure de Paris)", {"fields": ["opens", "closes"]}),
        (
            "Connexion",
            {"fields": ["login_mode", "captcha_enabled", "vote_code_enabled", "matricule_location"]},
        ),
        (
            "Réassort : seuils d'alerte",
            {"fields": ["reassort_flag_staff_per_hour", "reassort_flag_address_per_day"]},
        ),
    ]
    change_form_template = "admin/elections/election/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and sealed(obj):
            fields.append("name")  # covered by the seal
        if obj is not None and vote_over(obj):
            fields += ["opens", "closes"]  # the closing happened at that time: it stays so
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and sealed(obj) else super().get_prepopulated_fields(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and sealed(obj) and {"opens", "closes"} & set(form.changed_data):
            # The jobs queued at the sealing keep their times (they take only what is due
            # then); new ones for the new timetable. lifecycle_tick catches up as well.
            from ballots.lifecycle import lifecycle_schedule

            lifecycle_schedule(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The links to the election's staff pages, each shown to whom its page admits."""
        links = {
            "can_check_rolls": can_check_rolls(request.user),
            "can_see_turnout": can_see_turnout(request.user),
        }
        return super().change_view(request, object_id, form_url, {**links, **(extra_context or {})})

    def get_urls(self):
        return [
            path(
                "<path:object_id>/reassorts/",
                self.admin_site.admin_view(never_cache(self.reassort_trail_view)),
                name="elections_election_reassorts",
            ),
            path(
                "<path:object_id>/participation/",
                self.admin_site.admin_view(never_cache(self.turnout_view)),
                name="elections_election_turnout",
            ),
            path(
                "<path:object_id>/controles/",
                self.admin_site.admin_view(never_cache(self.roll_problems_view)),
                name="elections_election_roll_problems",
            ),
            *super().get_urls(),
        ]

    def turnout_view(self, request, object_id):
        """Participation per scrutin and establishment, over time; small groups merged."""
        user = request.user
        if not can_see_turnout(user):
            raise PermissionDenied
        election = self.get_object(request, object_id)
        if election is None:
            raise Http404
        scoped = not (user.is_superuser or user.has_perm("accounts.view_all_establishments"))
        report = turnout(election, establishments=user.establishments.all() if scoped else None)
        timeline_chart = None
        if report.timeline and report.total.registered:
            points = [(hour, 100 * n / report.total.registered) for hour, n in report.timeline]
            timeline_chart = line_chart(
                points,
                title="Participation cumulée, tous scrutins, heure par heure",
                chart_id="turnout-timeline",
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": election,
            "election": election,
            "title": "Participation",
            "report": report,
            "scoped": scoped,
            "scrutin_chart": bar_chart(
                [(g.label, g.rate) for g in report.scrutins],
                title="Participation par scrutin",
                chart_id="turnout-scrutins",
            ),
            "timeline_chart": timeline_chart,
        }
        return render(request, "admin/elections/election/turnout.html", context)

    def roll_problems_view(self, request, object_id):
        """For the RH referents and the bureau: what to fix in the rolls before the sealing."""
        if not can_check_rolls(request.user):
            raise PermissionDenied
        election = self.get_object(request, object_id)
        if election is None or not self.has_view_permission(request, election):
            raise Http404
        user = request.user
        scoped = not (user.is_superuser or user.has_perm("accounts.view_all_establishments"))
        report = roll_problems(election, establishments=user.establishments.all() if scoped else None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": election,
            "election": election,
            "title": "Contrôles des listes électorales",
            "report": report,
            "kinds": [(kind, label, report.counts[kind]) for kind, label in ROLL_PROBLEM_KINDS.items()],
            "scoped": scoped,
        }
        return render(request, "admin/elections/election/roll_problems.html", context)

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


class DefinitionInline(admin.TabularInline):
    """An inline of a scrutin's definition: editable while its scrutin may change."""

    def _scrutin(self, obj) -> Scrutin | None:
        raise NotImplementedError

    def _open(self, request, obj) -> bool:
        scrutin = self._scrutin(obj) if obj is not None else None
        return scrutin is None or scrutin_definition_changeable(request.user, scrutin)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._open(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._open(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._open(request, obj)


class CandidateListInline(DefinitionInline):
    model = CandidateList
    extra = 0
    fields = ["order", "code", "name", "affiliation"]
    show_change_link = True

    def _scrutin(self, obj):
        return obj


class DefinitionAdmin(AuditedModelAdmin):
    """Scrutins and candidate lists: read-only once the election leaves preparation, and
    for an RH referent outside the scrutins of their establishments."""

    def _scrutin(self, obj) -> Scrutin:
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or scrutin_definition_changeable(request.user, self._scrutin(obj))
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or scrutin_definition_changeable(request.user, self._scrutin(obj))
        )

    def delete_queryset(self, request, queryset):
        """The bulk delete action: all the selected objects may go, or none does."""
        if not all(self.has_delete_permission(request, obj) for obj in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def _changeable_scrutins(self, request):
        scrutins = Scrutin.objects.select_related("election").prefetch_related("establishments")
        return Scrutin.objects.filter(
            pk__in=[s.pk for s in scrutins if scrutin_definition_changeable(request.user, s)]
        )


class ScrutinAdminForm(forms.ModelForm):
    staff_user = None  # set by ScrutinAdmin.get_form on the class it makes per request

    def clean(self):
        cleaned = super().clean()
        user = self.staff_user
        if user is not None and not staff_sees_all_establishments(user) and not cleaned.get("establishments"):
            self.add_error(
                "establishments",
                "Choisissez au moins un de vos établissements : un scrutin de toute l'élection est géré par "
                "l'administration centrale.",
            )
        return cleaned


@admin.register(Scrutin)
class ScrutinAdmin(DefinitionAdmin):
    form = ScrutinAdminForm
    list_display = ["name", "kind", "seats", "order", "election", "list_count", "voter_count"]
    list_filter = ["election", "kind"]
    search_fields = ["name", "code"]
    list_select_related = ["election"]
    filter_horizontal = ["establishments"]
    inlines = [CandidateListInline]

    def _scrutin(self, obj):
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.staff_user = request.user  # type: ignore[attr-defined]  # a ScrutinAdminForm subclass
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "election":
            kwargs["queryset"] = Election.objects.filter(definition_editable_q())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "establishments" and not staff_sees_all_establishments(request.user):
            kwargs["queryset"] = request.user.establishments.all()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_lists=Count("lists", distinct=True), n_voters=Count("roll_entries", distinct=True))
        )

    change_form_template = "admin/elections/scrutin/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The émargement export's links for those the export itself accepts."""
        from ballots import exports

        scrutin = self.get_object(request, unquote(object_id))  # None for an id that is not one
        can_export = scrutin is not None and exports.can_export_emargement(request.user, scrutin.election)
        context = {"can_export_emargement": can_export, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self):
        view = self.admin_site.admin_view(never_cache(self.emargement_export_view))
        return [
            path("<int:object_id>/emargement.<str:file_format>", view, name="elections_scrutin_emargement"),
            *super().get_urls(),
        ]

    def emargement_export_view(self, request, object_id, file_format):
        """For the bureau, after the closing: the émargement list as CSV or PDF."""
        from ballots import exports

        if file_format not in ("csv", "pdf"):
            raise Http404
        scrutin = Scrutin.objects.select_related("election").filter(pk=object_id).first()
        if scrutin is None:
            raise Http404
        try:
            data = exports.emargement_export(
                scrutin=scrutin, user=request.user, file_format=file_format, address=client_address(request)
            )
        except exports.ExportRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("admin:elections_scrutin_change", scrutin.pk)
        response = HttpResponse(
            data, content_type="application/pdf" if file_format == "pdf" else "text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="emargement-{scrutin.code}.{file_format}"'
        return response

    @admin.display(description="listes", ordering="n_lists")
    def list_count(self, obj):
        return obj.n_lists

    @admin.display(description="inscrits", ordering="n_voters")
    def voter_count(self, obj):
        return obj.n_voters


class CandidateInline(DefinitionInline):
    model = Candidate
    extra = 1
    fields = ["order", "name"]

    def _scrutin(self, obj):
        return obj.scrutin


@admin.register(CandidateList)
class CandidateListAdmin(DefinitionAdmin):
    list_display = ["name", "affiliation", "scrutin", "order", "has_documents"]
    list_filter = ["scrutin__election", "scrutin"]
    search_fields = ["name", "affiliation", "code"]
    list_select_related = ["scrutin"]
    inlines = [CandidateInline]

    def _scrutin(self, obj):
        return obj.scrutin

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "scrutin":
            kwargs["queryset"] = self._changeable_scrutins(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or definition_editable(obj.scrutin.election)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or definition_editable(obj.scrutin.election)
        )

    def delete_queryset(self, request, queryset):
        elections = Election.objects.filter(scrutins__roll_entries__in=queryset).distinct()
        if not all(definition_editable(election) for election in elections):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """For an RH referent, only the voters of their establishments. The election is known
        once the scrutin is chosen: ``RollEntry.clean`` then refuses a voter of another
        election, and any change once the election has left preparation (a French message)."""
        if db_field.name == "voter":
            kwargs["queryset"] = scoped_to_user(request, Voter.objects.all(), "establishment")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(VoterRequest)
class VoterRequestAdmin(AuditedModelAdmin):
    """Réclamations and assistance requests: new → being handled → answered → closed."""

    form = VoterRequestAdminForm
    list_display = ["created", "kind", "subject", "voter", "scrutin", "status", "handled_by", "answered"]
    list_filter = ["status", "kind", "scrutin"]
    search_fields = ["subject", "voter__matricule", "voter__last_name"]
    list_select_related = ["voter", "scrutin", "handled_by"]
    readonly_fields = ["voter", "kind", "scrutin", "subject", "message", "created", "handled_by", "answered"]
    fields = [
        "voter",
        "kind",
        "scrutin",
        "created",
        "subject",
        "message",
        "status",
        "answer",
        "handled_by",
        "answered",
    ]
    actions = ["take_charge"]

    def get_queryset(self, request):
        return scoped_to_user(request, super().get_queryset(request), "voter__establishment")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the voter's request and its answer stay on the record

    def save_model(self, request, obj, form, change):
        old_status = form.initial.get("status", obj.status)
        super().save_model(request, obj, form, change)
        services.voter_request_after_change(request_obj=obj, old_status=old_status, staff=request.user)

    @admin.action(description="Prendre en charge les demandes sélectionnées", permissions=["change"])
    def take_charge(self, request, queryset):
        taken = 0
        for pk in queryset.filter(status=VoterRequest.Status.NEW).values_list("pk", flat=True):
            taken += services.voter_request_take_charge(
                request_id=pk, staff=request.user, address=client_address(request)
            )
        self.message_user(request, f"{taken} demande(s) prise(s) en charge.", messages.SUCCESS)


@admin.register(Page)
class PageAdmin(AuditedModelAdmin):
    list_display = ["title", "kind", "slug", "order", "updated"]
    list_filter = ["kind"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "body" in form.base_fields:
            body = form.base_fields["body"]
            body.help_text = f"{Page._meta.get_field('body').help_text} {page_markers_help()}"
        return form

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


@admin.register(VoterImport)
class VoterImportAdmin(admin.ModelAdmin):
    """Upload → background analysis with progress → preview → confirm → background apply."""

    list_display = ["created", "file_name", "election", "created_by", "status", "finished"]
    list_filter = ["status", "election"]
    list_select_related = ["election", "created_by"]
    list_per_page = 50

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(created_by=request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        template = self.admin_site.admin_view(self.template_view)
        return [path("modele.csv", template, name="elections_voterimport_template"), *super().get_urls()]

    def template_view(self, request):
        """A CSV with every column and one example line, in Excel's French dialect."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="modele-import-electeurs.csv"'
        response.write("\ufeff")
        writer = csv_writer(response, delimiter=";")
        writer.writerow([column.label for column in imports.COLUMNS])
        writer.writerow(imports.EXAMPLE_LINE)
        return response

    @method_decorator(never_cache)
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = VoterImportForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    job = imports.import_create(
                        election=form.cleaned_data["election"],
                        user=request.user,
                        name=upload.name,
                        data=upload.read(),
                    )
                except imports.ImportRefused as refusal:
                    form.add_error(None, str(refusal))
                else:
                    return redirect("admin:elections_voterimport_change", job.pk)
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Importer des électeurs et des listes électorales",
            "form": form,
            "columns": imports.COLUMNS,
            "limit": settings.VOTER_IMPORT_MAX_MEGABYTES,
        }
        return render(request, "admin/elections/voterimport/upload.html", context, status=status)

    @method_decorator(never_cache)
    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        if job is None or not self.has_view_permission(request, job):
            raise Http404
        form = VoterImportConfirmForm(request.POST or None)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                if "cancel" in request.POST:
                    imports.import_cancel(job=job, user=request.user)
                    messages.success(request, "L'import est annulé ; le fichier déposé est effacé.")
                else:
                    imports.import_confirm(
                        job=job, user=request.user, removals_confirmed=form.cleaned_data["removals_confirmed"]
                    )
                    messages.success(request, "L'application de l'import a commencé.")
                return redirect("admin:elections_voterimport_change", job.pk)
            except imports.ImportRefused as refusal:
                form.add_error(None, str(refusal))
                status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(job),
            "job": job,
            "report": job.report or {},
            "form": form,
        }
        return render(request, "admin/elections/voterimport/detail.html", context, status=status)


@admin.register(LetterBatch)
class LetterBatchAdmin(admin.ModelAdmin):
    """Request → background generation with progress → one download of the PDF."""

    list_display = [
        "created",
        "kind",
        "establishment",
        "election",
        "created_by",
        "status",
        "pages",
        "downloaded",
    ]
    list_filter = ["kind", "status", "election"]
    list_select_related = ["election", "establishment", "created_by"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(created_by=request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @method_decorator(never_cache)
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = LetterBatchForm(
            request.POST or None, establishments=letters.allowed_establishments(request.user)
        )
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    batch = letters.letters_request(user=request.user, **form.cleaned_data)
                except letters.LettersRefused as refusal:
                    form.add_error(None, str(refusal))
                else:
                    return redirect("admin:elections_letterbatch_change", batch.pk)
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Imprimer des courriers",
            "form": form,
        }
        return render(request, "admin/elections/letterbatch/request.html", context, status=status)

    @method_decorator(never_cache)
    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = self.get_object(request, object_id)
        if batch is None or not self.has_view_permission(request, batch):
            raise Http404
        status = 200
        error = ""
        if request.method == "POST":
            try:
                pdf = letters.letters_download(
                    batch=batch, user=request.user, address=client_address(request)
                )
            except letters.LettersRefused as refusal:
                error, status = str(refusal), 400
            else:
                response = HttpResponse(pdf, content_type="application/pdf")
                name = f"courriers-{batch.kind}-{batch.establishment.code}.pdf"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(batch),
            "batch": batch,
            "error": error,
        }
        return render(request, "admin/elections/letterbatch/detail.html", context, status=status)
