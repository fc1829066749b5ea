from django.contrib import admin

from portal.admin import ScopedAdmin

from .models import Certificate, Organisation, Region, Staff, Station


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ["name", "short_name", "kind", "region", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "credit_code"]
    raw_id_fields = ["region"]


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
class StaffAdmin(ScopedAdmin):
    list_display = ["name", "user", "role", "organisation", "station", "phone", "active_from", "active_to"]
    list_filter = ["role", "station", "organisation"]
    search_fields = ["name", "user__username", "phone"]
    list_select_related = ["user", "organisation", "station"]
    inlines = [CertificateInline]
    raw_id_fields = ["user"]
