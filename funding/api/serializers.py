from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from partners.models import Partner
from portal.api.saving import InstanceSavedSerializer
from portal.api.serializers import ModelSerializer, ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from stations.models import Organisation, Region, Station
from training.models import Expert

from .. import services
from ..choices import TargetKind
from ..forms import scope_counties, scope_regions
from ..models import (
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
    VentureApplication,
    VentureCall,
    VentureMilestone,
    VenturePayment,
    VentureProject,
    VentureReview,
)


def _request_user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class FundingSourceSerializer(VersionedModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    contracted_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    paid_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = FundingSource
        fields = ["id", "region", "region_name", "year", "source_type", "name", "document", "base_amount",
                  "share_rule", "share_percent", "share_fixed_amount", "available_amount", "contracted_amount",
                  "paid_amount", "notes", "version"]
        read_only_fields = ["available_amount"]

    def validate_region(self, region):
        user = _request_user(self)
        if user is not None and not scope_regions(user).filter(pk=region.pk).exists():
            raise serializers.ValidationError(_("This region is outside your scope."))
        return region

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.funding_source_save(source=FundingSource(**validated_data))

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return self.save_checked(lambda: services.funding_source_save(source=instance, expected=expected))


class ContractFundingSerializer(ModelSerializer):
    source_name = serializers.CharField(source="source.name", read_only=True)

    class Meta:
        model = ContractFunding
        fields = ["id", "source", "source_name", "amount"]


class ContractTargetSerializer(ModelSerializer):
    class Meta:
        model = ContractTarget
        fields = ["id", "kind", "value", "note"]


class PaymentInstalmentSerializer(ModelSerializer):
    class Meta:
        model = PaymentInstalment
        fields = ["id", "number", "funding", "amount", "due_on", "condition", "requires_evaluation",
                  "required_stage", "status", "paid_on", "voucher"]
        read_only_fields = ["status", "paid_on", "voucher"]


class ContractSerializer(VersionedModelSerializer):
    contractor = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(kind="provider"))
    contractor_name = serializers.CharField(source="contractor.name", read_only=True)
    stations = ScopedPrimaryKeyRelatedField(queryset=Station.objects.all(), many=True)
    funded_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    paid_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    fundings = ContractFundingSerializer(many=True, read_only=True)
    targets = ContractTargetSerializer(many=True, read_only=True)
    instalments = PaymentInstalmentSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = ["id", "county", "year", "code", "name", "buyer", "buyer_name", "contractor", "contractor_name",
                  "stations", "amount",
                  "start_on", "end_on", "signed_on", "status", "notes", "funded_amount", "paid_amount", "fundings",
                  "targets", "instalments", "version"]

    def validate_county(self, county):
        user = _request_user(self)
        if user is not None and not scope_counties(user).filter(pk=county.pk).exists():
            raise serializers.ValidationError(_("This county is outside your scope."))
        return county

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        stations = validated_data.pop("stations")
        return services.contract_save(contract=Contract(**validated_data), stations=stations)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        stations = validated_data.pop("stations", None)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return self.save_checked(lambda: services.contract_save(contract=instance, stations=stations,
                                                                expected=expected))


class AllocateSerializer(serializers.Serializer):
    source = ScopedPrimaryKeyRelatedField(queryset=FundingSource.objects.all())
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class TargetSetSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TargetKind.choices)
    value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PaySerializer(serializers.Serializer):
    instalment = serializers.IntegerField()
    paid_on = serializers.DateField()
    voucher = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class IndicatorScoreSerializer(ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    max_score = serializers.DecimalField(source="indicator.max_score", max_digits=6, decimal_places=2, read_only=True)

    class Meta:
        model = IndicatorScore
        fields = ["indicator", "indicator_name", "max_score", "score", "note"]


class ScoreInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=6, decimal_places=2)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PerformanceEvaluationSerializer(VersionedModelSerializer):
    contract = ScopedPrimaryKeyRelatedField(queryset=Contract.objects.all())
    system = ScopedPrimaryKeyRelatedField(queryset=IndicatorSystem.objects.all())
    contract_code = serializers.CharField(source="contract.code", read_only=True)
    scores = IndicatorScoreSerializer(many=True, read_only=True)
    score_input = ScoreInputSerializer(many=True, write_only=True, source="scores_in")

    class Meta:
        model = PerformanceEvaluation
        fields = ["id", "contract", "contract_code", "system", "stage", "evaluated_on", "evaluator", "findings",
                  "total", "max_total", "percentage", "grade", "scores", "score_input", "version"]
        read_only_fields = ["total", "max_total", "percentage", "grade"]

    def _record(self, validated_data, evaluation=None):
        expected = self.expected_state(evaluation, validated_data) if evaluation is not None else None
        validated_data.pop("history_version", None)
        scores = {row["indicator"]: (row["score"], row.get("note", "")) for row in validated_data.pop("scores_in", [])}
        if evaluation is not None and not scores:
            scores = {s.indicator_id: (s.score, s.note) for s in evaluation.scores.all()}
        data = {
            "contract": validated_data.get("contract", getattr(evaluation, "contract", None)),
            "system": validated_data.get("system", getattr(evaluation, "system", None)),
        }
        for field in ["stage", "evaluated_on", "evaluator", "findings"]:
            data[field] = validated_data.get(field, getattr(evaluation, field, ""))
        return self.save_checked(lambda: services.evaluation_record(
            **data, scores=scores, recorded_by=_request_user(self), evaluation=evaluation, expected=expected))

    def create(self, validated_data):
        return self._record(validated_data)

    def update(self, instance, validated_data):
        return self._record(validated_data, evaluation=instance)


