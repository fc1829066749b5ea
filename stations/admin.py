from django import forms
from django.contrib import admin

from portal.admin import ScopedAdmin

from . import services
from .models import Certificate, Organisation, Region, Staff, Station


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
