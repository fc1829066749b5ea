import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filters import ScopedModelChoiceFilter, SearchFilterSet, YearFilter
from stations.choices import OrganisationKind
from stations.filters import station_filter
from stations.models import Organisation

from .choices import (
    ApplicationStatus,
    Buyer,
    CallStatus,
    ContractStatus,
    EvaluationStage,
    Grade,
    ProjectStatus,
    SourceType,
)
from .models import (
    Contract,
    FundingSource,
    IndicatorSystem,
    PerformanceEvaluation,
    VentureApplication,
    VentureCall,
    VentureProject,
)


def year_filter(field_name="year"):
    return YearFilter(field_name=field_name, label=_("year"))


class FundingSourceFilterSet(SearchFilterSet):
    search_fields = ("name", "document", "notes")
    year = year_filter()
    source_type = django_filters.ChoiceFilter(choices=SourceType.choices, label=_("source type"))

    class Meta:
        model = FundingSource
        fields = ["q", "year", "source_type"]


class ContractFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "contractor__name", "contractor__short_name", "buyer_name")
    year = year_filter()
    contractor = ScopedModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=OrganisationKind.PROVIDER), label=_("contractor")
    )
    station = station_filter("stations")
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, label=_("status"))
    buyer = django_filters.ChoiceFilter(choices=Buyer.choices, label=_("buyer"))

    class Meta:
        model = Contract
        fields = ["q", "year", "contractor", "station", "status", "buyer"]

    def filter_queryset(self, queryset):
        # The station filter goes through the M2M table: keep one row per contract.
        station = self.form.cleaned_data.get("station")
        queryset = super().filter_queryset(queryset)
        return queryset.distinct() if station else queryset


class PerformanceEvaluationFilterSet(SearchFilterSet):
    search_fields = ("contract__code", "contract__name", "evaluator", "findings")
    year = year_filter("contract__year")
    stage = django_filters.ChoiceFilter(choices=EvaluationStage.choices, label=_("stage"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("grade"))
    contract = ScopedModelChoiceFilter(queryset=Contract.objects.all(), label=_("contract"))

    class Meta:
        model = PerformanceEvaluation
        fields = ["q", "year", "stage", "grade", "contract"]


class IndicatorSystemFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    is_active = django_filters.BooleanFilter(label=_("in use"))

    class Meta:
        model = IndicatorSystem
        fields = ["q", "is_active"]


class VentureCallFilterSet(SearchFilterSet):
    search_fields = ("title", "themes")
    year = year_filter()
    status = django_filters.ChoiceFilter(choices=CallStatus.choices, label=_("status"))

    class Meta:
        model = VentureCall
        fields = ["q", "year", "status"]


class VentureApplicationFilterSet(SearchFilterSet):
    search_fields = ("project_title", "theme", "organisation__name", "partner__name")
    call = ScopedModelChoiceFilter(queryset=VentureCall.objects.all(), label=_("venture call"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("status"))

    class Meta:
        model = VentureApplication
        fields = ["q", "call", "status"]


class VentureProjectFilterSet(SearchFilterSet):
    search_fields = ("application__project_title", "application__organisation__name", "application__partner__name")
    year = year_filter("application__call__year")
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("status"))

    class Meta:
        model = VentureProject
        fields = ["q", "year", "status"]
