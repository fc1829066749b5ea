"""Money meets services: funding sources, purchased-service contracts, payments, performance
evaluation (SPEC §2 "Funding").

Amounts are yuan in ``DecimalField``s and never negative (checked in ``clean()``, by the
service functions and by database constraints). Rules that span several rows (a source never
gives more than it has, a contract is never paid more than its amount, a payment waits for a
passing evaluation) live in ``funding.services``.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.history import AuditHistory
from portal.scoping import Reach, ScopedQuerySet
from stations.choices import OrganisationKind, RegionLevel
from stations.models import Organisation, Region, Station

from .choices import (
    PASSING_GRADES,
    ContractStatus,
    EvaluationStage,
    Grade,
    InstalmentStatus,
    ShareRule,
    SourceType,
    TargetKind,
)

CENT = Decimal("0.01")
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, validators=NON_NEGATIVE, **kwargs)


def non_negative(field, name):
    return models.CheckConstraint(condition=models.Q(**{f"{field}__gte": 0}), name=name)


ZERO_YUAN = models.Value(Decimal("0.00"), output_field=models.DecimalField(max_digits=14, decimal_places=2))


def _summed(queryset, group_field):
    return models.Subquery(
        queryset.order_by().values(group_field).annotate(total=models.Sum("amount")).values("total")
    )


class FundingSourceQuerySet(ScopedQuerySet):
    def with_execution(self):
        """Annotate ``contracted_amount`` (sum of contract splits on the source) and
        ``paid_amount`` (paid instalments drawn on it): one query, whatever the rows."""
        allocations = ContractFunding.objects.filter(source=models.OuterRef("pk"))
        paid = PaymentInstalment.objects.filter(funding__source=models.OuterRef("pk"), status=InstalmentStatus.PAID)
        return self.annotate(
            contracted_amount=Coalesce(_summed(allocations, "source"), ZERO_YUAN),
            paid_amount=Coalesce(_summed(paid, "funding__source"), ZERO_YUAN),
        )


class FundingSource(models.Model):
    """A funding source of one year (资金来源): a base amount and the share rule that turns it
    into the amount available for purchased social-work services."""

    reach = Reach(above=("region",))  # the counties under its region

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    source_type = models.CharField(_("source type"), max_length=30, choices=SourceType.choices)
    name = models.CharField(_("name"), max_length=120)
    document = models.CharField(_("allocation document"), max_length=120, blank=True)
    base_amount = money_field(_("base amount"))
    share_rule = models.CharField(_("share rule"), max_length=12, choices=ShareRule.choices, default=ShareRule.PERCENTAGE)
    share_percent = models.DecimalField(
        _("share (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    share_fixed_amount = money_field(_("fixed sum"), null=True, blank=True)
    # Derived from the rule on every save; stored so that budget reports can sum it.
    available_amount = models.DecimalField(
        _("available for purchased services"), max_digits=14, decimal_places=2, default=0, editable=False
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = FundingSourceQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-year", "region__code", "source_type", "name"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "name"], name="funding_source_unique_name"),
            non_negative("base_amount", "funding_source_base_non_negative"),
            non_negative("available_amount", "funding_source_available_non_negative"),
            models.CheckConstraint(
                condition=models.Q(share_fixed_amount__isnull=True) | models.Q(share_fixed_amount__gte=0),
                name="funding_source_fixed_non_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(share_percent__isnull=True)
                | models.Q(share_percent__gte=0, share_percent__lte=100),
                name="funding_source_percent_range",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"

    def save(self, *args, **kwargs):
        if self.share_rule == ShareRule.PERCENTAGE:
            self.share_fixed_amount = None
        else:
            self.share_percent = None
        self.available_amount = self.compute_available()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("funding:fundingsource_detail", args=[self.pk])

    def compute_available(self):
        if self.share_rule == ShareRule.PERCENTAGE:
            if self.base_amount is None or self.share_percent is None:
                return Decimal("0.00")
            return (self.base_amount * self.share_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        return (self.share_fixed_amount or Decimal("0")).quantize(CENT)

    def clean(self):
        errors = {}
        if self.share_rule == ShareRule.PERCENTAGE:
            if self.share_percent is None:
                errors["share_percent"] = _("Enter the percentage of the base amount.")
        elif self.share_fixed_amount is None:
            errors["share_fixed_amount"] = _("Enter the fixed sum.")
        elif self.base_amount is not None and self.share_fixed_amount > self.base_amount:
            errors["share_fixed_amount"] = _("The fixed sum cannot be larger than the base amount.")
        if errors:
            raise ValidationError(errors)

    @property
    def rule_display(self):
        if self.share_rule == ShareRule.PERCENTAGE:
            return f"{self.share_percent.normalize():f} %" if self.share_percent is not None else "—"
        return _("fixed sum")


class ContractQuerySet(ScopedQuerySet):
    """A contract is visible to whoever sees one of the stations it covers, and to the users
    of the county that bought it (so the bureau sees a contract before stations are added)."""

    def with_money(self):
        """Annotate ``funded_amount`` (sum of the split) and ``paid_amount`` (paid instalments)."""
        funded = ContractFunding.objects.filter(contract=models.OuterRef("pk"))
        paid = PaymentInstalment.objects.filter(contract=models.OuterRef("pk"), status=InstalmentStatus.PAID)
        return self.annotate(
            funded_amount=Coalesce(_summed(funded, "contract"), ZERO_YUAN),
            paid_amount=Coalesce(_summed(paid, "contract"), ZERO_YUAN),
        )


class Contract(models.Model):
    """A purchased-service project (政府购买服务项目): the contractor (承接主体), the stations it
    runs, the amount and its period, targets, instalments and evaluations."""

    # whoever sees a station it covers, and the county that bought it
    reach = Reach(stations=("stations",), counties=("county",))

    county = models.ForeignKey(
        Region, verbose_name=_("purchasing county"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": RegionLevel.COUNTY},
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    code = models.CharField(_("contract number"), max_length=40, unique=True)
    name = models.CharField(_("project name"), max_length=120)
    contractor = models.ForeignKey(
        Organisation, verbose_name=_("contractor"), on_delete=models.PROTECT, related_name="contracts",
        limit_choices_to={"kind": OrganisationKind.PROVIDER},
    )
    stations = models.ManyToManyField(Station, verbose_name=_("stations covered"), related_name="contracts")
    amount = money_field(_("contract amount"))
    start_on = models.DateField(pgettext_lazy("funding", "period from"))
    end_on = models.DateField(_("period until"))
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContractQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [non_negative("amount", "contract_amount_non_negative")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("funding:contract_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = _("The end date cannot be before the start date.")
        if self.contractor_id and self.contractor.kind != OrganisationKind.PROVIDER:
            errors["contractor"] = _("The contractor must be a social work organisation.")
        if self.county_id and self.county.level != RegionLevel.COUNTY:
            errors["county"] = _("Choose a county.")
        if self.year and self.start_on and self.end_on and self.year not in {self.start_on.year, self.end_on.year}:
            errors["year"] = _("The contract's period must fall in (or touch) its year.")
        if errors:
            raise ValidationError(errors)


class ContractFunding(models.Model):
    """The part of a contract's amount paid from one funding source (资金来源构成)."""

    reach = Reach(via="contract")  # as its contract

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="fundings")
    source = models.ForeignKey(FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT,
                               related_name="allocations")
    amount = money_field(_("amount"))

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["contract", "source__source_type", "pk"]
        verbose_name = _("contract funding")
        verbose_name_plural = _("contract funding")
        constraints = [
            models.UniqueConstraint(fields=["contract", "source"], name="contract_funding_once_per_source"),
            non_negative("amount", "contract_funding_non_negative"),
        ]

    def __str__(self):
        return f"{self.source.name}: {self.amount}"


