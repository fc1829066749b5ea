"""Writes of the training app, one transaction each, and the hours-progress reading that the
worker's page, the center's list of who is behind and the API share."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.locking import check_not_changed_since, locked_save
from portal.scoping import scope_for
from stations.choices import STATION_ROLES, CertificateLevel
from stations.models import Certificate, Region, Staff, Station

from .choices import EntitlementKind, EvidenceSource, PayoutStatus, RectificationStatus
from .models import (
    CompetitionEvent,
    Entitlement,
    EvaluationItem,
    EvaluationScheme,
    Expert,
    IncentivePolicy,
    ItemScore,
    JudgeScore,
    RatingBand,
    RectificationItem,
    StationEvaluation,
    Submission,
    Supervision,
    Training,
    TrainingAttendance,
    TuitionClaim,
    registration_period,
)

# Continuing-education hours each certificate requires per 3-year registration period.
# 助理社会工作师 72 h and 社会工作师 90 h are the national rule (社会工作者继续教育办法);
# there is no national figure for 高级社会工作师, so we hold seniors to 120 h — more than the
# intermediate level, as the higher title carries a supervising role. Change it here only.
REQUIRED_HOURS = {
    CertificateLevel.ASSISTANT: Decimal("72"),
    CertificateLevel.INTERMEDIATE: Decimal("90"),
    CertificateLevel.SENIOR: Decimal("120"),
}
LEVEL_RANK = {CertificateLevel.ASSISTANT: 1, CertificateLevel.INTERMEDIATE: 2, CertificateLevel.SENIOR: 3}


# --- trainings -------------------------------------------------------------------------

@transaction.atomic
def training_save(*, training: Training, attendees=(), trainers=(), expert_trainers=(), expected=None):
    """Create or update a training and take its attendance from the list of staff ticked."""
    check_not_changed_since(model=Training, pk=training.pk, expected=expected)
    training.full_clean()
    training.save()
    training.trainers.set(trainers)
    training.expert_trainers.set(expert_trainers)
    wanted = {staff.pk for staff in attendees}
    TrainingAttendance.objects.filter(training=training).exclude(staff__in=wanted).delete()
    present = set(TrainingAttendance.objects.filter(training=training).values_list("staff_id", flat=True))
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(training=training, staff_id=pk) for pk in sorted(wanted - present)]
    )
    return training


@dataclass(slots=True)
class Worker:
    """What the hours progress reads and shows of a worker: ``workers_progress`` reads a city's
    1,000 workers as these; built as model instances (even with ``only()``) they were a third of
    /training/progress/ (make bench, crawl_worst_page)."""

    pk: int
    name: str
    station_id: int | None
    user_id: int | None
    station: Station | None = None


@dataclass
class HoursProgress:
    """A worker's continuing-education standing in their current registration period."""

    staff: Staff | Worker  # a Worker on the progress page (workers_progress)
    level: str | None
    level_label: str
    required: Decimal | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    hours: Decimal
    sessions: int

    @property
    def gap(self):
        if self.required is None:
            return None
        return max(self.required - self.hours, Decimal("0")).quantize(Decimal("0.1"))

    @property
    def expected(self):
        """Hours a worker on a steady pace would have by now (the requirement pro rata)."""
        if self.required is None:
            return None
        today = timezone.localdate()
        span = (self.period_end - self.period_start).days + 1
        elapsed = min(max((today - self.period_start).days + 1, 0), span)
        return (self.required * elapsed / span).quantize(Decimal("0.1"))

    @property
    def is_behind(self):
        """Behind: fewer hours than the steady pace needs at this point of the period."""
        return self.required is not None and self.hours < self.expected

    @property
    def percent(self):
        if not self.required:
            return 0
        return min(int(self.hours * 100 / self.required), 100)


class HeldCertificate(NamedTuple):
    """What the hours requirement reads of a certificate (``workers_progress`` reads a city's
    certificates as these tuples: as model instances they were a third of /training/progress/)."""

    level: str
    issued_on: datetime.date

    def get_level_display(self):
        return CertificateLevel(self.level).label


