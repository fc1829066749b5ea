from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.api.saving import InstanceSavedSerializer
from portal.api.serializers import ModelSerializer, ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from services.models import Case
from stations.models import Organisation, Region, Staff, Station

from .. import services
from ..models import (
    CompetitionEvent,
    Entitlement,
    EvaluationItem,
    EvaluationScheme,
    Expert,
    IncentivePolicy,
    ItemScore,
    RatingBand,
    RectificationItem,
    StationEvaluation,
    Submission,
    Supervision,
    Training,
    TuitionClaim,
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


# --- the pages' other records: their API twins call the same services -------------------

def _county_field():
    return serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="county"))


class CountyChoiceMixin:
    """A county the caller keeps records for (the pages offer only those): any other is 'does not exist'."""

    def validate_county(self, county):
        from portal.scoping import scope_for

        if county is None:
            return county
        scope = scope_for(self.context["request"].user)
        if not scope.is_global and county.pk not in scope.county_ids:
            raise serializers.ValidationError(
                serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value=county.pk))
        return county


class ExpertSerializer(CountyChoiceMixin, InstanceSavedSerializer):
    county = _county_field()

    class Meta:
        model = Expert
        fields = ["id", "county", "name", "kind", "affiliation", "title", "phone", "version"]

    def save_instance(self, instance, expected, many):
        return services.expert_save(expert=instance, user=self.context["request"].user, expected=expected)


class CompetitionEventSerializer(CountyChoiceMixin, InstanceSavedSerializer):
    county = _county_field()

    class Meta:
        model = CompetitionEvent
        fields = ["id", "county", "name", "held_on", "judges", "description", "version"]

    def save_instance(self, instance, expected, many):
        return services.competition_event_save(event=instance, user=self.context["request"].user, expected=expected)


class JudgeScoreInputSerializer(serializers.Serializer):
    """A judge's score of one entry of the competition (``POST /competitions/{id}/score/``)."""

    submission = serializers.IntegerField(help_text="The entry's id (one of this competition's).")
    judge = serializers.CharField(max_length=30)
    score = serializers.DecimalField(max_digits=5, decimal_places=2)


class SubmissionSerializer(InstanceSavedSerializer):
    event = ScopedPrimaryKeyRelatedField(queryset=CompetitionEvent.objects.all())
    station = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all())
    case = ScopedPrimaryKeyRelatedField(queryset=Case.objects.all(), required=False, allow_null=True)
    authors = ScopedPrimaryKeyRelatedField(queryset=Staff.objects.all(), many=True, required=False)

    class Meta:
        model = Submission
        fields = ["id", "event", "station", "title", "case", "authors", "summary", "score", "award", "version"]
        read_only_fields = ["score"]
        validators = []  # the title's uniqueness is the model's (full_clean in the service): one message

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "event" in attrs and attrs["event"] != self.instance.event:
            raise serializers.ValidationError({"event": [_("An entry does not move to another competition.")]})
        return attrs

    def save_instance(self, instance, expected, many):
        return services.submission_save(submission=instance, authors=many.get("authors", []), expected=expected)


class TuitionClaimSerializer(InstanceSavedSerializer):
    policy = ScopedPrimaryKeyRelatedField(queryset=IncentivePolicy.objects.all())
    staff = ScopedPrimaryKeyRelatedField(queryset=Staff.objects.all())
    staff_name = serializers.CharField(source="staff.name", read_only=True)

    class Meta:
        model = TuitionClaim
        fields = ["id", "policy", "staff", "staff_name", "course", "paid_on", "amount_paid", "version"]

    def save_instance(self, instance, expected, many):
        return services.tuition_claim_save(claim=instance, expected=expected)


class EntitlementSerializer(ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)

    class Meta:
        model = Entitlement
        fields = ["id", "policy", "staff", "staff_name", "kind", "level", "certificate", "tuition_claim", "period",
                  "amount", "status", "paid_on"]
        read_only_fields = fields