class ContractTarget(models.Model):
    """A deliverable a contract promises (服务指标), counted as reports.figures counts it."""

    reach = Reach(via="contract")  # as its contract

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("deliverable"), max_length=30, choices=TargetKind.choices)
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2, validators=NON_NEGATIVE)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["contract", "pk"]
        verbose_name = _("contract target")
        verbose_name_plural = _("contract targets")
        constraints = [
            models.UniqueConstraint(fields=["contract", "kind"], name="contract_target_once_per_kind"),
            non_negative("value", "contract_target_non_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value_display}"

    @property
    def value_display(self):
        return f"{self.value.normalize():f}" if self.value == self.value.to_integral() else f"{self.value:f}"


class PaymentInstalment(models.Model):
    """A payment instalment of a contract (拨付批次), paid from one part of its funding; it can
    wait for a passing performance evaluation of a given stage."""

    reach = Reach(via="contract")  # as its contract

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE,
                                 related_name="instalments")
    funding = models.ForeignKey(ContractFunding, verbose_name=_("paid from"), on_delete=models.PROTECT,
                                related_name="instalments")
    number = models.PositiveSmallIntegerField(_("instalment"))
    amount = money_field(_("amount"))
    due_on = models.DateField(_("due date"))
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    requires_evaluation = models.BooleanField(_("requires a passing evaluation"), default=False)
    required_stage = models.CharField(_("evaluation stage required"), max_length=10, choices=EvaluationStage.choices,
                                      blank=True)
    status = models.CharField(_("status"), max_length=10, choices=InstalmentStatus.choices,
                              default=InstalmentStatus.PLANNED)
    paid_on = models.DateField(pgettext_lazy("funding", "paid on"), null=True, blank=True)
    voucher = models.CharField(_("payment voucher"), max_length=60, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = _("payment instalment")
        verbose_name_plural = _("payment instalments")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="instalment_unique_number"),
            non_negative("amount", "instalment_non_negative"),
            models.CheckConstraint(
                condition=~models.Q(status=InstalmentStatus.PAID) | models.Q(paid_on__isnull=False),
                name="instalment_paid_has_date",
            ),
        ]

    def __str__(self):
        return _("Instalment %(number)s") % {"number": self.number}

    def clean(self):
        errors = {}
        if self.requires_evaluation and not self.required_stage:
            errors["required_stage"] = _("Choose the evaluation stage this payment waits for.")
        if self.funding_id and self.contract_id and self.funding.contract_id != self.contract_id:
            errors["funding"] = _("Choose a funding source of this contract.")
        if errors:
            raise ValidationError(errors)


