from django.db import transaction
from rest_framework import serializers

from portal.api.serializers import ModelSerializer, ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from stations.models import Organisation, Region, Staff, Station

from .. import services
from ..models import (
    EvaluationItem,
    EvaluationScheme,
    Expert,
    ItemScore,
    RectificationItem,
    StationEvaluation,
    Supervision,
    Training,
)


class TrainingSerializer(VersionedModelSerializer):
    county = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="county"))
    organiser = ScopedPrimaryKeyRelatedField(queryset=Organisation.objects.all())
    organiser_name = serializers.CharField(source="organiser.name", read_only=True)
    trainers = ScopedPrimaryKeyRelatedField(queryset=Staff.objects.all(), many=True, required=False)
    expert_trainers = ScopedPrimaryKeyRelatedField(queryset=Expert.objects.all(), many=True, required=False)
    attendees = ScopedPrimaryKeyRelatedField(queryset=Staff.objects.all(), many=True, required=False, write_only=True)
    attendee_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Training
        fields = ["id", "county", "topic", "held_on", "hours", "format", "organiser", "organiser_name", "location",
                  "trainers", "expert_trainers", "attendees", "attendee_count", "content", "version"]

    def validate_county(self, county):
        from portal.scoping import scope_for

        scope = scope_for(self.context["request"].user)
        if not scope.is_global and county.pk not in scope.county_ids:
            raise serializers.ValidationError(serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"]
                                              .format(pk_value=county.pk))
        return county

    def _visible_staff(self):
        if "visible_staff" not in self.context:
            request = self.context["request"]
            self.context["visible_staff"] = set(Staff.objects.visible_to(request.user).values_list("pk", flat=True))
        return self.context["visible_staff"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # only the attendees the caller may see are listed; the count covers everyone
        data["attendees"] = [a.staff_id for a in instance.attendance.all() if a.staff_id in self._visible_staff()]
        if "attendee_count" not in data or data["attendee_count"] is None:
            data["attendee_count"] = len(instance.attendance.all())
        return data

    def _save(self, instance, validated_data, expected=None):
        validated_data.pop("history_version", None)
        lists = {key: validated_data.pop(key, None) for key in ("trainers", "expert_trainers", "attendees")}
        for key, value in validated_data.items():
            setattr(instance, key, value)
        if instance.pk:
            lists = {key: list(getattr(instance, key).all()) if value is None else value for key, value in lists.items()}
        return self.save_checked(lambda: services.training_save(
            training=instance, expected=expected, **{k: v or [] for k, v in lists.items()}))

    def create(self, validated_data):
        return self._save(Training(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data, expected=self.expected_state(instance, validated_data))


class SupervisionSerializer(VersionedModelSerializer):
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all())
    station_name = serializers.CharField(source="station.name", read_only=True)
    supervisor_expert = ScopedPrimaryKeyRelatedField(queryset=Expert.objects.all(), allow_null=True, required=False)
    supervisor_staff = ScopedPrimaryKeyRelatedField(queryset=Staff.objects.all(), allow_null=True, required=False)
    supervisor_name = serializers.CharField(read_only=True)
    supervisor_kind = serializers.CharField(read_only=True)
    workers = ScopedPrimaryKeyRelatedField(queryset=Staff.objects.all(), many=True, required=False)

    class Meta:
        model = Supervision
        fields = ["id", "station", "station_name", "supervised_on", "hours", "mode", "supervisor_expert",
                  "supervisor_staff", "supervisor_name", "supervisor_kind", "topic", "workers", "findings", "advice",
                  "follow_up", "follow_up_on", "follow_up_done", "version"]

    def _save(self, instance, validated_data, expected=None):
        validated_data.pop("history_version", None)
        workers = validated_data.pop("workers", None)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        if workers is None:
            workers = list(instance.workers.all()) if instance.pk else []
        return self.save_checked(lambda: services.supervision_save(supervision=instance, workers=workers,
                                                                   expected=expected))

    def create(self, validated_data):
        return self._save(Supervision(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data, expected=self.expected_state(instance, validated_data))


class ItemScoreSerializer(ModelSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=EvaluationItem.objects.all())
    title = serializers.CharField(source="item.title", read_only=True)
    max_score = serializers.DecimalField(source="item.max_score", max_digits=6, decimal_places=1, read_only=True)

    class Meta:
        model = ItemScore
        fields = ["item", "title", "max_score", "score", "note"]
        validators = []


class RectificationItemSerializer(ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = RectificationItem
        fields = ["id", "description", "owner", "deadline", "status", "done_on", "is_overdue"]
        read_only_fields = fields


class StationEvaluationSerializer(VersionedModelSerializer):
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all())
    station_name = serializers.CharField(source="station.name", read_only=True)
    scheme = ScopedPrimaryKeyRelatedField(queryset=EvaluationScheme.objects.filter(is_active=True))
    scores = ItemScoreSerializer(many=True)
    rectifications = RectificationItemSerializer(many=True, read_only=True)

    class Meta:
        model = StationEvaluation
        fields = ["id", "station", "station_name", "scheme", "evaluated_on", "period_start", "period_end",
                  "evaluators", "total", "rating", "findings", "scores", "rectifications", "version"]
        read_only_fields = ["total", "rating"]

    def _save(self, instance, validated_data, expected=None):
        validated_data.pop("history_version", None)
        scores = validated_data.pop("scores", None)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        if scores is None:
            scores = [{"item": s.item, "score": s.score, "note": s.note} for s in instance.scores.all()]
        with transaction.atomic():
            return self.save_checked(lambda: services.evaluation_save(
                evaluation=instance, user=self.context["request"].user, expected=expected,
                scores={row["item"].pk: (row["score"], row.get("note", "")) for row in scores},
            ))

    def create(self, validated_data):
        return self._save(StationEvaluation(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data, expected=self.expected_state(instance, validated_data))
