"""The figures of SPEC §3 as JSON: /api/v1/reports/annual/?year= and /monthly/?month=."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import figures


class VisitedByCategorySerializer(serializers.Serializer):
    subsistence_allowance = serializers.IntegerField(help_text="低保")
    extreme_poverty = serializers.IntegerField(help_text="特困")
    children_in_distress = serializers.IntegerField(help_text="困境儿童")
    disability = serializers.IntegerField(help_text="残疾人")
    left_behind_elderly = serializers.IntegerField(help_text="留守老人")
    empty_nest_elderly = serializers.IntegerField(help_text="空巢老人")
    other = serializers.IntegerField(help_text="其他困难群体")


class FiguresSerializer(serializers.Serializer):
    """The keys of SPEC §3 (documentation of the response; the values come from reports.figures)."""

    stations = serializers.IntegerField(help_text="Stations open at the end of the period.")
    social_workers = serializers.IntegerField(
        help_text="Active staff with the social-worker or station-head role at the end of the period.")
    trainings = serializers.IntegerField(
        help_text="Trainings dated in the period: the county's, or, narrowed to a station, those its staff attended.")
    training_hours = serializers.FloatField(help_text="Sum of those trainings' hours (not multiplied by attendees).")
    supervisions = serializers.IntegerField(help_text="Supervision records dated in the period.")
    supervision_hours = serializers.FloatField(help_text="Sum of their hours.")
    station_evaluations = serializers.IntegerField(help_text="Station evaluations dated in the period.")
    visits = serializers.IntegerField(help_text="Visit records dated in the period.")
    visited_clients_by_category = VisitedByCategorySerializer(
        help_text="Per category: distinct clients visited in the period who held the category on the visit date; "
                  "a client in two categories counts in both.")
    resources_linked_amount = serializers.CharField(help_text="Sum of resource-link values in yuan, two decimals.")
    casework = serializers.IntegerField(help_text="Cases whose intake date is in the period.")
    groupwork = serializers.IntegerField(help_text="Groups whose first session is in the period.")
    community_activities = serializers.IntegerField(help_text="Community activities dated in the period.")
    people_served = serializers.IntegerField(
        help_text="Visits + activity participants + group-session attendance + case notes in the period (人次).")
    volunteers = serializers.IntegerField(help_text="Distinct volunteers with service recorded in the period (志愿者).")
    volunteer_hours = serializers.FloatField(help_text="Sum of the hours of that service (one decimal).")


# The months figures.month_period accepts: YYYY-MM of a year from figures.MIN_YEAR (2000) to
# MAX_YEAR (2100); tests/reports/test_api.py checks that the two agree.
MONTH_PATTERN = r"^(20\d\d-(0[1-9]|1[0-2])|2100-(0[1-9]|1[0-2]))$"
STATION_PARAMETER = OpenApiParameter(
    "station", {"type": "integer", "minimum": 0}, required=False,
    description="Narrow the figures to one station of your scope (404 if it is outside it).")
EXAMPLE = OpenApiExample("浚县 2023", value={
    "stations": 11, "social_workers": 22, "trainings": 12, "training_hours": 120, "supervisions": 65,
    "supervision_hours": 145, "station_evaluations": 11, "visits": 5665,
    "visited_clients_by_category": {
        "subsistence_allowance": 4139, "extreme_poverty": 373, "children_in_distress": 801, "disability": 441,
        "left_behind_elderly": 0, "empty_nest_elderly": 0, "other": 711},
    "resources_linked_amount": "65000.00", "casework": 18, "groupwork": 20, "community_activities": 162,
    "people_served": 22400, "volunteers": 0, "volunteer_hours": 0,
})
ERRORS = {
    400: OpenApiResponse(description="The period or the station is malformed."),
    404: OpenApiResponse(description="The station is unknown or outside your scope."),
}


class FiguresView(APIView):
    permission_classes = [IsAuthenticated]
    parameter = "year"
    parse = staticmethod(figures.year_period)

    def get(self, request):
        value = request.query_params.get(self.parameter, "").strip()
        if not value:
            raise ValidationError({self.parameter: [_("This parameter is required.")]})
        try:
            period = self.parse(value)
        except ValueError as error:
            raise ValidationError({self.parameter: [str(error)]}) from None
        station = request.query_params.get("station", "").strip() or None
        if station is not None and not station.isdigit():
            raise ValidationError({"station": [_("Give the station's numeric id.")]})
        return Response(figures.for_user(request.user, start=period.start, end=period.end, station=station))


class AnnualFiguresView(FiguresView):
    parameter = "year"
    parse = staticmethod(figures.year_period)

    @extend_schema(
        operation_id="reports_annual",
        summary="The year's figures (SPEC §3) in your scope",
        parameters=[OpenApiParameter("year", {"type": "integer", "minimum": figures.MIN_YEAR, "maximum": figures.MAX_YEAR},
                                     required=True, description="e.g. 2023"),
                    STATION_PARAMETER],
        responses={200: FiguresSerializer, **ERRORS},
        examples=[EXAMPLE],
        tags=["reports"],
    )
    def get(self, request):
        return super().get(request)


class MonthlyFiguresView(FiguresView):
    parameter = "month"
    parse = staticmethod(figures.month_period)

    @extend_schema(
        operation_id="reports_monthly",
        summary="The month's figures (SPEC §3) in your scope",
        parameters=[OpenApiParameter("month", {"type": "string", "pattern": MONTH_PATTERN}, required=True,
                                     description="YYYY-MM, e.g. 2023-05"),
                    STATION_PARAMETER],
        responses={200: FiguresSerializer, **ERRORS},
        tags=["reports"],
    )
    def get(self, request):
        return super().get(request)
