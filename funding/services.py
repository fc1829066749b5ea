"""Writes of the funding app, one transaction each.

The money rules live here, checked against locked rows so that two people allocating or
paying at the same moment cannot overdraw anything:
- a funding source never gives contracts more than it has available;
- a contract's split never exceeds its amount, and its instalments never exceed the split;
- an instalment waiting for a passing evaluation cannot be paid before one exists.
Every refusal is a ``ValidationError`` naming the field, and nothing is written.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from portal.locking import check_not_changed_since, locked_save

from .choices import (
    CALL_TRANSITIONS,
    PASSING_GRADES,
    ApplicationStatus,
    CallStatus,
    InstalmentStatus,
    ProjectStatus,
)
from .models import (
    CENT,
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
    grade_for,
)

ZERO = Decimal("0.00")


def _sum(queryset, field="amount"):
    return queryset.aggregate(total=Sum(field))["total"] or ZERO


def _yuan(value):
    return f"{Decimal(value).quantize(CENT):,}"


def source_contracted(source, exclude_funding=None, exclude_project=None):
    """What ``source`` already gives: contracts' splits and 公益创投 awards (less the row being changed)."""
    allocations = ContractFunding.objects.filter(source=source)
    if exclude_funding is not None:
        allocations = allocations.exclude(pk=exclude_funding.pk)
    awards = VentureProject.objects.filter(source=source)
    if exclude_project is not None:
        awards = awards.exclude(pk=exclude_project.pk)
    return _sum(allocations) + _sum(awards, "amount_awarded")


def check_source_left(source, amount, *, exclude_funding=None, exclude_project=None, field="amount"):
    """The one rule of drawing on a funding source, for a contract's split and a 公益创投 award
    alike: never more than what it has left for purchased services. Call with the source row
    locked (``select_for_update``) inside the writing transaction."""
    left = source.available_amount - source_contracted(source, exclude_funding=exclude_funding,
                                                       exclude_project=exclude_project)
    if amount > left:
        raise ValidationError({field: _(
            "%(source)s has only %(left)s yuan left for purchased services; %(amount)s yuan is more than that.")
            % {"source": source.name, "left": _yuan(left), "amount": _yuan(amount)}})


@transaction.atomic
def funding_source_save(*, source: FundingSource, expected=None):
    """Create or change a funding source; its available amount may not fall below what
    contracts already take from it."""
    check_not_changed_since(model=FundingSource, pk=source.pk, expected=expected)
    source.full_clean()
    if source.pk:
        FundingSource.objects.select_for_update().filter(pk=source.pk).first()
        contracted = source_contracted(source)
        if source.compute_available() < contracted:
            raise ValidationError({"base_amount": _(
                "Contracts already take %(contracted)s yuan from this source; the amount available cannot be "
                "less.") % {"contracted": _yuan(contracted)}})
    source.save()
    return source


@transaction.atomic
def contract_save(*, contract: Contract, stations=None, expected=None):
    """Create or change a contract and the stations it covers. The amount may not fall below
    its funding split; covered stations must be in the purchasing county."""
    check_not_changed_since(model=Contract, pk=contract.pk, expected=expected)
    contract.full_clean()
    if stations is not None:
        outside = [s.name for s in stations if s.county_id != contract.county_id]
        if outside:
            raise ValidationError({"stations": _("These stations are not in %(county)s: %(names)s.") % {
                "county": contract.county, "names": "、".join(outside)}})
    if contract.pk:
        Contract.objects.select_for_update().filter(pk=contract.pk).first()
        funded = _sum(contract.fundings.all())
        if contract.amount < funded:
            raise ValidationError({"amount": _(
                "The funding split already comes to %(funded)s yuan; the contract amount cannot be less.")
                % {"funded": _yuan(funded)}})
        scheduled = _sum(contract.instalments.all())
        if contract.amount < scheduled:
            raise ValidationError({"amount": _(
                "The instalments already come to %(scheduled)s yuan; the contract amount cannot be less.")
                % {"scheduled": _yuan(scheduled)}})
    contract.save()
    if stations is not None:
        contract.stations.set(stations)
    return contract


