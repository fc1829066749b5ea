from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework import serializers

from portal.api.serializers import ModelSerializer, ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from portal.scoping import scope_for
from stations.models import Region, Staff, Station

from .. import idnumbers, privacy, services
from ..choices import Category, DisabilityGrade, DisabilityType, Subtype
from ..forms import clean_phone
from ..models import CategoryMembership, Client, Household, PolicyCategory


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
    station_name = serializers.CharField(source="station.short_name", read_only=True)
    id_number = serializers.CharField(max_length=40)
    categories = CategoryMembershipSerializer(source="current_categories", many=True, read_only=True)
    new_categories = NewCategorySerializer(many=True, write_only=True, required=False)
    age = serializers.IntegerField(read_only=True)

    class Meta:
        model = Client
        fields = [
            "id", "name", "id_number", "gender", "birth_date", "age", "phone", "address", "village", "station",
            "station_name", "worker", "household", "relationship", "registered_on", "status", "closed_on",
            "close_reason", "risk_level", "last_visit_on", "next_visit_due", "categories", "new_categories", "version",
        ]
        read_only_fields = ["gender", "birth_date", "status", "closed_on", "close_reason", "risk_level",
                            "last_visit_on", "next_visit_due"]

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
