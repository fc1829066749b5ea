from rest_framework import serializers

from portal.api.saving import InstanceSavedSerializer
from portal.api.serializers import ModelSerializer, ScopedPrimaryKeyRelatedField
from portal.scoping import scope_for
from stations.models import Region, Station

from .. import services
from ..models import Partner, PartnerOffering


class OfferingSerializer(ModelSerializer):
    class Meta:
        model = PartnerOffering
        fields = ["id", "kind", "description", "value"]


class PartnerSerializer(InstanceSavedSerializer):
    """A partner; ``phone`` is masked (138****1234) for roles that do not keep the ledger.
    ``linked_count``/``linked_amount``: its resource links of ``?year=`` (this year by default)
    among the stations the caller sees."""

    county = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="county"))
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all(), allow_null=True, required=False)
    offerings = OfferingSerializer(many=True, read_only=True)
    linked_count = serializers.IntegerField(read_only=True)
    linked_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Partner
        fields = ["id", "county", "station", "name", "kind", "contact_person", "phone", "address", "description",
                  "is_active", "offerings", "linked_count", "linked_amount", "version"]
        read_only_fields = ["is_active"]

    def validate_county(self, county):
        scope = scope_for(self.context["request"].user)
        if not scope.is_global and county.pk not in scope.county_ids:
            raise serializers.ValidationError(
                serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value=county.pk))
        return county

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None:
            data["phone"] = instance.phone_for(request.user)
        return data

    def save_instance(self, instance, expected, many):
        return services.partner_save(partner=instance, user=self.context["request"].user, expected=expected)


class PartnerOfferingSerializer(InstanceSavedSerializer):
    partner = ScopedPrimaryKeyRelatedField(queryset=Partner.objects.all())

    class Meta:
        model = PartnerOffering
        fields = ["id", "partner", "kind", "description", "value", "version"]
        create_only_fields = ["partner"]

    def save_instance(self, instance, expected, many):
        return services.partner_offering_save(offering=instance, expected=expected)