def contract_create(*, stations, **fields):
    return contract_save(contract=Contract(**fields), stations=stations)


@transaction.atomic
def contract_allocate(*, contract: Contract, source: FundingSource, amount):
    """Set how much of ``contract`` is paid from ``source`` (creates or changes the split row).

    Refused, writing nothing, when the source has less left than that, when the split would
    exceed the contract amount, or when it would fall below instalments already planned on it."""
    amount = Decimal(amount)
    if amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    source = FundingSource.objects.select_for_update().get(pk=source.pk)
    if source.year != contract.year:
        raise ValidationError({"source": _("Choose a funding source of %(year)s, the contract's year.")
                               % {"year": contract.year}})
    county = contract.county
    if source.region_id not in {county.pk, county.parent_id, getattr(county.parent, "parent_id", None)}:
        raise ValidationError({"source": _("This source does not fund %(county)s.") % {"county": county}})
    funding = ContractFunding.objects.filter(contract=contract, source=source).first()
    check_source_left(source, amount, exclude_funding=funding)
    others = _sum(contract.fundings.exclude(pk=getattr(funding, "pk", None)))
    if others + amount > contract.amount:
        raise ValidationError({"amount": _(
            "The split would come to %(total)s yuan, more than the contract amount of %(amount)s yuan.")
            % {"total": _yuan(others + amount), "amount": _yuan(contract.amount)}})
    if funding is not None:
        planned = _sum(funding.instalments.all())
        if amount < planned:
            raise ValidationError({"amount": _(
                "Instalments of %(planned)s yuan are already planned from this source; the amount cannot be less.")
                % {"planned": _yuan(planned)}})
        funding.amount = amount
    else:
        funding = ContractFunding(contract=contract, source=source, amount=amount)
    funding.full_clean()
    funding.save()
    return funding


@transaction.atomic
def contract_target_set(*, contract: Contract, kind, value, note=""):
    """Set (or change) the target of one deliverable."""
    target = ContractTarget.objects.filter(contract=contract, kind=kind).first() or ContractTarget(
        contract=contract, kind=kind)
    target.value, target.note = value, note
    target.full_clean()
    target.save()
    return target


def _check_schedule(instalment):
    """Planned instalments never add up to more than the contract, nor than their source's part."""
    contract = Contract.objects.select_for_update().get(pk=instalment.contract_id)
    ContractFunding.objects.select_for_update().filter(pk=instalment.funding_id).first()
    others = PaymentInstalment.objects.filter(contract=contract).exclude(pk=instalment.pk)
    total = _sum(others) + instalment.amount
    if total > contract.amount:
        raise ValidationError({"amount": _(
            "The instalments would come to %(total)s yuan, more than the contract amount of %(amount)s yuan.")
            % {"total": _yuan(total), "amount": _yuan(contract.amount)}})
    from_source = _sum(others.filter(funding=instalment.funding_id)) + instalment.amount
    if from_source > instalment.funding.amount:
        raise ValidationError({"amount": _(
            "Instalments from %(source)s would come to %(total)s yuan, more than its part of %(part)s yuan.")
            % {"source": instalment.funding.source.name, "total": _yuan(from_source),
               "part": _yuan(instalment.funding.amount)}})


@transaction.atomic
def instalment_save(*, instalment: PaymentInstalment, expected=None):
    """Plan (or change) an instalment. A paid instalment is not changed any more."""
    check_not_changed_since(model=PaymentInstalment, pk=instalment.pk, expected=expected)
    if instalment.pk and PaymentInstalment.objects.filter(pk=instalment.pk, status=InstalmentStatus.PAID).exists():
        raise ValidationError(_("This instalment has been paid and can no longer be changed."))
    instalment.status, instalment.paid_on = InstalmentStatus.PLANNED, None
    instalment.full_clean()
    _check_schedule(instalment)
    instalment.save()
    return instalment


