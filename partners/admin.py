from django.contrib import admin

from portal.admin import ScopedAdmin

from .models import Partner, PartnerOffering


@admin.register(Partner)
class PartnerAdmin(ScopedAdmin):
    list_display = ["name", "kind", "county", "station", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(PartnerOffering)
class PartnerOfferingAdmin(ScopedAdmin):
    list_display = ["partner", "kind", "description", "value"]
