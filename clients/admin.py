from django.contrib import admin

from portal.admin import ScopedAdmin

from .models import (
    Assessment,
    CategoryMembership,
    Client,
    Household,
    ScreeningCampaign,
    ScreeningRecord,
    VisitInterval,
)


class CategoryMembershipInline(admin.TabularInline):
    model = CategoryMembership
    extra = 0


@admin.register(Client)
class ClientAdmin(ScopedAdmin):
    list_display = ["name", "station", "gender", "birth_date", "status", "risk_level", "next_visit_due"]
    list_filter = ["status", "risk_level", "station"]
    search_fields = ["name", "name_pinyin", "name_initials", "=id_number"]
    list_select_related = ["station"]
    raw_id_fields = ["household", "worker"]
    readonly_fields = ["last_visit_on", "next_visit_due"]
    inlines = [CategoryMembershipInline]


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["id", "station", "village", "address", "in_distress"]
    list_filter = ["in_distress", "station"]
    search_fields = ["address", "village"]


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdmin):
    list_display = ["client", "assessed_on", "risk_level", "assessor"]
    list_filter = ["risk_level"]
    raw_id_fields = ["client", "assessor"]


@admin.register(ScreeningCampaign)
class ScreeningCampaignAdmin(ScopedAdmin):
    list_display = ["name", "county", "start_on", "end_on"]
    filter_horizontal = ["stations"]


@admin.register(ScreeningRecord)
class ScreeningRecordAdmin(ScopedAdmin):
    list_display = ["campaign", "client", "screened_on", "result", "risk_level"]
    list_filter = ["result", "risk_level"]
    raw_id_fields = ["client", "screener"]


@admin.register(VisitInterval)
class VisitIntervalAdmin(ScopedAdmin):
    list_display = ["county", "category", "risk_level", "days"]
