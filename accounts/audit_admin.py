"""Admin base class that writes every change to the audit trail.

The admin already wraps each change view in one transaction; the audit row is written
inside it, after the change, so either both are stored or neither is.
"""

from django.contrib import admin
from django.db import transaction

from . import throttle
from .audit import audit_record, diff, snapshot


def client_address(request) -> str | None:
    return throttle.client_address(request)


class AuditedModelAdmin(admin.ModelAdmin):
    #: fields recorded only as changed / unchanged, never with their value
    audit_secret_fields: tuple[str, ...] = ()

    def _snapshot(self, obj):
        return snapshot(obj, secret_fields=self.audit_secret_fields)

    def _action(self, obj, verb: str) -> str:
        return f"{obj._meta.model_name}.{verb}"

    def save_model(self, request, obj, form, change):
        old = None
        if change:
            old = self._snapshot(type(obj)._default_manager.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        request._audit_pending = (obj, old, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj, old, change = request._audit_pending
        before, after = diff(old, self._snapshot(obj))
        if change and not after:
            return  # nothing changed on the object itself
        audit_record(
            actor=request.user,
            action=self._action(obj, "update" if change else "create"),
            instance=obj,
            old=before,
            new=after,
            address=client_address(request),
        )

    def save_formset(self, request, form, formset, change):
        """Inline rows: one audit entry per added, changed or deleted row."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_record(
                actor=request.user,
                action=self._action(obj, "delete"),
                instance=obj,
                old=snapshot(obj),
                address=client_address(request),
            )
            obj.delete()
        for obj in instances:
            old = None
            if obj.pk is not None:
                old = snapshot(type(obj)._default_manager.get(pk=obj.pk))
            obj.save()
            before, after = diff(old, snapshot(obj))
            audit_record(
                actor=request.user,
                action=self._action(obj, "update" if old else "create"),
                instance=obj,
                old=before,
                new=after,
                address=client_address(request),
            )
        formset.save_m2m()

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=self._action(obj, "delete"),
                instance=obj,
                old=self._snapshot(obj),
                address=client_address(request),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