def passing_evaluation(contract, stage, on=None):
    """The latest passing evaluation of ``contract`` at ``stage`` (dated on or before ``on``)."""
    evaluations = PerformanceEvaluation.objects.filter(contract=contract, stage=stage, grade__in=PASSING_GRADES)
    if on is not None:
        evaluations = evaluations.filter(evaluated_on__lte=on)
    return evaluations.order_by("-evaluated_on", "-pk").first()


@transaction.atomic
def instalment_pay(*, instalment: PaymentInstalment, paid_on, voucher=""):
    """Record that an instalment was paid. Refused, writing nothing, when it is already paid,
    when paying it would take the contract (or its source's part) past its amount, or when it
    waits for a passing evaluation that has not been recorded by ``paid_on``."""
    instalment = PaymentInstalment.objects.select_for_update().select_related("contract", "funding__source").get(
        pk=instalment.pk)
    contract = Contract.objects.select_for_update().get(pk=instalment.contract_id)
    if instalment.status == InstalmentStatus.PAID:
        raise ValidationError(_("This instalment was already paid on %(date)s.") % {"date": instalment.paid_on})
    if paid_on is None:
        raise ValidationError({"paid_on": _("Enter the payment date.")})
    if paid_on < contract.start_on:
        raise ValidationError({"paid_on": _("The payment date cannot be before the contract starts.")})
    paid = PaymentInstalment.objects.filter(contract=contract, status=InstalmentStatus.PAID)
    if _sum(paid) + instalment.amount > contract.amount:
        raise ValidationError(_(
            "Paying %(amount)s yuan would take the payments past the contract amount of %(total)s yuan "
            "(%(paid)s yuan already paid).") % {"amount": _yuan(instalment.amount), "total": _yuan(contract.amount),
                                                "paid": _yuan(_sum(paid))})
    if _sum(paid.filter(funding=instalment.funding)) + instalment.amount > instalment.funding.amount:
        raise ValidationError(_(
            "Paying %(amount)s yuan would take the payments from %(source)s past its part of %(part)s yuan.")
            % {"amount": _yuan(instalment.amount), "source": instalment.funding.source.name,
               "part": _yuan(instalment.funding.amount)})
    if instalment.requires_evaluation and passing_evaluation(contract, instalment.required_stage, paid_on) is None:
        raise ValidationError(_(
            "This instalment waits for a passing %(stage)s evaluation (grade Pass or better) dated on or before "
            "the payment date; none has been recorded.") % {"stage": instalment.get_required_stage_display()})
    instalment.status, instalment.paid_on, instalment.voucher = InstalmentStatus.PAID, paid_on, voucher
    instalment.full_clean()
    instalment.save()
    return instalment


# --- Indicator systems and evaluations -----------------------------------------------------

@transaction.atomic
def indicator_system_save(*, system: IndicatorSystem, expected=None):
    return locked_save(system, expected=expected)


@transaction.atomic
def indicator_category_save(*, category: IndicatorCategory, expected=None):
    return locked_save(category, expected=expected)


@transaction.atomic
def indicator_save(*, indicator: Indicator, expected=None):
    check_not_changed_since(model=Indicator, pk=indicator.pk, expected=expected)
    indicator.full_clean()
    if indicator.pk:
        over = IndicatorScore.objects.filter(indicator=indicator, score__gt=indicator.max_score).exists()
        if over:
            raise ValidationError({"max_score": _(
                "Recorded evaluations gave this indicator more than %(max)s; the maximum cannot be lower than "
                "their scores.") % {"max": indicator.max_score}})
    indicator.save()
    return indicator