def current_certificate(staff, held=None):
    """The highest certificate a staff member holds: of ``held`` when given, else of the staff
    member's certificates (prefetched)."""
    certificates = sorted(staff.certificates.all() if held is None else held,
                          key=lambda c: (LEVEL_RANK.get(c.level, 0), c.issued_on))
    return certificates[-1] if certificates else None


def hours_progress(*, staff_list, on=None, certificates=None, chosen=None):
    """Each staff member's hours in their current 3-year registration period, against the
    requirement of their highest certificate. Three queries whatever the number of staff
    (certificates prefetched, or given as ``certificates``: {staff id: [HeldCertificate]}).
    ``chosen``: the staff's ids as a queryset, when ``staff_list`` is a list read from it."""
    on = on or timezone.localdate()
    # the attendance of a queryset's staff is read through the same query as a subquery, not a
    # list of a city's 1,000 ids prepared one by one
    if chosen is None and hasattr(staff_list, "values"):
        chosen = staff_list.values("pk")
    staff_list = list(staff_list)
    if chosen is None:
        chosen = [s.pk for s in staff_list]
    periods = {}
    for staff in staff_list:
        certificate = current_certificate(staff, None if certificates is None else certificates.get(staff.pk, ()))
        periods[staff.pk] = (certificate, *registration_period(certificate.issued_on, on)) if certificate else None
    # only the trainings inside someone's period (the earliest start) up to today, unordered
    starts = [period[1] for period in periods.values() if period] + [datetime.date(on.year, 1, 1)]
    # the trainings' dates and hours read once, the attendance as pairs of ids: a city's 6,000
    # attendances each with its date and hours converted took more than the page's other work
    trainings = Training.objects.filter(held_on__gte=min(starts), held_on__lte=on).order_by()
    held = {pk: (held_on, hours) for pk, held_on, hours in trainings.values_list("pk", "held_on", "hours")}
    rows = TrainingAttendance.objects.filter(staff_id__in=chosen, training__in=trainings.values("pk")).order_by(
    ).values_list("staff_id", "training_id")
    totals = {s.pk: [Decimal("0"), 0] for s in staff_list}
    # each worker's window (their period up to today; the year so far without a certificate),
    # worked out once per worker, not once per attendance (a city's 7,000 in a year)
    windows = {pk: (period[1], min(period[2], on)) if period else (datetime.date(on.year, 1, 1), on)
               for pk, period in periods.items()}
    for staff_id, training_id in rows:
        held_on, hours = held[training_id]
        start, last = windows[staff_id]
        if start <= held_on <= last:
            total = totals[staff_id]
            total[0] += hours
            total[1] += 1
    result = []
    # each level's label translated once, not once per worker (a city's 1,000)
    labels = {level: str(label) for level, label in CertificateLevel.choices}
    labels[None] = _("No certificate")
    year_start, year_end = datetime.date(on.year, 1, 1), datetime.date(on.year, 12, 31)
    for staff in staff_list:
        period = periods[staff.pk]
        certificate = period[0] if period else None
        level = certificate.level if certificate else None
        result.append(HoursProgress(
            staff=staff,
            level=level,
            level_label=labels.get(level, level),
            required=REQUIRED_HOURS.get(level) if certificate else None,
            period_start=period[1] if period else year_start,
            period_end=period[2] if period else year_end,
            hours=totals[staff.pk][0],
            sessions=totals[staff.pk][1],
        ))
    return result


