from django.contrib import admin

from portal.admin import ScopedAdmin

from .models import (
    Contract,
    ContractFunding,
    ContractTarget,
    FundingSource,
    Indicator,
    IndicatorCategory,
    IndicatorScore,
    IndicatorSystem,
    PaymentInstalment,
    PerformanceEvaluation,
)


class ReadOnlyMoneyAdmin(ScopedAdmin):
    """Funding records are read (and their history inspected) here; they are written only
    through the portal's pages and API, where the money rules of ``funding.services`` apply."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FundingSource)
class FundingSourceAdmin(ReadOnlyMoneyAdmin):
    list_display = ["year", "name", "region", "source_type", "base_amount", "share_rule", "available_amount"]
    list_filter = ["year", "source_type", "share_rule"]
    search_fields = ["name", "document"]
    list_select_related = ["region"]
    readonly_fields = ["available_amount"]


class ContractFundingInline(ReadOnlyInline):
    model = ContractFunding
    raw_id_fields = ["source"]


class ContractTargetInline(ReadOnlyInline):
    model = ContractTarget


class PaymentInstalmentInline(ReadOnlyInline):
    model = PaymentInstalment


@admin.register(Contract)
class ContractAdmin(ReadOnlyMoneyAdmin):
    list_display = ["code", "name", "year", "contractor", "amount", "start_on", "end_on", "status"]
    list_filter = ["year", "status", "contractor"]
    search_fields = ["code", "name"]
    list_select_related = ["contractor"]
    filter_horizontal = ["stations"]
    inlines = [ContractFundingInline, ContractTargetInline, PaymentInstalmentInline]


class IndicatorInline(ReadOnlyInline):
    model = Indicator


@admin.register(IndicatorSystem)
class IndicatorSystemAdmin(ReadOnlyMoneyAdmin):
    list_display = ["name", "county", "year", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(IndicatorCategory)
class IndicatorCategoryAdmin(ReadOnlyMoneyAdmin):
    list_display = ["name", "system", "weight", "order"]
    list_select_related = ["system"]
    inlines = [IndicatorInline]


class IndicatorScoreInline(ReadOnlyInline):
    model = IndicatorScore
    raw_id_fields = ["indicator"]


@admin.register(PerformanceEvaluation)
class PerformanceEvaluationAdmin(ReadOnlyMoneyAdmin):
    list_display = ["contract", "stage", "evaluated_on", "evaluator", "total", "percentage", "grade"]
    list_filter = ["stage", "grade"]
    search_fields = ["contract__code", "contract__name", "evaluator"]
    list_select_related = ["contract"]
    readonly_fields = ["total", "max_total", "percentage", "grade"]
    inlines = [IndicatorScoreInline]