class IndicatorSystem(models.Model):
    """A performance indicator system (绩效评价指标体系) kept by a county bureau."""

    reach = Reach(above=("county",))  # the counties under its region

    county = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"level": RegionLevel.COUNTY})
    name = models.CharField(_("name"), max_length=120)
    year = models.PositiveSmallIntegerField(_("in use from"), validators=[MinValueValidator(2000),
                                                                          MaxValueValidator(2100)])
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="indicator_system_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("funding:indicatorsystem_detail", args=[self.pk])


class IndicatorCategory(models.Model):
    """A first-level indicator (一级指标) such as 项目管理 or 服务成效, with its weight."""

    reach = Reach(above=("system__county",))  # the counties under its region

    system = models.ForeignKey(IndicatorSystem, verbose_name=_("indicator system"), on_delete=models.CASCADE,
                               related_name="categories")
    name = models.CharField(_("name"), max_length=60)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, validators=NON_NEGATIVE,
                                 help_text=_("Points of this category out of the system's total."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["system", "order", "pk"]
        verbose_name = _("indicator category")
        verbose_name_plural = _("indicator categories")
        constraints = [non_negative("weight", "indicator_category_weight_non_negative")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.system.get_absolute_url()


class Indicator(models.Model):
    """An indicator (二级指标) with its maximum score and scoring notes (评分标准)."""

    reach = Reach(above=("category__system__county",))  # the counties under its region

    category = models.ForeignKey(IndicatorCategory, verbose_name=pgettext_lazy("funding", "category"), on_delete=models.CASCADE,
                                 related_name="indicators")
    name = models.CharField(_("name"), max_length=120)
    max_score = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=2,
                                    validators=[MinValueValidator(Decimal("0.01"))])
    scoring_notes = models.TextField(_("scoring notes"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["category__order", "category_id", "order", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.CheckConstraint(condition=models.Q(max_score__gt=0), name="indicator_max_positive")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.category.system.get_absolute_url()


def grade_for(percentage):
    """优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 below (on a 100-point scale)."""
    if percentage >= 90:
        return Grade.EXCELLENT
    if percentage >= 80:
        return Grade.GOOD
    if percentage >= 60:
        return Grade.PASS
    return Grade.FAIL


class PerformanceEvaluation(models.Model):
    """A performance evaluation (绩效评价) of a contract at one stage, with its total and grade."""

    reach = Reach(via="contract")  # as its contract

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.PROTECT,
                                 related_name="evaluations")
    system = models.ForeignKey(IndicatorSystem, verbose_name=_("indicator system"), on_delete=models.PROTECT,
                               related_name="evaluations")
    stage = models.CharField(_("stage"), max_length=10, choices=EvaluationStage.choices)
    evaluated_on = models.DateField(pgettext_lazy("funding", "evaluation date"))
    evaluator = models.CharField(_("evaluator"), max_length=120)
    findings = models.TextField(pgettext_lazy("funding", "findings"), blank=True)
    total = models.DecimalField(_("total score"), max_digits=7, decimal_places=2, default=0, editable=False)
    max_total = models.DecimalField(_("maximum total"), max_digits=7, decimal_places=2, default=0, editable=False)
    percentage = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2, default=0, editable=False)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-evaluated_on", "-pk"]
        verbose_name = _("performance evaluation")
        verbose_name_plural = _("performance evaluations")
        constraints = [
            non_negative("total", "evaluation_total_non_negative"),
            models.CheckConstraint(condition=models.Q(percentage__gte=0, percentage__lte=100),
                                   name="evaluation_percentage_range"),
        ]

    def __str__(self):
        return f"{self.contract.code} {self.get_stage_display()} {self.evaluated_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("funding:evaluation_detail", args=[self.pk])

    @property
    def is_passing(self):
        return self.grade in PASSING_GRADES


class IndicatorScore(models.Model):
    """The score an evaluation gives one indicator (指标得分)."""

    reach = Reach(via="evaluation__contract")  # as its contract

    evaluation = models.ForeignKey(PerformanceEvaluation, verbose_name=pgettext_lazy("funding", "evaluation"), on_delete=models.CASCADE,
                                   related_name="scores")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, validators=NON_NEGATIVE)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["evaluation", "indicator__category__order", "indicator__order", "indicator_id"]
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="indicator_score_once"),
            non_negative("score", "indicator_score_non_negative"),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.score}"

    def clean(self):
        if self.indicator_id and self.score is not None and self.score > self.indicator.max_score:
            raise ValidationError({"score": _("The score cannot be higher than the indicator's maximum of "
                                              "%(max)s.") % {"max": self.indicator.max_score}})