def score_summary(system, scores):
    """(total, max_total, percentage) of ``scores`` ({indicator_id: score}) under ``system``.

    The percentage weighs each category by its weight: a category scores
    ``subtotal / its maximum × weight``, and the sum is taken as a share of all weights. When
    the maxima are the weights (a 100-point system) the percentage is simply the total."""
    categories = list(system.categories.prefetch_related("indicators"))
    total = sum((Decimal(scores.get(i.pk, 0)) for c in categories for i in c.indicators.all()), ZERO)
    max_total = sum((i.max_score for c in categories for i in c.indicators.all()), ZERO)
    weighted, weights = ZERO, ZERO
    for category in categories:
        indicators = list(category.indicators.all())
        cat_max = sum((i.max_score for i in indicators), ZERO)
        if not indicators or not cat_max or not category.weight:
            continue
        subtotal = sum((Decimal(scores.get(i.pk, 0)) for i in indicators), ZERO)
        weighted += subtotal / cat_max * category.weight
        weights += category.weight
    if weights:
        percentage = weighted / weights * 100
    else:
        percentage = total / max_total * 100 if max_total else ZERO
    return total.quantize(CENT), max_total.quantize(CENT), min(percentage, Decimal(100)).quantize(CENT)


@transaction.atomic
def evaluation_record(*, contract, system, stage, evaluated_on, evaluator, findings="", scores,
                      recorded_by=None, evaluation=None, expected=None):
    """Record (or re-record) an evaluation with one score per indicator of ``system``.

    ``scores`` is {Indicator or id: score} or {id: (score, note)}. Every indicator needs a score
    between 0 and its maximum; otherwise nothing is written. Total, percentage and grade
    (优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, else 不合格; on the percentage) are computed here."""
    if evaluation is not None:
        check_not_changed_since(model=PerformanceEvaluation, pk=evaluation.pk, expected=expected)
    indicators = {i.pk: i for i in Indicator.objects.filter(category__system=system).select_related("category")}
    if not indicators:
        raise ValidationError({"system": _("This indicator system has no indicators yet.")})
    values, notes, errors = {}, {}, {}
    for key, value in scores.items():
        pk = int(getattr(key, "pk", key))
        if isinstance(value, (tuple, list)):
            value, notes[pk] = value
        if pk not in indicators:
            errors[f"score_{pk}"] = _("This indicator is not part of the chosen system.")
            continue
        values[pk] = value
    for pk, indicator in indicators.items():
        value = values.get(pk)
        if value is None or value == "":
            errors[f"score_{pk}"] = _("Enter a score for %(indicator)s.") % {"indicator": indicator.name}
            continue
        value = Decimal(value)
        if value < 0:
            errors[f"score_{pk}"] = _("A score cannot be negative.")
        elif value > indicator.max_score:
            errors[f"score_{pk}"] = _("%(indicator)s: the score cannot be higher than its maximum of %(max)s.") % {
                "indicator": indicator.name, "max": f"{indicator.max_score.normalize():f}"}
        values[pk] = value
    if errors:
        raise ValidationError(errors)
    total, max_total, percentage = score_summary(system, values)
    evaluation = evaluation or PerformanceEvaluation()
    evaluation.contract, evaluation.system, evaluation.stage = contract, system, stage
    evaluation.evaluated_on, evaluation.evaluator, evaluation.findings = evaluated_on, evaluator, findings
    evaluation.total, evaluation.max_total, evaluation.percentage = total, max_total, percentage
    evaluation.grade = grade_for(percentage)
    if recorded_by is not None and evaluation.recorded_by_id is None:
        evaluation.recorded_by = recorded_by
    evaluation.full_clean()
    if evaluated_on < contract.start_on and stage != "before":
        raise ValidationError({"evaluated_on": _("An interim or ex-post evaluation cannot be dated before the "
                                                 "contract starts.")})
    evaluation.save()
    existing = {s.indicator_id: s for s in evaluation.scores.all()}
    for pk, value in values.items():
        score = existing.get(pk) or IndicatorScore(evaluation=evaluation, indicator=indicators[pk])
        score.score, score.note = value, notes.get(pk, score.note if score.pk else "")
        score.save()
    return evaluation


