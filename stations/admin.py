from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import AccessLog, Certificate, Organisation, Region, Staff, Station


class ScopedAdmin(SimpleHistoryAdmin):
    """Admin pages answer within the user's scope, like every other page (superusers: all)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.visible_to(request.user) if hasattr(queryset, "visible_to") else queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field.queryset, "visible_to"):
            field.queryset = field.queryset.visible_to(request.user)
        return field

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # records are closed, never deleted, from the portal


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


class GovernedAdminForm(forms.ModelForm):
    """The admin's forms refuse, like the portal's, what reaches above or outside the county the
    acting administrator governs (``stations.services.reach_errors``)."""

    acting_user = None

    def clean(self):
        cleaned = super().clean()
        if self.acting_user is not None:
            current = self.instance.region_id if self._meta.model is Organisation and self.instance.pk else None
            role = cleaned.get("role", getattr(self.instance, "role", None))
            errors = services.reach_errors(
                self.acting_user, region=cleaned.get("region") if "region" in self.fields else None,
                current_region_id=current,
                organisation=cleaned.get("organisation") if self._meta.model is Staff else None, role=role)
            for name, message in errors.items():
                self.add_error(name if name in self.fields else None, message)
        return cleaned


class GovernedAdmin(ScopedAdmin):
    form = GovernedAdminForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name == "region":
            field.queryset = services.governed_regions(request.user)
        return field


@admin.register(Organisation)
class OrganisationAdmin(GovernedAdmin):
    list_display = ["name", "short_name", "kind", "region", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "credit_code"]


@admin.register(Station)
class StationAdmin(ScopedAdmin):
    list_display = ["name", "town", "county", "operator", "opened_on", "closed_on", "brand"]
    list_filter = ["county", "operator"]
    search_fields = ["name", "short_name", "brand"]
    list_select_related = ["town", "county", "operator"]


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0


@admin.register(Staff)
class StaffAdmin(GovernedAdmin):
    list_display = ["name", "user", "role", "organisation", "station", "phone", "active_from", "active_to"]
    list_filter = ["role", "station", "organisation"]
    search_fields = ["name", "user__username", "phone"]
    list_select_related = ["user", "organisation", "station"]
    inlines = [CertificateInline]
    raw_id_fields = ["user"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "role", "action", "object_type", "object_id", "result", "ip"]
    list_filter = ["action", "result", "role"]
    search_fields = ["username", "object_repr", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