def workers_progress(*, user, on=None, station=None, stations=None):
    """Hours progress of the active station workers the user can see. ``stations``: the user's
    stations with their towns, when the caller has read them already (the page's dropdown)."""
    # the fields the page shows, and the certificates as tuples: a city's 1,000 workers and 6,000
    # certificates built as whole model instances were half of the page (bench crawl, 108 ms)
    staff = Staff.objects.visible_to(user).workers().active(on).order_by("station__town__code", "name")
    if station is not None:
        staff = staff.filter(station=station)
    chosen = staff.order_by().values("pk")
    certificates = {}
    for staff_id, level, issued_on in Certificate.objects.filter(staff__in=chosen).values_list(
            "staff_id", "level", "issued_on"):
        certificates.setdefault(staff_id, []).append(HeldCertificate(level, issued_on))
    workers = [Worker(*values) for values in staff.values_list("pk", "name", "station_id", "user_id")]
    rows = hours_progress(staff_list=workers, on=on, certificates=certificates, chosen=chosen)
    # each worker's station (and its town) from the few stations read once, not a station and a
    # town built for every one of a city's 1,000 workers
    if stations is None:
        stations = Station.objects.select_related("town").in_bulk({row.staff.station_id for row in rows})
    else:
        stations = {s.pk: s for s in stations}
    for row in rows:
        row.staff.station = stations.get(row.staff.station_id)
    return rows


# --- supervision ------------------------------------------------------------------------

@transaction.atomic
def supervision_save(*, supervision: Supervision, workers=(), expected=None):
    check_not_changed_since(model=Supervision, pk=supervision.pk, expected=expected)
    supervision.full_clean()
    stranger = [w for w in workers if w.station_id != supervision.station_id]
    if stranger:
        raise ValidationError({"workers": _("%(name)s does not work at this station.") % {"name": stranger[0].name}})
    supervision.save()
    supervision.workers.set(workers)
    return supervision


# --- station evaluations ------------------------------------------------------------------

def _check_station_in_scope(user, station):
    if user is not None and not Station.objects.visible_to(user).filter(pk=station.pk).exists():
        raise ValidationError({"station": _("This station is outside your scope.")})


@transaction.atomic
def evaluation_save(*, evaluation: StationEvaluation, scores, user=None, expected=None):
    """Create or update an evaluation round with its item scores; computes total and rating.

    ``scores`` maps each item of the scheme to ``score`` or ``(score, note)``. A score above
    an item's maximum, a missing item or a station outside the user's scope raise
    ``ValidationError`` before anything is written."""
    check_not_changed_since(model=StationEvaluation, pk=evaluation.pk, expected=expected)
    _check_station_in_scope(user, evaluation.station)
    evaluation.full_clean()
    items = {item.pk: item for item in evaluation.scheme.items.all()}
    normalised = {}
    for key, value in scores.items():
        item_id = getattr(key, "pk", key)
        score, note = value if isinstance(value, tuple) else (value, "")
        if item_id not in items:
            raise ValidationError({"scores": _("An item does not belong to the scheme %(scheme)s.") % {"scheme": evaluation.scheme}})
        item = items[item_id]
        if score is None:
            raise ValidationError({"scores": _("Give a score for %(item)s.") % {"item": item.title}})
        score = Decimal(str(score))
        if score < 0:
            raise ValidationError({"scores": _("The score for %(item)s cannot be negative.") % {"item": item.title}})
        if score > item.max_score:
            raise ValidationError({"scores": _("The score for %(item)s (%(score)s) is above its maximum of %(max)s.")
                                   % {"item": item.title, "score": score, "max": item.max_score}})
        normalised[item_id] = (score, note or "")
    missing = [items[pk].title for pk in items if pk not in normalised]
    if missing:
        raise ValidationError({"scores": _("Give a score for %(item)s.") % {"item": missing[0]}})
    evaluation.total = sum((score for score, _note in normalised.values()), Decimal("0"))
    evaluation.rating = evaluation.scheme.rating_for(evaluation.total)
    created = evaluation.pk is None
    evaluation.save()
    if created:
        ItemScore.objects.bulk_create([
            ItemScore(evaluation=evaluation, item_id=item_id, score=score, note=note)
            for item_id, (score, note) in normalised.items()
        ])
        return evaluation
    existing = {s.item_id: s for s in evaluation.scores.all()}
    evaluation.scores.exclude(item__in=list(items)).delete()
    for item_id, (score, note) in normalised.items():
        current = existing.get(item_id)
        if current is None:
            ItemScore.objects.create(evaluation=evaluation, item_id=item_id, score=score, note=note)
        elif current.score != score or current.note != note:
            current.score, current.note = score, note
            current.save(update_fields=["score", "note"])
    return evaluation


