from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.api.serializers import ModelSerializer, ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from portal.scoping import scope_for
from stations.models import Region, ServicePoint, Staff, Station

from .. import idnumbers, privacy, services
from ..choices import Category, DisabilityGrade, DisabilityType, Relationship, Subtype
from ..forms import clean_phone
from ..models import (
    Assessment,
    CategoryMembership,
    Client,
    Household,
    PolicyCategory,
    ScreeningCampaign,
    ScreeningRecord,
    VisitInterval,
)


class CategoryMembershipSerializer(ModelSerializer):
    category_display = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = CategoryMembership
        fields = ["id", "category", "category_display", "policy_category", "subtype", "disability_type",
                  "disability_grade", "start_on", "end_on"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not privacy.sees_disability(request.user) and data["disability_type"]:
            data["disability_type"], data["disability_grade"] = privacy.MASK, None
        return data


class NewCategorySerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    subtype = serializers.ChoiceField(choices=Subtype.choices, required=False, allow_blank=True, default="")
    disability_type = serializers.ChoiceField(choices=DisabilityType.choices, required=False, allow_blank=True,
                                              default="")
    disability_grade = serializers.ChoiceField(choices=DisabilityGrade.choices, required=False, allow_null=True,
                                               default=None)
    start_on = serializers.DateField(required=False, allow_null=True, default=None)


class ClientSerializer(VersionedModelSerializer):
    """ID number and phone are masked in every answer; the full ID number is a logged reveal."""

    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all())
    worker = ScopedPrimaryKeyRelatedField(queryset=Staff.objects.all(), allow_null=True, required=False)
    household = ScopedPrimaryKeyRelatedField(queryset=Household.objects.all(), allow_null=True, required=False)
    service_point = ScopedPrimaryKeyRelatedField(queryset=ServicePoint.objects.all(), allow_null=True, required=False)
    station_name = serializers.CharField(source="station.short_name", read_only=True)
    id_number = serializers.CharField(max_length=40)
    categories = CategoryMembershipSerializer(source="current_categories", many=True, read_only=True)
    new_categories = NewCategorySerializer(many=True, write_only=True, required=False)
    age = serializers.IntegerField(read_only=True)

    class Meta:
        model = Client
        fields = [
            "id", "name", "id_number", "gender", "birth_date", "age", "phone", "address", "village", "service_point",
            "station",
            "station_name", "worker", "household", "relationship", "registered_on", "status", "closed_on",
            "close_reason", "risk_level", "last_visit_on", "next_visit_due", "categories", "new_categories", "version",
        ]
        read_only_fields = ["gender", "birth_date", "status", "closed_on", "close_reason", "risk_level",
                            "last_visit_on", "next_visit_due"]
        create_only_fields = ["new_categories", "registered_on"]  # not taken by an edit: 400, never dropped

    def to_representation(self, instance):
        if not hasattr(instance, "current_categories"):
            today = timezone.localdate()
            instance.current_categories = [m for m in instance.categories.all() if m.is_held_on(today)]
        data = super().to_representation(instance)
        user = self.context["request"].user
        data["id_number"] = privacy.mask_id(instance.id_number)
        data["phone"] = privacy.phone_for(user, instance.phone)
        if not privacy.sees_birth_date(user):
            data["birth_date"] = None  # with the area code it would narrow the number down: age only
        return data

    def validate_id_number(self, value):
        try:
            return idnumbers.normalise(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def validate_phone(self, value):
        try:
            return clean_phone(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        categories = validated_data.pop("new_categories", [])
        return services.client_register(user=self.context["request"].user, categories=categories,
                                        **validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        validated_data.pop("new_categories", None)
        validated_data.pop("registered_on", None)
        return self.save_checked(lambda: services.client_update(
            client=instance, expected=expected, user=self.context["request"].user, **validated_data))


class HouseholdMemberSerializer(ModelSerializer):
    class Meta:
        model = Client
        fields = ["id", "name", "relationship"]


class HouseholdSerializer(VersionedModelSerializer):
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all())
    members = HouseholdMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = ["id", "station", "address", "village", "in_distress", "notes", "members", "version"]
        create_only_fields = ["station"]

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.household_create(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        validated_data.pop("station", None)
        return self.save_checked(lambda: services.household_update(household=instance, expected=expected,
                                                                   **validated_data))


class RevealSerializer(serializers.Serializer):
    """The answer of a reveal: the client's full ID number (logged)."""

    id = serializers.IntegerField()
    id_number = serializers.CharField()


class CategoryAddSerializer(NewCategorySerializer):
    """A category added to a client (``POST /clients/{id}/categories/``), as the client page's form."""

    end_on = serializers.DateField(required=False, allow_null=True, default=None)


class CategoryEndSerializer(serializers.Serializer):
    end_on = serializers.DateField(help_text="The last day the person holds the category.")


class ClientCloseSerializer(serializers.Serializer):
    """Closing a record (销档): ``POST /clients/{id}/close/``, as the client page's form."""

    close_reason = serializers.ChoiceField(choices=Client._meta.get_field("close_reason").choices)
    closed_on = serializers.DateField(required=False, allow_null=True, default=None)
    close_note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AssessmentSerializer(ModelSerializer):
    """A needs assessment (``POST /clients/{id}/assessments/``); the assessor is the caller's staff record."""

    assessor_name = serializers.CharField(source="assessor.name", read_only=True, default=None)

    class Meta:
        model = Assessment
        fields = ["id", "client", "assessed_on", "assessor", "assessor_name", "risk_level", "living_condition",
                  "needs", "notes"]
        read_only_fields = ["client", "assessor"]
        extra_kwargs = {"assessed_on": {"required": False}}


class HouseholdMemberAddSerializer(serializers.Serializer):
    """``POST /households/{id}/members/``: a person registered at the household's station, named by ID number."""

    id_number = serializers.CharField(max_length=40)
    relationship = serializers.ChoiceField(choices=Relationship.choices)


class ScreeningRecordSerializer(ModelSerializer):
    """What a screening campaign found about one covered client (``POST /screening-campaigns/{id}/records/``:
    records or corrects the client's result in the campaign)."""

    client = ScopedPrimaryKeyRelatedField(queryset=Client.objects.all())

    class Meta:
        model = ScreeningRecord
        fields = ["id", "campaign", "client", "screened_on", "screener", "result", "living_condition",
                  "risk_level", "needs"]
        read_only_fields = ["campaign", "screener"]
        extra_kwargs = {"screened_on": {"required": False}}
        validators = []  # one record per campaign and client: a second POST corrects it


class ScreeningCampaignSerializer(VersionedModelSerializer):
    """A screening campaign (大排查) over stations of a county; results are POSTed to its ``records``."""

    county = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="county"))
    stations = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all(), many=True)

    class Meta:
        model = ScreeningCampaign
        fields = ["id", "name", "county", "stations", "start_on", "end_on", "notes", "version"]

    def validate_county(self, county):
        return _own_county(self, county)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("start_on", getattr(self.instance, "start_on", None))
        end = attrs.get("end_on", getattr(self.instance, "end_on", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_on": [_("The end date cannot be before the start date.")]})
        return attrs

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.screening_campaign_create(**validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        stations = validated_data.pop("stations", None)
        if stations is None:
            stations = list(instance.stations.all())
        return self.save_checked(lambda: services.screening_campaign_update(
            campaign=instance, stations=stations, expected=expected, **validated_data))


def _own_county(serializer, county):
    """A county of the caller's scope (the pages offer only those): any other 'does not exist'."""
    scope = scope_for(serializer.context["request"].user)
    if not scope.is_global and county.pk not in scope.county_ids:
        raise serializers.ValidationError(
            serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value=county.pk))
    return county


class VisitIntervalSerializer(VersionedModelSerializer):
    """How often a category or a risk level must be visited in a county (动态监测频次); saving
    one re-dates the county's clients' next visits."""

    county = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="county"))
    days = serializers.IntegerField(min_value=1, max_value=366)

    class Meta:
        model = VisitInterval
        fields = ["id", "county", "category", "risk_level", "days", "version"]
        validators = []  # one interval per county and key: the service's message

    def validate_county(self, county):
        return _own_county(self, county)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        category = attrs.get("category", getattr(self.instance, "category", ""))
        risk = attrs.get("risk_level", getattr(self.instance, "risk_level", ""))
        if not category and not risk:
            raise serializers.ValidationError({"non_field_errors": [_("Choose a category or a risk level.")]})
        if category and risk:
            raise serializers.ValidationError({"non_field_errors": [
                _("An interval applies to a category or to a risk level, not both.")]})
        return attrs

    def _save(self, interval, data, expected=None):
        fields = {"county": interval.county if interval.pk else None, "category": interval.category,
                  "risk_level": interval.risk_level, "days": interval.days, **data}
        return services.visit_interval_save(interval=interval, expected=expected, **fields)

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return self._save(VisitInterval(), validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        return self.save_checked(lambda: self._save(instance, validated_data, expected))


class PolicyCategorySerializer(VersionedModelSerializer):
    """A county's own category (counted under ``maps_to``, SPEC's ``other`` by default)."""

    county = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="county"))

    class Meta:
        model = PolicyCategory
        fields = ["id", "county", "name", "maps_to", "visit_days", "is_active", "version"]

    def validate_county(self, county):
        request = self.context.get("request")
        scope = scope_for(request.user) if request is not None else None
        if scope is not None and scope.county_ids is not None and county.pk not in scope.county_ids:
            raise serializers.ValidationError("Choose one of your own counties.")
        return county

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.policy_category_save(category=PolicyCategory(**validated_data))

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self.save_checked(lambda: services.policy_category_save(category=instance, expected=expected))
