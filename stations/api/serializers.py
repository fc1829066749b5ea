from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.api.saving import InstanceSavedSerializer
from portal.api.serializers import ModelSerializer, ScopedPrimaryKeyRelatedField, VersionedModelSerializer

from .. import services
from ..choices import STATION_ROLES
from ..models import Certificate, Organisation, Region, ServicePoint, Staff, Station
from ..privacy import phone_for


class RegionSerializer(ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent"]


class OrganisationSerializer(VersionedModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind", "region", "region_name", "credit_code", "contact", "phone",
                  "address", "is_active", "version"]

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.organisation_save(organisation=Organisation(**validated_data))

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return self.save_checked(lambda: services.organisation_save(organisation=instance, expected=expected))

    def validate(self, attrs):
        request = self.context.get("request")
        if request is not None:
            errors = services.reach_errors(
                request.user, region=attrs.get("region"),
                current_region_id=self.instance.region_id if self.instance is not None else None)
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


class StationSerializer(VersionedModelSerializer):
    town_name = serializers.CharField(source="town.name", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)
    operator_name = serializers.CharField(source="operator.name", read_only=True, default=None)
    worker_count = serializers.IntegerField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Station
        fields = [
            "id", "name", "short_name", "town", "town_name", "county", "county_name", "operator", "operator_name",
            "address", "phone", "opened_on", "closed_on", "is_open", "brand", "brand_description",
            "has_sign", "has_staff", "has_mechanism", "has_process", "has_project",
            "std_construction", "std_management", "std_refined", "std_professional", "std_venues", "worker_count",
            "version",
        ]
        read_only_fields = ["county"]

    def validate_town(self, town):
        if town.level != "town":
            raise serializers.ValidationError(_("Choose a town or sub-district."))
        request = self.context.get("request")
        if request is not None and not request.user.is_superuser:
            from portal.scoping import scope_for

            counties = scope_for(request.user).county_ids
            if counties is not None and town.parent_id not in counties:
                raise serializers.ValidationError(_("This town is outside your county."))
        return town

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.station_save(station=Station(**validated_data))

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return self.save_checked(lambda: services.station_save(station=instance, expected=expected))


class CertificateSerializer(ModelSerializer):
    class Meta:
        model = Certificate
        fields = ["id", "level", "number", "issued_on", "expires_on"]


class StaffSerializer(VersionedModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all(), allow_null=True, required=False)
    organisation = ScopedPrimaryKeyRelatedField(queryset=Organisation.objects.all())
    certificates = CertificateSerializer(many=True, read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Staff
        fields = ["id", "username", "name", "role", "organisation", "station", "phone", "active_from", "active_to",
                  "is_active", "certificates", "version"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        request = self.context.get("request")
        if request is not None:
            organisation = attrs.get("organisation", getattr(self.instance, "organisation", None))
            role = attrs.get("role", getattr(self.instance, "role", None))
            errors = services.reach_errors(request.user, organisation=organisation, role=role)
            if errors:
                raise serializers.ValidationError(errors)
        return attrs

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        return self.save_checked(lambda: services.staff_update(staff=instance, expected=expected, **validated_data))


class StaffCreateSerializer(StaffSerializer):
    username = serializers.RegexField(r"^[A-Za-z0-9_.@-]{3,30}$", max_length=30)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})

    class Meta(StaffSerializer.Meta):
        fields = StaffSerializer.Meta.fields + ["password"]
        update_only_fields = ["active_to"]

    def validate_username(self, value):
        from django.contrib.auth import get_user_model

        if get_user_model().objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(_("This username is already taken."))
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        role, station = attrs.get("role"), attrs.get("station")
        if role in STATION_ROLES and not station:
            raise serializers.ValidationError({"station": _("Station heads and social workers must belong to a station.")})
        if role not in STATION_ROLES and station:
            raise serializers.ValidationError({"station": _("Only station heads and social workers belong to a station.")})
        return attrs

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        validated_data.setdefault("active_from", timezone.localdate())
        validated_data.pop("active_to", None)
        return services.staff_create(**validated_data)

    def to_representation(self, instance):
        return StaffSerializer(instance, context=self.context).data


class CertificateEditSerializer(InstanceSavedSerializer):
    """A worker's qualification certificate (``/certificates/``): the training-hours requirement
    and the incentives are computed from it."""

    staff = ScopedPrimaryKeyRelatedField(queryset=Staff.objects.all())
    staff_name = serializers.CharField(source="staff.name", read_only=True)

    class Meta:
        model = Certificate
        fields = ["id", "staff", "staff_name", "level", "number", "issued_on", "version"]
        validators = []  # the number's uniqueness is the model's (full_clean in the service): one message

    def save_instance(self, instance, expected, many):
        return services.certificate_save(certificate=instance, expected=expected)


class ServicePointSerializer(InstanceSavedSerializer):
    """A village or community service point (村/社区社工室, ``/service-points/``). ``station`` is
    set on create and does not change; the liaison's phone is masked like a client's for the
    roles that do not call people."""

    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all())
    station_name = serializers.CharField(source="station.name", read_only=True)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="village"), allow_null=True,
                                                required=False)
    staff = ScopedPrimaryKeyRelatedField(queryset=Staff.objects.all(), allow_null=True, required=False)

    class Meta:
        model = ServicePoint
        fields = ["id", "station", "station_name", "name", "kind", "region", "address", "opened_on", "is_active",
                  "staff", "liaison_name", "liaison_phone", "version"]
        create_only_fields = ["station"]
        validators = []  # the name's uniqueness in its station is the model's (full_clean in the service)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        data["liaison_phone"] = phone_for(request.user if request else None, instance.liaison_phone)
        return data

    def save_instance(self, instance, expected, many):
        return services.service_point_save(point=instance, expected=expected)
