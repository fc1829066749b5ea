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
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.history import AuditHistory
from portal.scoping import Reach, ScopedQuerySet
from portal.urls import url_with_id
from stations.choices import OrganisationKind, RegionLevel
from stations.models import Organisation, Region, Station

from .choices import (
    PASSING_GRADES,
    ApplicationStatus,
    Buyer,
    CallStatus,
    ContractStatus,
    EvaluationStage,
    Grade,
    InstalmentStatus,
    ProjectStatus,
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
    return _summed_field(queryset, group_field, "amount")


def _summed_field(queryset, group_field, amount_field):
    return models.Subquery(
        queryset.order_by().values(group_field).annotate(total=models.Sum(amount_field)).values("total")
    )


class FundingSourceQuerySet(ScopedQuerySet):
    def with_execution(self):
        """Annotate ``contracted_amount`` (sum of contract splits on the source) and
        ``paid_amount`` (paid instalments drawn on it): one query, whatever the rows."""
        allocations = ContractFunding.objects.filter(source=models.OuterRef("pk"))
        paid = PaymentInstalment.objects.filter(funding__source=models.OuterRef("pk"), status=InstalmentStatus.PAID)
        # 公益创投 awards are drawn from a source as contracts are (funding.services.source_taken)
        awards = VentureProject.objects.filter(source=models.OuterRef("pk"))
        award_paid = VenturePayment.objects.filter(project__source=models.OuterRef("pk"),
                                                   status=InstalmentStatus.PAID)
        return self.annotate(
            contracted_amount=Coalesce(_summed(allocations, "source"), ZERO_YUAN)
            + Coalesce(_summed_field(awards, "source", "amount_awarded"), ZERO_YUAN),
            paid_amount=Coalesce(_summed(paid, "funding__source"), ZERO_YUAN)
            + Coalesce(_summed(award_paid, "project__source"), ZERO_YUAN),
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
        return url_with_id("funding:fundingsource_detail", self.pk)

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
    buyer = models.CharField(_("buyer"), max_length=20, choices=Buyer.choices, default=Buyer.CIVIL_AFFAIRS,
                             db_index=True)
    buyer_name = models.CharField(_("buyer department"), max_length=60, blank=True,
                                  help_text=_("The department's name when the buyer is another department."))
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
        return url_with_id("funding:contract_detail", self.pk)

    @property
    def buyer_display(self):
        return self.buyer_name if self.buyer == Buyer.OTHER and self.buyer_name else self.get_buyer_display()

    def clean(self):
        errors = {}
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = _("The end date cannot be before the start date.")
        if self.contractor_id and self.contractor.kind != OrganisationKind.PROVIDER:
            errors["contractor"] = _("The contractor must be a social work organisation.")
        if self.county_id and self.county.level != RegionLevel.COUNTY:
            errors["county"] = _("Choose a county.")
        if self.buyer == Buyer.OTHER and not self.buyer_name.strip():
            errors["buyer_name"] = _("Name the department that buys the service.")
        elif self.buyer != Buyer.OTHER:
            self.buyer_name = ""
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
        return url_with_id("funding:indicatorsystem_detail", self.pk)


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
        return url_with_id("funding:evaluation_detail", self.pk)

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


# --- 公益创投 (venture philanthropy) ------------------------------------------------------------

class VentureCall(models.Model):
    """A 公益创投 call (公益创投大赛): a year's budget drawn from one funding source (Yinchuan:
    2,000,000 yuan a year), open for applications between two dates, on some themes."""

    reach = Reach(counties=("county",))  # the county's (and the city's) users

    county = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"level": RegionLevel.COUNTY})
    source = models.ForeignKey(FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT,
                               related_name="venture_calls")
    title = models.CharField(pgettext_lazy("venture call", "Title"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    budget = money_field(_("total budget"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    themes = models.TextField(_("themes"), max_length=2000, blank=True, help_text=_("One theme per line."))
    status = models.CharField(_("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-year", "-opens_on", "-pk"]
        verbose_name = _("venture call")
        verbose_name_plural = _("venture calls")
        constraints = [non_negative("budget", "venture_call_budget_non_negative")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url_with_id("funding:venturecall_detail", self.pk)

    @property
    def theme_list(self):
        return [line.strip() for line in self.themes.splitlines() if line.strip()]

    def clean(self):
        errors = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("The closing date cannot be before the opening date.")
        if self.county_id and self.county.level != RegionLevel.COUNTY:
            errors["county"] = _("Choose a county.")
        if self.source_id and self.year and self.source.year != self.year:
            errors["source"] = _("Choose a funding source of %(year)s, the call's year.") % {"year": self.year}
        if self.source_id and self.county_id:
            county = self.county
            if self.source.region_id not in {county.pk, county.parent_id, getattr(county.parent, "parent_id", None)}:
                errors["source"] = _("This source does not fund %(county)s.") % {"county": county}
        if self.source_id and self.budget is not None and self.budget > self.source.available_amount:
            errors["budget"] = _("The budget cannot be more than the source's %(available)s yuan.") % {
                "available": self.source.available_amount}
        if errors:
            raise ValidationError(errors)


class VentureApplication(models.Model):
    """An organisation's application to a call: a service organisation (社工机构) or a social
    organisation of the partner ledger (社会组织)."""

    reach = Reach(via="call")  # as its call

    call = models.ForeignKey(VentureCall, verbose_name=_("venture call"), on_delete=models.PROTECT,
                             related_name="applications")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("service organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="venture_applications", limit_choices_to={"kind": OrganisationKind.PROVIDER})
    partner = models.ForeignKey("partners.Partner", verbose_name=_("social organisation"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="venture_applications")
    project_title = models.CharField(_("project title"), max_length=120)
    theme = models.CharField(_("theme"), max_length=60)
    amount_requested = money_field(_("amount requested"))
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    submitted_on = models.DateField(_("submitted on"))
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["call", "-submitted_on", "pk"]
        verbose_name = _("venture application")
        verbose_name_plural = _("venture applications")
        constraints = [
            non_negative("amount_requested", "venture_application_amount_non_negative"),
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=True, partner__isnull=False)
                | models.Q(organisation__isnull=False, partner__isnull=True),
                name="venture_application_one_applicant"),
        ]

    def __str__(self):
        return self.project_title

    def get_absolute_url(self):
        return url_with_id("funding:ventureapplication_detail", self.pk)

    @property
    def applicant(self):
        return self.organisation or self.partner

    def clean(self):
        errors = {}
        if bool(self.organisation_id) == bool(self.partner_id):
            errors["organisation"] = _("Name the applicant: a service organisation or a social organisation of "
                                       "the partner ledger (one of them).")
        if self.organisation_id and self.organisation.kind != OrganisationKind.PROVIDER:
            errors["organisation"] = _("The applicant must be a social work organisation.")
        if self.partner_id:
            from partners.choices import PartnerKind

            if self.partner.kind != PartnerKind.SOCIAL_ORGANISATION:
                errors["partner"] = _("Choose a social organisation of the partner ledger.")
            elif self.call_id and self.partner.county_id != self.call.county_id:
                errors["partner"] = _("Choose a partner of the call's county.")
        if self.amount_requested is not None and self.amount_requested <= 0:
            errors["amount_requested"] = _("Enter an amount greater than zero.")
        elif self.call_id and self.amount_requested is not None and self.amount_requested > self.call.budget:
            errors["amount_requested"] = _("The amount cannot be more than the call's budget of %(budget)s yuan.") % {
                "budget": self.call.budget}
        if self.call_id and self.theme and self.call.theme_list and self.theme not in self.call.theme_list:
            errors["theme"] = _("Choose one of the call's themes: %(themes)s.") % {
                "themes": "、".join(self.call.theme_list)}
        if errors:
            raise ValidationError(errors)


class VentureReview(models.Model):
    """A reviewer's score (0–100) and comment of an application: a bureau or center user, or an
    outside expert of the county's directory; one review per reviewer and application."""

    reach = Reach(via="application__call")  # as its call

    application = models.ForeignKey(VentureApplication, verbose_name=_("venture application"),
                                    on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    expert = models.ForeignKey("training.Expert", verbose_name=_("expert"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="venture_reviews")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    reviewed_on = models.DateField(_("reviewed on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["application", "reviewed_on", "pk"]
        verbose_name = _("venture review")
        verbose_name_plural = _("venture reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], condition=models.Q(reviewer__isnull=False),
                                    name="venture_review_once_per_user"),
            models.UniqueConstraint(fields=["application", "expert"], condition=models.Q(expert__isnull=False),
                                    name="venture_review_once_per_expert"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=100), name="venture_review_score_range"),
        ]

    def __str__(self):
        return f"{self.reviewer_name}: {self.score}"

    @property
    def reviewer_name(self):
        if self.expert_id:
            return str(self.expert.name)
        if self.reviewer_id:
            staff = getattr(self.reviewer, "staff", None)
            return staff.name if staff is not None else self.reviewer.get_username()
        return "—"


class VentureProject(models.Model):
    """A funded 公益创投 project: the award (out of the call's funding source, under the same
    rules as a contract's split), milestones, payments, the final report and the evaluation."""

    reach = Reach(via="application__call")  # as its call

    application = models.OneToOneField(VentureApplication, verbose_name=_("venture application"),
                                       on_delete=models.PROTECT, related_name="project")
    source = models.ForeignKey(FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT,
                               related_name="venture_projects")
    amount_awarded = money_field(_("amount awarded"))
    awarded_on = models.DateField(_("awarded on"))
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices,
                              default=ProjectStatus.RUNNING)
    final_report = models.TextField(_("final report"), max_length=10000, blank=True)
    reported_on = models.DateField(_("report date"), null=True, blank=True)
    evaluation_score = models.DecimalField(_("evaluation score"), max_digits=5, decimal_places=2, null=True,
                                           blank=True, validators=[MinValueValidator(Decimal("0")),
                                                                   MaxValueValidator(Decimal("100"))])
    evaluation_conclusion = models.TextField(_("evaluation conclusion"), max_length=5000, blank=True)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-awarded_on", "-pk"]
        verbose_name = _("venture project")
        verbose_name_plural = _("venture projects")
        constraints = [non_negative("amount_awarded", "venture_project_amount_non_negative")]

    def __str__(self):
        return self.application.project_title

    def get_absolute_url(self):
        return url_with_id("funding:ventureproject_detail", self.pk)


class VentureMilestone(models.Model):
    """A milestone of a funded project: due date, the date it was done and its evidence."""

    reach = Reach(via="project__application__call")  # as its call

    project = models.ForeignKey(VentureProject, verbose_name=_("venture project"), on_delete=models.CASCADE,
                                related_name="milestones")
    title = models.CharField(pgettext_lazy("milestone", "Title"), max_length=120)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), max_length=2000, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["project", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.project.get_absolute_url()


class VenturePayment(models.Model):
    """A payment of a funded project (as a contract's ``PaymentInstalment``): planned, then paid."""

    reach = Reach(via="project__application__call")  # as its call

    project = models.ForeignKey(VentureProject, verbose_name=_("venture project"), on_delete=models.CASCADE,
                                related_name="payments")
    amount = money_field(_("amount"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=InstalmentStatus.choices,
                              default=InstalmentStatus.PLANNED)
    paid_on = models.DateField(pgettext_lazy("funding", "paid on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["project", "due_on", "pk"]
        verbose_name = _("venture payment")
        verbose_name_plural = _("venture payments")
        constraints = [
            non_negative("amount", "venture_payment_non_negative"),
            models.CheckConstraint(condition=~models.Q(status=InstalmentStatus.PAID) | models.Q(paid_on__isnull=False),
                                   name="venture_payment_paid_has_date"),
        ]

    def __str__(self):
        return f"{self.amount}"

    def get_absolute_url(self):
        return self.project.get_absolute_url()