class PayInputSerializer(serializers.Serializer):
    paid_on = serializers.DateField(required=False, allow_null=True, default=None,
                                    help_text="The day it was paid (default: today).")


class IncentivePolicySerializer(InstanceSavedSerializer):
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level__in=["province", "city", "county"]))

    class Meta:
        model = IncentivePolicy
        fields = ["id", "region", "name", "document", "valid_from", "valid_to", "award_assistant",
                  "award_intermediate", "award_senior", "subsidy_assistant", "subsidy_intermediate",
                  "subsidy_senior", "tuition_rate", "tuition_cap", "notes", "version"]

    def validate_region(self, region):
        from portal.scoping import scope_for

        scope = scope_for(self.context["request"].user)
        if not scope.is_global and region.pk not in scope.county_ids:
            raise serializers.ValidationError(
                serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value=region.pk))
        return region

    def save_instance(self, instance, expected, many):
        return services.policy_save(policy=instance, expected=expected)


class PeriodInputSerializer(serializers.Serializer):
    """The period whose entitlements are computed (``POST /incentive-policies/{id}/compute/``)."""

    start = serializers.DateField()
    end = serializers.DateField()

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end date cannot be before the start date.")]})
        return attrs


class RectificationSerializer(InstanceSavedSerializer):
    evaluation = ScopedPrimaryKeyRelatedField(queryset=StationEvaluation.objects.all())
    owner = ScopedPrimaryKeyRelatedField(queryset=Staff.objects.all(), required=False, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = RectificationItem
        fields = ["id", "evaluation", "description", "owner", "deadline", "status", "done_on", "note", "is_overdue",
                  "version"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "evaluation" in attrs and attrs["evaluation"] != self.instance.evaluation:
            raise serializers.ValidationError({"evaluation": [_("An item stays with its evaluation.")]})
        return attrs

    def save_instance(self, instance, expected, many):
        return services.rectification_save(item=instance, expected=expected)


class EvaluationItemSerializer(ModelSerializer):
    class Meta:
        model = EvaluationItem
        fields = ["id", "category", "title", "criteria", "max_score", "evidence", "order"]


class RatingBandSerializer(ModelSerializer):
    class Meta:
        model = RatingBand
        fields = ["id", "min_score", "label"]


class EvaluationItemEditSerializer(InstanceSavedSerializer):
    """An item of a scheme, added (``POST /evaluation-schemes/{id}/items/``) or changed
    (``PATCH …/items/{item}/`` with its ``version``)."""

    class Meta:
        model = EvaluationItem
        fields = ["id", "category", "title", "criteria", "max_score", "evidence", "order", "version"]

    def save_instance(self, instance, expected, many):
        return services.evaluation_item_save(item=instance, expected=expected)


class RatingBandEditSerializer(InstanceSavedSerializer):
    """A rating band of a scheme (from ``min_score`` up, a total earns ``label``)."""

    class Meta:
        model = RatingBand
        fields = ["id", "min_score", "label", "version"]

    def save_instance(self, instance, expected, many):
        return services.rating_band_save(band=instance, expected=expected)


class EvaluationSchemeSerializer(CountyChoiceMixin, InstanceSavedSerializer):
    county = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="county"), required=False,
                                                allow_null=True)
    items = EvaluationItemSerializer(many=True, read_only=True)
    bands = RatingBandSerializer(many=True, read_only=True)

    class Meta:
        model = EvaluationScheme
        fields = ["id", "county", "name", "description", "is_active", "items", "bands", "version"]
        validators = []  # the name's uniqueness per county is the model's (its message)

    def validate(self, attrs):
        from portal.scoping import scope_for

        attrs = super().validate(attrs)
        county = attrs.get("county", getattr(self.instance, "county", None))
        if county is None and not scope_for(self.context["request"].user).is_global:
            raise serializers.ValidationError({"county": [_("Only a province-wide user writes the shared standards.")]})
        return attrs

    def save_instance(self, instance, expected, many):
        return services.scheme_save(scheme=instance, expected=expected)