# --- Achievement --------------------------------------------------------------------------

def contract_achievement(contract, *, user):
    """[(target, achieved, percent)] for each target: achieved counted by ``reports.figures``
    (the one counting engine) over the covered stations and the contract period. Only the
    covered stations of ``user``'s scope count: a station's worker reading a contract of six
    stations sees their own station's figures, not the others'. Every caller names its reader;
    ``user=None`` (no reader: the engine's own checks) counts every covered station."""
    from reports import figures

    targets = list(contract.targets.all())
    if not targets:
        return []
    station_ids = [s.pk for s in contract.stations.all()]  # (prefetched by the dashboard)
    if user is not None:
        from portal.scoping import scope_for

        scope = scope_for(user)
        station_ids = [pk for pk in station_ids if scope.allows_station(pk)]
    result = figures.compute(station_ids=station_ids, start=contract.start_on, end=contract.end_on)
    rows = []
    for target in targets:
        achieved = Decimal(str(result[target.kind]))
        percent = int(achieved * 100 / target.value) if target.value else 100
        rows.append((target, achieved, percent))
    return rows


# --- 公益创投 (venture philanthropy) ------------------------------------------------------------

def _transition_error(obj, action):
    return ValidationError(_("This cannot be done while the status is %(status)s.") % {
        "status": obj.get_status_display()})


@transaction.atomic
def venture_call_save(*, call: VentureCall, user=None, expected=None):
    """Create or change a call (its status changes through ``venture_call_transition``). Its
    budget cannot fall below what it has awarded."""
    check_not_changed_since(model=VentureCall, pk=call.pk, expected=expected)
    if user is not None and call.county_id:
        from portal.scoping import scope_for

        scope = scope_for(user)
        if not scope.is_global and call.county_id not in scope.county_ids:
            raise ValidationError({"county": _("You can only keep the records of your own county.")})
    call.full_clean()
    if call.pk:
        VentureCall.objects.select_for_update().filter(pk=call.pk).first()
        awarded = _sum(VentureProject.objects.filter(application__call=call), "amount_awarded")
        if call.budget < awarded:
            raise ValidationError({"budget": _("The call has awarded %(awarded)s yuan; its budget cannot be less.")
                                   % {"awarded": _yuan(awarded)}})
        if VentureProject.objects.filter(application__call=call).exclude(source=call.source).exists():
            raise ValidationError({"source": _("Projects are already funded from the call's source; it cannot "
                                               "change.")})
    call.save()
    return call


@transaction.atomic
def venture_call_transition(*, call: VentureCall, action):
    """open (draft → open), close (open → closed, review begins), announce (closed → awarded:
    the results are final, no more awards)."""
    call = VentureCall.objects.select_for_update().get(pk=call.pk)
    source, target = CALL_TRANSITIONS[action]
    if call.status != source:
        raise _transition_error(call, action)
    if action == "close" and not call.applications.exists():
        raise ValidationError(_("The call has no application yet."))
    if action == "announce" and not VentureProject.objects.filter(application__call=call).exists():
        raise ValidationError(_("Fund at least one application before announcing the results."))
    call.status = target
    call.save()
    if action == "announce":
        call.applications.filter(status=ApplicationStatus.SUBMITTED).update(status=ApplicationStatus.REJECTED)
    return call


@transaction.atomic
def venture_application_save(*, application: VentureApplication, expected=None):
    """Enter (or correct) an application. New ones only while the call is open; a decided one
    (funded or not) is fixed."""
    check_not_changed_since(model=VentureApplication, pk=application.pk, expected=expected)
    call = VentureCall.objects.select_for_update().get(pk=application.call_id)
    if application.pk:
        current = VentureApplication.objects.select_for_update().get(pk=application.pk)
        if current.status != ApplicationStatus.SUBMITTED:
            raise ValidationError(_("This application is decided and can no longer be changed."))
        if current.call_id != application.call_id:
            raise ValidationError({"call": _("An application cannot move to another call.")})
        if call.status not in (CallStatus.OPEN, CallStatus.CLOSED):
            raise _transition_error(call, "edit")
    elif call.status != CallStatus.OPEN:
        raise ValidationError({"call": _("The call is not open for applications (it is %(status)s).")
                               % {"status": call.get_status_display()}})
    application.status = ApplicationStatus.SUBMITTED
    application.full_clean()
    application.save()
    return application


