"""Growing the workforce: trainings, supervision, station evaluations, certificates and
incentives, and the case competition (SPEC §2 "Training")."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.history import AuditHistory
from portal.scoping import Reach, ScopedQuerySet, scope_for
from portal.urls import url_with_id
from stations.choices import CertificateLevel, RegionLevel
from stations.models import Certificate, Organisation, Region, Staff, Station

from .choices import (
    AwardLevel,
    EntitlementKind,
    EvidenceSource,
    ExpertKind,
    PayoutStatus,
    RectificationStatus,
    SupervisionMode,
    TrainingFormat,
)

POSITIVE_HOURS = [MinValueValidator(Decimal("0.1"), message=_("Hours must be greater than zero."))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"), message=_("This cannot be negative."))]


class CountyScopedQuerySet(ScopedQuerySet):
    """Records that belong to a county (``county``) rather than to one station: visible to
    the county's bureau, center and auditors, the city above it, and — read-only through
    the role grants — to the stations of that county."""

class Expert(models.Model):
    """A supervisor or trainer from outside the county's staff (省级专家, 市级专家, 社工之星 …)."""

    reach = Reach(local=("county",))  # the county's users and its stations

    scope_field = "county"

    county = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": RegionLevel.COUNTY},
        help_text=_("The county whose directory of experts lists this person."),
    )
    name = models.CharField(_("expert name"), max_length=30)
    kind = models.CharField(_("kind"), max_length=12, choices=ExpertKind.choices)
    affiliation = models.CharField(_("affiliation"), max_length=100, blank=True)
    title = models.CharField(_("professional title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = CountyScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    def get_absolute_url(self):
        return url_with_id("training:expert_detail", self.pk)


class TrainingQuerySet(ScopedQuerySet):
    def in_period(self, start, end):
        return self.filter(held_on__gte=start, held_on__lte=end)


class Training(models.Model):
    """A training session (培训) organised for the county's social workers."""

    # the county's trainings, and those the scope's stations' staff attended
    reach = Reach(counties=("county",), stations=("attendees__station",))

    # Not a station's record: ``reach`` is the rule, this path is what the
    # attendance reaches (a training is "at" the stations whose staff attended).
    scope_field = "attendees__station"

    county = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": RegionLevel.COUNTY},
    )
    topic = models.CharField(_("training topic"), max_length=120)
    held_on = models.DateField(_("date"), db_index=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, validators=POSITIVE_HOURS)
    format = models.CharField(_("format"), max_length=12, choices=TrainingFormat.choices, default=TrainingFormat.IN_PERSON)
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="trainings"
    )
    location = models.CharField(_("location"), max_length=100, blank=True)
    trainers = models.ManyToManyField(
        Staff, verbose_name=_("trainers (staff)"), blank=True, related_name="trainings_given"
    )
    expert_trainers = models.ManyToManyField(
        Expert, verbose_name=_("trainers (outside experts)"), blank=True, related_name="trainings_given"
    )
    attendees = models.ManyToManyField(
        Staff, verbose_name=_("attendees"), through="TrainingAttendance", blank=True, related_name="trainings"
    )
    content = models.TextField(_("training content"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    def get_absolute_url(self):
        return url_with_id("training:training_detail", self.pk)

    @property
    def trainer_names(self):
        return "、".join([s.name for s in self.trainers.all()] + [e.name for e in self.expert_trainers.all()])


class TrainingAttendance(models.Model):
    """One staff member's attendance of a training; credits the training's hours."""

    scope_field = "staff__station"

    training = models.ForeignKey(Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="attendance")
    staff = models.ForeignKey(Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="attendance")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["training", "staff"]
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [models.UniqueConstraint(fields=["training", "staff"], name="training_attendance_unique")]

    def __str__(self):
        return f"{self.staff} @ {self.training}"


class Supervision(models.Model):
    """A supervision visit or session (督导) at a station."""

    scope_field = "station"

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="supervisions")
    supervised_on = models.DateField(_("date"), db_index=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, validators=POSITIVE_HOURS)
    supervisor_staff = models.ForeignKey(
        Staff, verbose_name=_("supervisor (staff)"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="supervisions_given",
    )
    supervisor_expert = models.ForeignKey(
        Expert, verbose_name=_("supervisor (outside expert)"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="supervisions",
    )
    mode = models.CharField(_("mode"), max_length=12, choices=SupervisionMode.choices)
    workers = models.ManyToManyField(Staff, verbose_name=_("workers supervised"), blank=True, related_name="supervisions")
    topic = models.CharField(_("supervision topic"), max_length=120, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    advice = models.TextField(_("advice"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_on = models.DateField(_("follow-up by"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-supervised_on", "-id"]
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0), name="supervision_hours_positive")]

    def __str__(self):
        return f"{self.supervised_on:%Y-%m-%d} {self.station} {self.supervisor_name}"

    def get_absolute_url(self):
        return url_with_id("training:supervision_detail", self.pk)

    def clean(self):
        if bool(self.supervisor_staff_id) == bool(self.supervisor_expert_id):
            raise ValidationError(
                {"supervisor_expert": _("Choose the supervisor: either a staff member or an outside expert.")}
            )

    @property
    def supervisor_name(self):
        if self.supervisor_expert_id:
            return self.supervisor_expert.name
        return self.supervisor_staff.name if self.supervisor_staff_id else ""

    @property
    def supervisor_kind(self):
        if self.supervisor_expert_id:
            return self.supervisor_expert.get_kind_display()
        return ExpertKind.INTERNAL.label if self.supervisor_staff_id else ""

    @property
    def follow_up_overdue(self):
        return bool(self.follow_up_on and not self.follow_up_done and self.follow_up_on < timezone.localdate())


class EvaluationSchemeQuerySet(ScopedQuerySet):
    def editable_by(self, user):
        """A county's bureau edits its own schemes; the shared standards only a global user."""
        scope = scope_for(user)
        return self.all() if scope.is_global else self.filter(county__in=sorted(scope.county_ids))


class EvaluationScheme(models.Model):
    """A set of weighted items a station is scored on (the 五有/五化 standard, a 1000-point scheme …)."""

    # the standards shared by every county, and the schemes of the counties the scope touches
    reach = Reach(local=("county",), shared="county")

    scope_field = "county"

    # Empty for the standards every county shares (seeded by migration 0003); a county's own
    # scheme is visible and editable in that county only.
    county = models.ForeignKey(
        Region, verbose_name=_("county"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": RegionLevel.COUNTY},
        help_text=_("The county that uses this scheme; empty for a standard shared by every county."),
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    history = AuditHistory()

    objects = EvaluationSchemeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="evaluation_scheme_unique_name",
                                    violation_error_message=_("This county already has a scheme of that name.")),
            models.UniqueConstraint(fields=["name"], condition=models.Q(county__isnull=True),
                                    name="evaluation_scheme_unique_shared_name",
                                    violation_error_message=_("A shared standard of that name already exists.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_with_id("training:scheme_detail", self.pk)

    def rating_for(self, total):
        """The label of the highest band ``total`` reaches (bands must be prefetched or are queried)."""
        for band in sorted(self.bands.all(), key=lambda b: b.min_score, reverse=True):
            if total >= band.min_score:
                return band.label
        return ""


class EvaluationItem(models.Model):
    scheme = models.ForeignKey(EvaluationScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    category = models.CharField(_("category"), max_length=30)
    title = models.CharField(_("item"), max_length=120)
    criteria = models.TextField(_("scoring criteria"), blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=1, validators=POSITIVE_HOURS)
    evidence = models.CharField(_("evidence from records"), max_length=12, choices=EvidenceSource.choices, blank=True)

    history = AuditHistory()  # who changed the scheme's items, and the API's version

    class Meta:
        ordering = ["scheme", "order", "id"]
        verbose_name = _("evaluation item")
        verbose_name_plural = _("evaluation items")

    def __str__(self):
        return f"{self.category} · {self.title} ({self.max_score})"


class RatingBand(models.Model):
    """From ``min_score`` up, a total earns ``label`` (e.g. 900 → ★★★★★, 90 → 优秀)."""

    scheme = models.ForeignKey(EvaluationScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="bands")
    min_score = models.DecimalField(_("minimum total"), max_digits=7, decimal_places=1)
    label = models.CharField(_("rating"), max_length=30)

    history = AuditHistory()  # who changed the scheme's ratings, and the API's version

    class Meta:
        ordering = ["scheme", "-min_score"]
        verbose_name = _("rating band")
        verbose_name_plural = _("rating bands")

    def __str__(self):
        return f"≥{self.min_score} {self.label}"


class StationEvaluation(models.Model):
    """One evaluation round of a station against a scheme (社工站评估)."""

    scope_field = "station"

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="evaluations")
    scheme = models.ForeignKey(EvaluationScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="evaluations")
    evaluated_on = models.DateField(_("evaluation date"), db_index=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    evaluators = models.CharField(_("evaluators"), max_length=200, blank=True)
    total = models.DecimalField(_("total score"), max_digits=7, decimal_places=1, default=Decimal("0"), editable=False)
    rating = models.CharField(_("rating"), max_length=30, blank=True, editable=False)
    findings = models.TextField(_("findings"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-evaluated_on", "-id"]
        verbose_name = _("station evaluation")
        verbose_name_plural = _("station evaluations")

    def __str__(self):
        return f"{self.station} · {self.scheme} · {self.evaluated_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return url_with_id("training:evaluation_detail", self.pk)

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The end of the period cannot be before its start.")})


class ItemScore(models.Model):
    scope_field = "evaluation__station"

    evaluation = models.ForeignKey(StationEvaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(EvaluationItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="scores")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=1, validators=NON_NEGATIVE)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["item__order", "item_id"]
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"], name="item_score_unique")]

    def __str__(self):
        return f"{self.item.title}: {self.score}"

    def clean(self):
        if self.score is not None and self.item_id and self.score > self.item.max_score:
            raise ValidationError(
                {"score": _("The score cannot exceed the item's maximum of %(max)s.") % {"max": self.item.max_score}}
            )


class RectificationQuerySet(ScopedQuerySet):
    def overdue(self, on=None):
        on = on or timezone.localdate()
        return self.exclude(status=RectificationStatus.DONE).filter(deadline__lt=on)


class RectificationItem(models.Model):
    """Something an evaluation asks the station to fix (整改事项), with owner and deadline."""

    scope_field = "evaluation__station"

    evaluation = models.ForeignKey(
        StationEvaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="rectifications"
    )
    description = models.CharField(_("what to fix"), max_length=200)
    owner = models.ForeignKey(
        Staff, verbose_name=_("owner"), null=True, blank=True, on_delete=models.PROTECT, related_name="rectifications"
    )
    deadline = models.DateField(_("rectification deadline"))
    status = models.CharField(_("status"), max_length=12, choices=RectificationStatus.choices, default=RectificationStatus.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("progress note"), blank=True)

    objects = RectificationQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        return reverse("training:evaluation_detail", args=[self.evaluation_id])

    def clean(self):
        if self.status == RectificationStatus.DONE and not self.done_on:
            raise ValidationError({"done_on": _("Give the date the item was done.")})

    @property
    def is_overdue(self):
        return self.status != RectificationStatus.DONE and self.deadline < timezone.localdate()


class IncentivePolicyQuerySet(ScopedQuerySet):
    def editable_by(self, user):
        """A county's bureau edits its county's policies, not the city's or the province's."""
        scope = scope_for(user)
        return self.all() if scope.is_global else self.filter(region__in=sorted(scope.county_ids))

    def covering(self, region):
        """Policies whose region is ``region`` or one above it."""
        ids = []
        while region is not None:
            ids.append(region.pk)
            region = region.parent
        return self.filter(region__in=ids)


class IncentivePolicy(models.Model):
    """A region's cash incentives for certified social workers (e.g. Yinchuan: one-off
    awards of 2,000 / 3,000 / 6,000 yuan and monthly title subsidies of 200 / 300 / 500)."""

    reach = Reach(above=("region",))  # the scope's county and the city and province above it

    # A county's, a city's or a province's policy: ``reach`` is the rule.
    scope_field = "region"

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    document = models.CharField(_("policy document"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    award_assistant = models.DecimalField(_("one-off award, assistant level"), max_digits=8, decimal_places=2, validators=NON_NEGATIVE)
    award_intermediate = models.DecimalField(_("one-off award, intermediate level"), max_digits=8, decimal_places=2, validators=NON_NEGATIVE)
    award_senior = models.DecimalField(_("one-off award, senior level"), max_digits=8, decimal_places=2, validators=NON_NEGATIVE)
    subsidy_assistant = models.DecimalField(_("monthly subsidy, assistant level"), max_digits=8, decimal_places=2, validators=NON_NEGATIVE)
    subsidy_intermediate = models.DecimalField(_("monthly subsidy, intermediate level"), max_digits=8, decimal_places=2, validators=NON_NEGATIVE)
    subsidy_senior = models.DecimalField(_("monthly subsidy, senior level"), max_digits=8, decimal_places=2, validators=NON_NEGATIVE)
    tuition_rate = models.DecimalField(
        _("tuition reimbursed (%)"), max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=NON_NEGATIVE + [MaxValueValidator(Decimal("100"), message=_("A rate cannot exceed 100%%."))],
    )
    tuition_cap = models.DecimalField(_("tuition reimbursement cap"), max_digits=8, decimal_places=2, default=Decimal("0"), validators=NON_NEGATIVE)
    notes = models.TextField(_("notes"), blank=True)

    objects = IncentivePolicyQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-valid_from", "name"]
        verbose_name = _("incentive policy")
        verbose_name_plural = _("incentive policies")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_with_id("training:policy_detail", self.pk)

    def clean(self):
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})

    def award_for(self, level):
        return getattr(self, f"award_{level}")

    def subsidy_for(self, level):
        return getattr(self, f"subsidy_{level}")

    def is_valid_on(self, day):
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class TuitionClaim(models.Model):
    """Tuition a worker paid for a social-work degree or exam course, to be reimbursed."""

    scope_field = "staff__station"

    policy = models.ForeignKey(IncentivePolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="tuition_claims")
    staff = models.ForeignKey(Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="tuition_claims")
    course = models.CharField(_("course"), max_length=120)
    paid_on = models.DateField(_("paid on"))
    amount_paid = models.DecimalField(_("amount paid"), max_digits=9, decimal_places=2, validators=NON_NEGATIVE)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("tuition claim")
        verbose_name_plural = _("tuition claims")

    def __str__(self):
        return f"{self.staff} {self.course}"

    def get_absolute_url(self):
        return url_with_id("training:tuitionclaim_detail", self.pk)


class Entitlement(models.Model):
    """A computed incentive payment owed to a worker (奖励/补贴), written by
    ``training.services.entitlements_compute`` and ticked off when paid."""

    scope_field = "staff__station"

    policy = models.ForeignKey(IncentivePolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="entitlements")
    staff = models.ForeignKey(Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="entitlements")
    kind = models.CharField(_("kind"), max_length=10, choices=EntitlementKind.choices)
    level = models.CharField(_("certificate level"), max_length=12, choices=CertificateLevel.choices, blank=True)
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tuition_claim = models.OneToOneField(
        TuitionClaim, verbose_name=_("tuition claim"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="entitlement",
    )
    # The month a subsidy is for (first day), the date an award was earned, the claim's date.
    period = models.DateField(_("for"), db_index=True)
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2, validators=NON_NEGATIVE)
    status = models.CharField(_("status"), max_length=6, choices=PayoutStatus.choices, default=PayoutStatus.DUE)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-period", "staff_id", "kind"]
        verbose_name = _("incentive entitlement")
        verbose_name_plural = _("incentive entitlements")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "staff", "level"], condition=models.Q(kind="award"), name="entitlement_award_once"
            ),
            models.UniqueConstraint(
                fields=["policy", "staff", "period"], condition=models.Q(kind="subsidy"), name="entitlement_subsidy_monthly"
            ),
        ]

    def __str__(self):
        return f"{self.staff} {self.get_kind_display()} {self.amount}"


class CompetitionEvent(models.Model):
    """A case competition (案例大赛) a county runs among its stations."""

    reach = Reach(local=("county",))  # the county's users and its stations

    scope_field = "county"

    county = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": RegionLevel.COUNTY},
    )
    name = models.CharField(_("competition name"), max_length=120)
    held_on = models.DateField(_("date"))
    judges = models.CharField(_("judges"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = CountyScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("case competition")
        verbose_name_plural = _("case competitions")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_with_id("training:competition_detail", self.pk)


class Submission(models.Model):
    """A station's entry to a case competition, drawn from its casework or standing alone."""

    scope_field = "station"

    event = models.ForeignKey(CompetitionEvent, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="submissions")
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="competition_submissions")
    # Drawn from a casework file when there is one; a submission can also stand alone.
    case = models.ForeignKey(
        "services.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="competition_submissions",
    )
    title = models.CharField(_("title"), max_length=120)
    authors = models.ManyToManyField(Staff, verbose_name=_("authors"), blank=True, related_name="competition_submissions")
    summary = models.TextField(_("case text"), blank=True)
    score = models.DecimalField(_("average score"), max_digits=5, decimal_places=2, null=True, blank=True, editable=False)
    award = models.CharField(_("award"), max_length=12, choices=AwardLevel.choices, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["event", models.F("score").desc(nulls_last=True), "id"]
        verbose_name = _("competition entry")
        verbose_name_plural = _("competition entries")
        constraints = [models.UniqueConstraint(fields=["event", "title"], name="submission_unique_title")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url_with_id("training:submission_detail", self.pk)


class JudgeScore(models.Model):
    scope_field = "submission__station"

    submission = models.ForeignKey(Submission, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="judge_scores")
    judge = models.CharField(_("judge"), max_length=30)
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), message=_("This cannot be negative."))],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "judge"]
        verbose_name = _("judge's score")
        verbose_name_plural = _("judges' scores")
        constraints = [models.UniqueConstraint(fields=["submission", "judge"], name="judge_score_unique")]

    def __str__(self):
        return f"{self.judge}: {self.score}"


def registration_period(issued_on, on=None):
    """The 3-year registration period (登记有效期) containing ``on`` for a certificate issued on
    ``issued_on``: registration renews every three years from the date obtained."""
    on = on or timezone.localdate()
    start = issued_on
    while True:
        nxt = _add_years(start, 3)
        if nxt > on:
            return start, nxt - datetime.timedelta(days=1)
        start = nxt


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
