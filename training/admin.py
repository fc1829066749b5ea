from django.contrib import admin

from portal.admin import ScopedAdmin

from .models import (
    CompetitionEvent,
    Entitlement,
    EvaluationItem,
    EvaluationScheme,
    Expert,
    IncentivePolicy,
    ItemScore,
    JudgeScore,
    RatingBand,
    RectificationItem,
    StationEvaluation,
    Submission,
    Supervision,
    Training,
    TrainingAttendance,
    TuitionClaim,
)


@admin.register(Expert)
class ExpertAdmin(ScopedAdmin):
    list_display = ["name", "kind", "affiliation", "title", "county"]
    list_filter = ["kind"]
    search_fields = ["name", "affiliation"]


class AttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    raw_id_fields = ["staff"]


@admin.register(Training)
class TrainingAdmin(ScopedAdmin):
    list_display = ["held_on", "topic", "hours", "format", "organiser", "county"]
    list_filter = ["format", "county"]
    search_fields = ["topic", "location"]
    date_hierarchy = "held_on"
    list_select_related = ["organiser", "county"]
    filter_horizontal = ["trainers", "expert_trainers"]
    inlines = [AttendanceInline]


@admin.register(Supervision)
class SupervisionAdmin(ScopedAdmin):
    list_display = ["supervised_on", "station", "supervisor_expert", "supervisor_staff", "mode", "hours"]
    list_filter = ["mode", "station"]
    search_fields = ["topic", "findings", "advice"]
    date_hierarchy = "supervised_on"
    list_select_related = ["station", "supervisor_expert", "supervisor_staff"]
    filter_horizontal = ["workers"]


class EvaluationItemInline(admin.TabularInline):
    model = EvaluationItem
    extra = 0


class RatingBandInline(admin.TabularInline):
    model = RatingBand
    extra = 0


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(ScopedAdmin):
    list_display = ["name", "is_active"]
    inlines = [EvaluationItemInline, RatingBandInline]


class ItemScoreInline(admin.TabularInline):
    model = ItemScore
    extra = 0
    readonly_fields = ["item", "score", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # scores are written through training.services.evaluation_save (the web form)


class RectificationInline(admin.TabularInline):
    model = RectificationItem
    extra = 0
    raw_id_fields = ["owner"]


@admin.register(StationEvaluation)
class StationEvaluationAdmin(ScopedAdmin):
    list_display = ["evaluated_on", "station", "scheme", "total", "rating"]
    list_filter = ["scheme", "station"]
    date_hierarchy = "evaluated_on"
    list_select_related = ["station", "scheme"]
    readonly_fields = ["total", "rating"]
    inlines = [ItemScoreInline, RectificationInline]


@admin.register(RectificationItem)
class RectificationItemAdmin(ScopedAdmin):
    list_display = ["description", "evaluation", "owner", "deadline", "status", "done_on"]
    list_filter = ["status"]
    search_fields = ["description"]
    list_select_related = ["evaluation__station", "evaluation__scheme", "owner"]
    raw_id_fields = ["owner", "evaluation"]


@admin.register(IncentivePolicy)
class IncentivePolicyAdmin(ScopedAdmin):
    list_display = ["name", "region", "valid_from", "valid_to"]


@admin.register(TuitionClaim)
class TuitionClaimAdmin(ScopedAdmin):
    list_display = ["staff", "course", "paid_on", "amount_paid", "policy"]
    raw_id_fields = ["staff"]


@admin.register(Entitlement)
class EntitlementAdmin(ScopedAdmin):
    list_display = ["staff", "kind", "level", "period", "amount", "status", "paid_on", "policy"]
    list_filter = ["kind", "status", "policy"]
    search_fields = ["staff__name"]
    list_select_related = ["staff", "policy"]
    raw_id_fields = ["staff", "certificate", "tuition_claim"]


class JudgeScoreInline(admin.TabularInline):
    model = JudgeScore
    extra = 0


@admin.register(Submission)
class SubmissionAdmin(ScopedAdmin):
    list_display = ["title", "event", "station", "score", "award"]
    list_filter = ["event", "award"]
    search_fields = ["title"]
    list_select_related = ["event", "station"]
    raw_id_fields = ["case"]
    filter_horizontal = ["authors"]
    readonly_fields = ["score"]
    inlines = [JudgeScoreInline]


@admin.register(CompetitionEvent)
class CompetitionEventAdmin(ScopedAdmin):
    list_display = ["name", "held_on", "county"]