@transaction.atomic
def scheme_save(*, scheme: EvaluationScheme, expected=None):
    return locked_save(scheme, expected=expected)


@transaction.atomic
def evaluation_item_save(*, item: EvaluationItem, expected=None):
    """Create or change an item of a scheme. A maximum below a score already given to the item
    would leave a recorded evaluation above full marks: refused."""
    check_not_changed_since(model=EvaluationItem, pk=item.pk, expected=expected)
    item.full_clean()
    if item.pk:
        top = ItemScore.objects.filter(item=item, score__gt=item.max_score).order_by("-score").first()
        if top is not None:
            raise ValidationError({"max_score": _(
                "An evaluation of %(station)s already gave this item %(score)s: the maximum cannot be lower."
            ) % {"station": top.evaluation.station, "score": top.score}})
    item.save()
    return item


@transaction.atomic
def rating_band_save(*, band: RatingBand, expected=None):
    check_not_changed_since(model=RatingBand, pk=band.pk, expected=expected)
    band.full_clean()
    if RatingBand.objects.filter(scheme=band.scheme_id, min_score=band.min_score).exclude(pk=band.pk).exists():
        raise ValidationError({"min_score": _("This scheme already has a rating from this score.")})
    band.save()
    return band


def evaluation_evidence(*, evaluation):
    """What the station's own records show in the evaluation's period, per evidence source
    (training sits above services in the layers: it reads their records, never the reverse);
    the figures are counted once here, not per item."""
    from services.models import Activity, Case, GroupSession, ResourceLink, Visit

    station, start, end = evaluation.station_id, evaluation.period_start, evaluation.period_end
    evidence = {
        EvidenceSource.VISITS: Visit.objects.filter(station=station, visited_on__range=(start, end)).count(),
        EvidenceSource.CASES: Case.objects.filter(station=station, intake_on__range=(start, end)).count(),
        EvidenceSource.GROUPS: GroupSession.objects.filter(group__station=station, held_on__range=(start, end)).count(),
        EvidenceSource.ACTIVITIES: Activity.objects.filter(station=station, held_on__range=(start, end)).count(),
        EvidenceSource.RESOURCES: ResourceLink.objects.filter(station=station, linked_on__range=(start, end)).count(),
    }
    evidence[EvidenceSource.SUPERVISIONS] = Supervision.objects.filter(
        station=station, supervised_on__range=(start, end)
    ).count()
    attended = TrainingAttendance.objects.filter(
        staff__station=station, training__held_on__range=(start, end)
    ).values_list("training__hours", flat=True)
    evidence[EvidenceSource.TRAININGS] = sum(attended, Decimal("0"))
    return evidence


@transaction.atomic
def rectification_save(*, item: RectificationItem, expected=None):
    check_not_changed_since(model=RectificationItem, pk=item.pk, expected=expected)
    if item.status == RectificationStatus.DONE and not item.done_on:
        item.done_on = timezone.localdate()
    if item.status != RectificationStatus.DONE:
        item.done_on = None
    if item.owner_id and item.owner.station_id not in (None, item.evaluation.station_id):
        raise ValidationError({"owner": _("The owner must work at the evaluated station.")})
    item.full_clean()
    item.save()
    return item


# --- certificates and incentives ---------------------------------------------------------

@transaction.atomic
def policy_save(*, policy: IncentivePolicy, expected=None):
    return locked_save(policy, expected=expected)