def _reviewer_error(field, message):
    return ValidationError({field: message})


@transaction.atomic
def venture_review_record(*, application: VentureApplication, score, comment="", reviewed_on,
                          reviewer=None, expert=None, recorded_by=None):
    """A reviewer's score (0–100) of an application of a closed call: a bureau or center user
    (``reviewer``) or an outside expert of the call's county (``expert``), once each."""
    application = VentureApplication.objects.select_for_update().select_related("call").get(pk=application.pk)
    if application.call.status != CallStatus.CLOSED:
        raise ValidationError(_("Applications are reviewed once the call is closed (it is %(status)s).")
                              % {"status": application.call.get_status_display()})
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("This application is decided and can no longer be reviewed."))
    if (reviewer is None) == (expert is None):
        raise _reviewer_error("expert", _("Name the reviewer: yourself or an outside expert (one of them)."))
    if expert is not None and expert.county_id != application.call.county_id:
        raise _reviewer_error("expert", _("Choose an expert of the call's county."))
    reviews = VentureReview.objects.filter(application=application)
    if (reviewer is not None and reviews.filter(reviewer=reviewer).exists()) or (
            expert is not None and reviews.filter(expert=expert).exists()):
        raise _reviewer_error("expert" if expert is not None else "score",
                              _("This reviewer has already scored this application."))
    review = VentureReview(application=application, reviewer=reviewer, expert=expert, score=score,
                           comment=comment, reviewed_on=reviewed_on, recorded_by=recorded_by)
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def venture_award(*, application: VentureApplication, amount, awarded_on):
    """Fund an application of a closed call: a project of ``amount`` (at most what was
    requested), within the call's budget, drawn from the call's funding source under the rule
    every contract split follows (``check_source_left``). Refused, writing nothing, otherwise."""
    amount = Decimal(amount)
    application = VentureApplication.objects.select_for_update().select_related("call").get(pk=application.pk)
    call = VentureCall.objects.select_for_update().get(pk=application.call_id)
    source = FundingSource.objects.select_for_update().get(pk=call.source_id)
    if call.status != CallStatus.CLOSED:
        raise ValidationError(_("Awards are made once the call is closed and before the results are announced "
                                "(it is %(status)s).") % {"status": call.get_status_display()})
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("This application is already decided."))
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    if amount > application.amount_requested:
        raise ValidationError({"amount": _("The award cannot be more than the %(requested)s yuan requested.")
                               % {"requested": _yuan(application.amount_requested)}})
    awarded = _sum(VentureProject.objects.filter(application__call=call), "amount_awarded")
    if awarded + amount > call.budget:
        raise ValidationError({"amount": _(
            "The call's awards would come to %(total)s yuan, more than its budget of %(budget)s yuan.")
            % {"total": _yuan(awarded + amount), "budget": _yuan(call.budget)}})
    check_source_left(source, amount)
    project = VentureProject(application=application, source=source, amount_awarded=amount, awarded_on=awarded_on)
    project.full_clean()
    project.save()
    application.status = ApplicationStatus.FUNDED
    application.save()
    return project


@transaction.atomic
def venture_application_reject(*, application: VentureApplication):
    application = VentureApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("This application is already decided."))
    application.status = ApplicationStatus.REJECTED
    application.save()
    return application


def _running(project):
    project = VentureProject.objects.select_for_update().get(pk=project.pk)
    if project.status != ProjectStatus.RUNNING:
        raise ValidationError(_("The project has submitted its final report; it can no longer change."))
    return project


