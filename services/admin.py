from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import ScopedAdmin

from .models import (
    Activity,
    CampaignTag,
    Case,
    CaseNote,
    Dispatch,
    Group,
    GroupSession,
    MonthlyReport,
    MonthlyReportEvent,
    Referral,
    ResourceLink,
    Visit,
)


@admin.register(CampaignTag)
class CampaignTagAdmin(SimpleHistoryAdmin):
    list_display = ["name", "description", "is_active"]
    search_fields = ["name"]


@admin.register(Visit)
class VisitAdmin(ScopedAdmin):
    list_display = ["visited_on", "client", "station", "kind", "risk_level", "follow_up_on"]
    list_filter = ["kind", "station", "risk_level"]
    search_fields = ["client__name", "client__id_number"]
    list_select_related = ["client", "station"]
    raw_id_fields = ["client"]
    filter_horizontal = ["workers", "tags"]
    date_hierarchy = "visited_on"


@admin.register(ResourceLink)
class ResourceLinkAdmin(ScopedAdmin):
    list_display = ["linked_on", "description", "station", "kind", "value", "source_name"]
    list_filter = ["kind", "source_kind", "station"]
    search_fields = ["description", "source_name"]
    raw_id_fields = ["client", "visit", "case", "activity"]
    date_hierarchy = "linked_on"


class CaseNoteInline(admin.TabularInline):
    model = CaseNote
    extra = 0


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    list_display = ["title", "station", "intake_on", "stage", "manager", "closed_on"]
    list_filter = ["stage", "station"]
    search_fields = ["title"]
    raw_id_fields = ["clients"]
    inlines = [CaseNoteInline]


class GroupSessionInline(admin.TabularInline):
    model = GroupSession
    extra = 0
    raw_id_fields = ["attendees"]


@admin.register(Group)
class GroupAdmin(ScopedAdmin):
    list_display = ["theme", "station", "created_on", "leader"]
    list_filter = ["station"]
    search_fields = ["theme"]
    raw_id_fields = ["members"]
    inlines = [GroupSessionInline]


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    list_display = ["held_on", "title", "station", "kind", "participant_count"]
    list_filter = ["kind", "station"]
    search_fields = ["title"]
    raw_id_fields = ["participants"]
    date_hierarchy = "held_on"


@admin.register(Referral)
class ReferralAdmin(ScopedAdmin):
    list_display = ["referred_on", "client", "station", "to_organisation", "status"]
    list_filter = ["status", "station"]
    raw_id_fields = ["client", "case"]


@admin.register(Dispatch)
class DispatchAdmin(ScopedAdmin):
    list_display = ["sent_on", "title", "station", "deadline", "status"]
    list_filter = ["status", "station", "source"]
    search_fields = ["title"]
    raw_id_fields = ["client"]


class MonthlyReportEventInline(admin.TabularInline):
    model = MonthlyReportEvent
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ScopedAdmin):
    """Read-only here: the workflow (submit, review, approve, reopen) runs through the portal."""

    list_display = ["month", "station", "status", "submitted_at", "on_time"]
    list_filter = ["status", "station"]
    inlines = [MonthlyReportEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