def _months(start, end):
    day = start.replace(day=1)
    while day <= end:
        yield day
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _month_end(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def _certified_staff(policy):
    """Station workers under the policy's region holding a certificate."""
    region_ids = [policy.region_id]
    children = [policy.region_id]
    for _depth in range(3):
        children = list(Region.objects.filter(parent__in=children).values_list("pk", flat=True))
        region_ids += children
    return (
        Staff.objects.filter(role__in=STATION_ROLES, certificates__isnull=False)
        .filter(Q(station__county__in=region_ids) | Q(station__town__in=region_ids))
        .distinct().prefetch_related("certificates")
    )


@transaction.atomic
def entitlements_compute(*, policy: IncentivePolicy, start, end):
    """Write the entitlements the policy gives for ``start``–``end`` that are not yet written:

    - a one-off award once per certificate level a worker obtained within the policy's validity;
    - a monthly title subsidy for each month the worker was active and certified all month
      (at the level held on the month's first day);
    - the tuition reimbursement of each claim paid in the period.

    Idempotent: running it again for the same period writes nothing. Returns the new rows."""
    start = max(start, policy.valid_from)
    end = min(end, policy.valid_to or end, timezone.localdate())
    if end < start:
        return []
    staff_list = list(_certified_staff(policy))
    have_awards = set(Entitlement.objects.filter(policy=policy, kind=EntitlementKind.AWARD).values_list("staff_id", "level"))
    have_months = set(
        Entitlement.objects.filter(policy=policy, kind=EntitlementKind.SUBSIDY, period__range=(start.replace(day=1), end))
        .values_list("staff_id", "period")
    )
    new = []
    for staff in staff_list:
        certificates = sorted(staff.certificates.all(), key=lambda c: c.issued_on)
        for certificate in certificates:
            obtained = certificate.issued_on
            if (staff.pk, certificate.level) in have_awards or not (start <= obtained <= end):
                continue
            if not policy.is_valid_on(obtained):
                continue
            have_awards.add((staff.pk, certificate.level))
            new.append(Entitlement(policy=policy, staff=staff, kind=EntitlementKind.AWARD, level=certificate.level,
                                   certificate=certificate, period=obtained, amount=policy.award_for(certificate.level)))
        for month in _months(start, end):
            last = _month_end(month)
            if last > end or (staff.pk, month) in have_months:
                continue
            if staff.active_from > month or (staff.active_to is not None and staff.active_to < last):
                continue
            held = [c for c in certificates if c.issued_on <= month]
            if not held:
                continue
            best = max(held, key=lambda c: LEVEL_RANK.get(c.level, 0))
            new.append(Entitlement(policy=policy, staff=staff, kind=EntitlementKind.SUBSIDY, level=best.level,
                                   certificate=best, period=month, amount=policy.subsidy_for(best.level)))
    claims = TuitionClaim.objects.filter(policy=policy, paid_on__range=(start, end), entitlement__isnull=True)
    for claim in claims.select_related("staff"):
        amount = (claim.amount_paid * policy.tuition_rate / 100).quantize(Decimal("0.01"))
        if policy.tuition_cap:
            amount = min(amount, policy.tuition_cap)
        new.append(Entitlement(policy=policy, staff=claim.staff, kind=EntitlementKind.TUITION, tuition_claim=claim,
                               period=claim.paid_on, amount=amount))
    return Entitlement.objects.bulk_create(new)


def _check_county(user, county, field="county"):
    """A county's record is written by that county's users (a global user: any county)."""
    if user is None or county is None:
        return
    scope = scope_for(user)
    if not scope.is_global and county.pk not in scope.county_ids:
        raise ValidationError({field: _("You can only keep the records of your own county.")})


@transaction.atomic
def expert_save(*, expert: Expert, user=None, expected=None):
    """Create or change an outside expert of a county's directory (省级专家, 社工之星 …)."""
    _check_county(user, expert.county if expert.county_id else None)
    return locked_save(expert, expected=expected)


@transaction.atomic
def tuition_claim_save(*, claim: TuitionClaim, expected=None):
    """Create or change a worker's tuition claim. Once its reimbursement is computed (an
    entitlement was written from it) the claim is fixed: change the payout instead."""
    check_not_changed_since(model=TuitionClaim, pk=claim.pk, expected=expected)
    if claim.pk and Entitlement.objects.filter(tuition_claim=claim).exists():
        raise ValidationError(_("The reimbursement of this claim is already computed; it can no longer change."))
    claim.full_clean()
    if claim.paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The date cannot be in the future.")})
    if claim.staff.station_id is None:
        raise ValidationError({"staff": _("Only a station's worker can claim tuition.")})
    claim.save()
    return claim


@transaction.atomic
def entitlement_pay(*, entitlement: Entitlement, paid_on=None):
    """Tick a payout off as paid (发放) on ``paid_on`` (default today)."""
    entitlement = Entitlement.objects.select_for_update().get(pk=entitlement.pk)
    paid_on = paid_on or timezone.localdate()
    if entitlement.status == PayoutStatus.PAID:
        raise ValidationError(_("This payout is already marked paid (on %(day)s).") % {
            "day": entitlement.paid_on.isoformat() if entitlement.paid_on else "—"})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The date cannot be in the future.")})
    if paid_on < entitlement.period:
        raise ValidationError({"paid_on": _("A payout cannot be paid before the date it is for.")})
    entitlement.status, entitlement.paid_on = PayoutStatus.PAID, paid_on
    entitlement.save(update_fields=["status", "paid_on"])
    return entitlement


# --- the case competition ------------------------------------------------------------------


@transaction.atomic
def competition_event_save(*, event: CompetitionEvent, user=None, expected=None):
    """Create or change a county's case competition."""
    _check_county(user, event.county if event.county_id else None)
    return locked_save(event, expected=expected)


MAX_JUDGE_SCORE = Decimal("100")


@transaction.atomic
def submission_save(*, submission: Submission, authors=(), expected=None):
    """Create or change a competition entry: a station of the event's county, a case of that
    station, authors who work there."""
    check_not_changed_since(model=Submission, pk=submission.pk, expected=expected)
    submission.full_clean()
    if submission.station.county_id != submission.event.county_id:
        raise ValidationError({"station": _("%(station)s is not in the county of %(event)s.")
                               % {"station": submission.station, "event": submission.event}})
    if submission.case_id and submission.case.station_id != submission.station_id:
        raise ValidationError({"case": _("The case %(case)s is not a case of %(station)s.")
                               % {"case": submission.case, "station": submission.station}})
    stranger = [a for a in authors if a.station_id != submission.station_id]
    if stranger:
        raise ValidationError({"authors": _("%(name)s does not work at this station.") % {"name": stranger[0].name}})
    submission.save()
    submission.authors.set(authors)
    return submission


@transaction.atomic
def judge_score_record(*, submission, judge, score):
    """Record (or correct) one judge's score of an entry, 0–100, and re-rank the event."""
    judge = (judge or "").strip()
    if not judge:
        raise ValidationError({"judge": _("Give the judge's name.")})
    try:
        score = Decimal(str(score))
    except (ArithmeticError, ValueError):
        raise ValidationError({"score": _("Enter a number.")}) from None
    if not (0 <= score <= MAX_JUDGE_SCORE):
        raise ValidationError({"score": _("A judge's score is between 0 and 100.")})
    JudgeScore.objects.update_or_create(submission=submission, judge=judge, defaults={"score": score})
    competition_rank(event=submission.event)
    return submission


@transaction.atomic
def competition_rank(*, event):
    """Average each entry's judges' scores; the ranking is the order of the averages."""
    averages = dict(
        Submission.objects.filter(event=event).annotate(avg=Avg("judge_scores__score")).values_list("pk", "avg")
    )
    for submission in Submission.objects.filter(event=event):
        avg = averages.get(submission.pk)
        avg = avg.quantize(Decimal("0.01")) if avg is not None else None
        if submission.score != avg:
            submission.score = avg
            submission.save(update_fields=["score"])
    return Submission.objects.filter(event=event).order_by("-score", "id")