class AchievementSerializer(serializers.Serializer):
    """One target of a contract against what has been achieved (``ContractViewSet.achievement``)."""

    kind = serializers.ChoiceField(choices=TargetKind.choices)
    target = serializers.FloatField(help_text=_("The promised value."))
    achieved = serializers.FloatField(help_text=_("Counted by the figures engine over the contract's period and the "
                                                  "covered stations in your scope."))
    percent = serializers.IntegerField(help_text=_("Achieved as a whole percentage of the target (100 for a target "
                                                   "of 0)."))


class PaymentInstalmentEditSerializer(InstanceSavedSerializer):
    """An unpaid instalment of a contract, changed (``PATCH /payment-instalments/{id}/``); it is
    added with ``POST /contracts/{id}/instalments/`` and paid with ``POST /contracts/{id}/pay/``."""

    class Meta:
        model = PaymentInstalment
        fields = ["id", "contract", "number", "funding", "amount", "due_on", "condition", "requires_evaluation",
                  "required_stage", "status", "paid_on", "voucher", "version"]
        read_only_fields = ["contract", "status", "paid_on", "voucher"]
        validators = []  # the number's uniqueness per contract is the model's (one message)

    def validate_funding(self, funding):
        if self.instance is not None and funding.contract_id != self.instance.contract_id:
            raise serializers.ValidationError(_("Choose a funding source of this contract."))
        return funding

    def save_instance(self, instance, expected, many):
        return services.instalment_save(instalment=instance, expected=expected)


class IndicatorSystemSerializer(InstanceSavedSerializer):
    county = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="county"))

    class Meta:
        model = IndicatorSystem
        fields = ["id", "county", "name", "year", "description", "is_active", "version"]
        validators = []  # the name's uniqueness per county is the model's (one message)

    def validate_county(self, county):
        if not scope_counties(self.context["request"].user).filter(pk=county.pk).exists():
            raise serializers.ValidationError(
                serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value=county.pk))
        return county

    def save_instance(self, instance, expected, many):
        return services.indicator_system_save(system=instance, expected=expected)


class IndicatorCategorySerializer(InstanceSavedSerializer):
    system = ScopedPrimaryKeyRelatedField(queryset=IndicatorSystem.objects.all())

    class Meta:
        model = IndicatorCategory
        fields = ["id", "system", "name", "weight", "order", "version"]

    def validate_system(self, system):
        if self.instance is not None and system != self.instance.system:
            raise serializers.ValidationError(_("A category stays in its indicator system."))
        return system

    def save_instance(self, instance, expected, many):
        return services.indicator_category_save(category=instance, expected=expected)


class IndicatorSerializer(InstanceSavedSerializer):
    category = ScopedPrimaryKeyRelatedField(queryset=IndicatorCategory.objects.all())

    class Meta:
        model = Indicator
        fields = ["id", "category", "name", "max_score", "scoring_notes", "order", "version"]

    def validate_category(self, category):
        if self.instance is not None and category.system_id != self.instance.category.system_id:
            raise serializers.ValidationError(_("An indicator stays in its indicator system."))
        return category

    def save_instance(self, instance, expected, many):
        return services.indicator_save(indicator=instance, expected=expected)


# --- 公益创投 -------------------------------------------------------------------------------