@transaction.atomic
def venture_milestone_add(*, project: VentureProject, title, due_on):
    project = _running(project)
    milestone = VentureMilestone(project=project, title=title, due_on=due_on)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def venture_milestone_done(*, milestone: VentureMilestone, done_on, evidence):
    """Record a milestone done, with its evidence (what shows it: a report, photos, a list)."""
    milestone = VentureMilestone.objects.select_for_update().get(pk=milestone.pk)
    project = _running(milestone.project)
    if milestone.done_on is not None:
        raise ValidationError(_("This milestone was already recorded done on %(date)s.") % {"date": milestone.done_on})
    if not (evidence or "").strip():
        raise ValidationError({"evidence": _("Say what shows it was done.")})
    if done_on < project.awarded_on:
        raise ValidationError({"done_on": _("The date cannot be before the award.")})
    milestone.done_on, milestone.evidence = done_on, evidence
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def venture_payment_add(*, project: VentureProject, amount, due_on):
    """Plan a payment; the payments never add up to more than the award."""
    project = _running(project)
    amount = Decimal(amount)
    planned = _sum(project.payments.all())
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    if planned + amount > project.amount_awarded:
        raise ValidationError({"amount": _(
            "The payments would come to %(total)s yuan, more than the %(awarded)s yuan awarded.")
            % {"total": _yuan(planned + amount), "awarded": _yuan(project.amount_awarded)}})
    payment = VenturePayment(project=project, amount=amount, due_on=due_on)
    payment.full_clean()
    payment.save()
    return payment


@transaction.atomic
def venture_payment_pay(*, payment: VenturePayment, paid_on):
    payment = VenturePayment.objects.select_for_update().select_related("project").get(pk=payment.pk)
    if payment.status == InstalmentStatus.PAID:
        raise ValidationError(_("This instalment was already paid on %(date)s.") % {"date": payment.paid_on})
    if paid_on is None:
        raise ValidationError({"paid_on": _("Enter the payment date.")})
    if paid_on < payment.project.awarded_on:
        raise ValidationError({"paid_on": _("The date cannot be before the award.")})
    payment.status, payment.paid_on = InstalmentStatus.PAID, paid_on
    payment.save()
    return payment


@transaction.atomic
def venture_project_report(*, project: VentureProject, final_report, reported_on):
    """Submit the final report (text and date): the project stops changing and waits for its evaluation."""
    project = _running(project)
    errors = {}
    if not (final_report or "").strip():
        errors["final_report"] = _("Write the final report.")
    if reported_on is not None and reported_on < project.awarded_on:
        errors["reported_on"] = _("The date cannot be before the award.")
    if errors:
        raise ValidationError(errors)
    project.final_report, project.reported_on, project.status = final_report, reported_on, ProjectStatus.REPORTED
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def venture_project_evaluate(*, project: VentureProject, score, conclusion, evaluated_on):
    """Evaluate a reported project (score 0–100 and conclusion): this closes it."""
    project = VentureProject.objects.select_for_update().get(pk=project.pk)
    if project.status != ProjectStatus.REPORTED:
        raise ValidationError(_("A project is evaluated after its final report is submitted."))
    errors = {}
    if score is None or not (0 <= Decimal(score) <= 100):
        errors["score"] = _("Enter a score from 0 to 100.")
    if not (conclusion or "").strip():
        errors["conclusion"] = _("Write the conclusion.")
    if evaluated_on is not None and project.reported_on and evaluated_on < project.reported_on:
        errors["evaluated_on"] = _("The evaluation cannot be dated before the final report.")
    if errors:
        raise ValidationError(errors)
    project.evaluation_score, project.evaluation_conclusion = Decimal(score), conclusion
    project.evaluated_on, project.status = evaluated_on, ProjectStatus.CLOSED
    project.full_clean()
    project.save()
    return project
