from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.api.serializers import ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from portal.scoping import scope_for
from reports import figures
from services.models import Activity, ActivityPhoto
from stations.models import Region

from .. import services
from ..models import Highlight, Issue


class IssueSerializer(VersionedModelSerializer):
    county = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="county"))
    month = serializers.CharField(source="month_code", help_text=_("YYYY-MM; set when the issue is drafted."))
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Issue
        fields = ["id", "county", "month", "number", "version_number", "status", "status_display", "title", "lead",
                  "case_story", "training_news", "campaign", "correction_note", "figures", "published_at", "version"]
        read_only_fields = ["number", "status", "correction_note", "figures", "published_at"]
        extra_kwargs = {"version_number": {"source": "version", "read_only": True},
                        "title": {"required": False}}  # a new issue is titled by its number

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple) and hasattr(self.instance, "pk"):
            fields["county"].read_only = fields["month"].read_only = True
        return fields

    def validate_month(self, value):
        try:
            return figures.month_period(value).start
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None

    def validate_county(self, county):
        scope = scope_for(self.context["request"].user)
        if not scope.is_global and county.pk not in scope.county_ids:
            raise serializers.ValidationError(_("This county is outside your scope."))
        return county

    def create(self, validated_data):
        return self.save_checked(lambda: services.issue_draft(
            county=validated_data["county"], month=validated_data["month_code"], user=self.context["request"].user))

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        for key in ("title", *Issue.RICH_FIELDS):
            if key in validated_data:
                setattr(instance, key, validated_data[key])
        return self.save_checked(lambda: services.issue_update(issue=instance, expected=expected))


class IssueCorrectSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, help_text=_("What the correction changes."))


class HighlightSerializer(VersionedModelSerializer):
    station_name = serializers.CharField(source="station.short_name", read_only=True)
    activity = ScopedPrimaryKeyRelatedField(queryset=Activity.objects.all(), allow_null=True, required=False)
    photo = ScopedPrimaryKeyRelatedField(queryset=ActivityPhoto.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Highlight
        fields = ["id", "issue", "station", "station_name", "activity", "title", "held_on", "participants", "text",
                  "photo", "included", "version"]
        read_only_fields = ["issue", "station"]

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        staff = getattr(self.context["request"].user, "staff", None)
        if staff is not None and staff.station_id is not None:
            validated_data.pop("included", None)  # whether it goes in is the center's choice
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return self.save_checked(lambda: services.highlight_update(
            highlight=instance, user=self.context["request"].user, expected=expected))