class VentureCallSerializer(InstanceSavedSerializer):
    """A 公益创投 call. ``status`` moves through ``open/``, ``close/`` and ``announce/``."""

    county = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="county"))
    source = ScopedPrimaryKeyRelatedField(queryset=FundingSource.objects.all())
    application_count = serializers.IntegerField(read_only=True)
    awarded_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = VentureCall
        fields = ["id", "county", "title", "year", "source", "budget", "opens_on", "closes_on", "themes", "status",
                  "application_count", "awarded_amount", "version"]
        read_only_fields = ["status"]

    def validate_county(self, county):
        user = _request_user(self)
        if user is not None and not scope_counties(user).filter(pk=county.pk).exists():
            raise serializers.ValidationError(_("This county is outside your scope."))
        return county

    def save_instance(self, instance, expected, many):
        return services.venture_call_save(call=instance, user=_request_user(self), expected=expected)


class VentureReviewSerializer(ModelSerializer):
    reviewer_name = serializers.CharField(read_only=True)

    class Meta:
        model = VentureReview
        fields = ["id", "reviewer", "expert", "reviewer_name", "score", "comment", "reviewed_on"]
        read_only_fields = ["reviewer"]


class VentureApplicationSerializer(InstanceSavedSerializer):
    """An application to a call: ``organisation`` (a service organisation) or ``partner`` (a
    social organisation of the partner ledger), one of them."""

    call = ScopedPrimaryKeyRelatedField(queryset=VentureCall.objects.all())
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(kind="provider"),
                                                      required=False, allow_null=True)
    partner = ScopedPrimaryKeyRelatedField(queryset=Partner.objects.all(), required=False, allow_null=True)
    applicant_name = serializers.SerializerMethodField()
    review_count = serializers.IntegerField(read_only=True)
    average_score = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    reviews = VentureReviewSerializer(many=True, read_only=True)
    project = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = VentureApplication
        fields = ["id", "call", "organisation", "partner", "applicant_name", "project_title", "theme",
                  "amount_requested", "summary", "submitted_on", "status", "review_count", "average_score",
                  "reviews", "project", "version"]
        read_only_fields = ["status"]
        create_only_fields = ["call"]
        extra_kwargs = {"submitted_on": {"required": True}}

    def get_applicant_name(self, application) -> str:
        return str(application.applicant or "")

    def save_instance(self, instance, expected, many):
        return services.venture_application_save(application=instance, expected=expected)


class VentureReviewInputSerializer(serializers.Serializer):
    """A review: your own (no ``expert``) or an outside expert's of the call's county."""

    expert = ScopedPrimaryKeyRelatedField(queryset=Expert.objects.all(), required=False, allow_null=True)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    reviewed_on = serializers.DateField()


class VentureAwardInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    awarded_on = serializers.DateField()


class VentureMilestoneSerializer(ModelSerializer):
    class Meta:
        model = VentureMilestone
        fields = ["id", "title", "due_on", "done_on", "evidence"]
        read_only_fields = ["done_on", "evidence"]


class VenturePaymentSerializer(ModelSerializer):
    class Meta:
        model = VenturePayment
        fields = ["id", "amount", "due_on", "status", "paid_on"]
        read_only_fields = ["status", "paid_on"]


class VentureProjectSerializer(ModelSerializer):
    project_title = serializers.CharField(source="application.project_title", read_only=True)
    milestones = VentureMilestoneSerializer(many=True, read_only=True)
    payments = VenturePaymentSerializer(many=True, read_only=True)

    class Meta:
        model = VentureProject
        fields = ["id", "application", "project_title", "source", "amount_awarded", "awarded_on", "status",
                  "final_report", "reported_on", "evaluation_score", "evaluation_conclusion", "evaluated_on",
                  "milestones", "payments"]
        read_only_fields = fields


class MilestoneDoneInputSerializer(serializers.Serializer):
    milestone = serializers.IntegerField(help_text="The milestone's id (one of this project's).")
    done_on = serializers.DateField()
    evidence = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class VenturePayInputSerializer(serializers.Serializer):
    payment = serializers.IntegerField(help_text="The payment's id (one of this project's).")
    paid_on = serializers.DateField()


class VentureReportInputSerializer(serializers.Serializer):
    final_report = serializers.CharField(max_length=10000, allow_blank=True)
    reported_on = serializers.DateField()


class VentureEvaluateInputSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    conclusion = serializers.CharField(max_length=5000, allow_blank=True)
    evaluated_on = serializers.DateField()
