"""Writes of the services app. Every rule about a visit, a case, a group, an activity, a
referral, a dispatch or a monthly report lives here; forms and serializers call these.

A record dated in a month that the bureau has approved for its station (the month is
locked) cannot be created, changed or moved until the bureau reopens that month.
"""

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from clients.services import client_follow_up_set, client_monitoring_update
from partners.choices import PartnerKind
from portal.locking import check_not_changed_since, locked_save
from portal.validators import all_errors
from stations.choices import Role

from .choices import (
    CASE_TRANSITIONS,
    CaseClosureReason,
    CaseEventKind,
    CasePlanStatus,
    CaseStage,
    DispatchStatus,
    MonthlyReportAction,
    MonthlyReportStatus,
    ReferralStatus,
    SourceKind,
)
from .models import (
    Activity,
    ActivityPhoto,
    Case,
    CaseEvent,
    CaseGoal,
    CaseNote,
    CaseStageChange,
    CaseTask,
    Dispatch,
    FollowUp,
    FormToken,
    Group,
    GroupSession,
    MonthlyReport,
    MonthlyReportEvent,
    Referral,
    ResourceLink,
    Visit,
    Volunteer,
    VolunteerService,
    month_start,
    report_deadline,
)

# ---------------------------------------------------------------------------- locking


def locked_months(*, station_id, days):
    """The months among ``days`` that are approved (locked) for the station."""
    months = {month_start(day) for day in days if day}
    if not months:
        return set()
    return set(
        MonthlyReport.objects.locked().filter(station_id=station_id, month__in=sorted(months))
        .values_list("month", flat=True)
    )


def ensure_month_open(*, station_id, days, field):
    """Refuse a write dated in a locked month (``days``: the record's old and new dates)."""
    locked = locked_months(station_id=station_id, days=days)
    if locked:
        month = min(locked)
        raise ValidationError({field: _(
            "%(year)d-%(month)02d is locked: the bureau approved this station's monthly report. "
            "Ask the bureau to reopen the month before changing its records."
        ) % {"year": month.year, "month": month.month}})


def _not_future(day, field):
    if day and day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def use_form_token(token):
    """Take a create form's one-time token (inside the creating transaction): a form posted
    twice creates its records once. No token (a script, the API): not checked."""
    if not token:
        return
    try:
        with transaction.atomic():
            FormToken.objects.create(token=token)
    except IntegrityError:
        raise ValidationError(_("This form has already been saved (sent twice?): nothing more was saved. "
                                "Open the list to see the record.")) from None


def form_tokens_purge(*, now=None):
    """Delete the one-time form tokens used more than FORM_TOKEN_DAYS ago (a page that old is not
    posted twice); returns how many went. Run by the beat entry "form-tokens-purge"."""
    before = (now or timezone.now()) - datetime.timedelta(days=settings.FORM_TOKEN_DAYS)
    return FormToken.objects.filter(used_at__lt=before).delete()[0]


def _staff_of(user):
    return getattr(user, "staff", None) if user is not None else None


def _check_workers(station, workers, field="workers"):
    strangers = [w.name for w in workers if w.station_id != station.pk]
    if strangers:
        raise ValidationError({field: _("%(names)s do not work at %(station)s.") % {
            "names": "、".join(strangers), "station": station}})


def _check_clients(station, clients, field):
    strangers = [c.name for c in clients if c.station_id != station.pk]
    if strangers:
        raise ValidationError({field: _("%(names)s are not registered at %(station)s.") % {
            "names": "、".join(strangers), "station": station}})


# ---------------------------------------------------------------------------- visits


def _validate_visit(visit):
    client = visit.client

    def at_its_station():
        if visit.station_id != client.station_id:
            raise ValidationError({"client": _("%(name)s is not registered at %(station)s.") % {
                "name": client.name, "station": visit.station}})

    def after_registration():
        if visit.visited_on < client.registered_on:
            raise ValidationError({"visited_on": _(
                "%(name)s was registered on %(date)s; a visit cannot be dated before that."
            ) % {"name": client.name, "date": client.registered_on.isoformat()}})

    def follow_up_after():
        if visit.follow_up_on and visit.follow_up_on < visit.visited_on:
            raise ValidationError({"follow_up_on": _("The follow-up date cannot be before the visit date.")})

    all_errors(lambda: _not_future(visit.visited_on, "visited_on"), at_its_station, after_registration,
               follow_up_after)


NO_WORKER = _lazy("Tick at least one worker who made the visit.")


def _refresh_monitoring(client, risk_from=None):
    """Tell the client registry the date of the client's latest visit as it now stands."""
    latest = Visit.objects.filter(client=client).order_by("-visited_on", "-id").first()
    risk = None
    if latest is not None and risk_from is not None and latest.pk == risk_from.pk and risk_from.risk_level:
        risk = risk_from.risk_level
    return client_monitoring_update(client=client, last_contact_on=latest.visited_on if latest else None,
                                    risk_level=risk)


@transaction.atomic
def visit_record(*, client, visited_on, kind, user=None, workers=(), findings="", needs="", risk_level="",
                 follow_up_on=None, tags=(), outing="", station=None, service_point=None,
                 need_kinds=()):
    """Record one visit to one client, at the client's own station, and move the client's
    monitoring status (last visit, next visit due, risk)."""
    station = station or client.station
    visit = Visit(station=station, client=client, visited_on=visited_on, kind=kind, findings=findings, needs=needs,
                  risk_level=risk_level or "", follow_up_on=follow_up_on, outing=outing, service_point=service_point,
                  need_kinds=list(need_kinds or []),
                  created_by=user if user is not None and user.is_authenticated else None)
    workers = list(workers)
    if not workers:  # the signed-in worker by default, else (a script, an import) the responsible worker
        staff = _staff_of(user)
        if staff is None or staff.station_id != station.pk:
            staff = client.worker if client.worker_id and client.worker.station_id == station.pk else None
        workers = [staff] if staff is not None else []

    def check_workers():
        if not workers:
            raise ValidationError({"workers": NO_WORKER})
        _check_workers(station, workers)

    all_errors(lambda: _validate_visit(visit), check_workers,
               lambda: ensure_month_open(station_id=station.pk, days=[visited_on], field="visited_on"),
               lambda: visit.full_clean(exclude=["client", "station"]))
    visit.save()
    visit.workers.set(workers)
    visit.tags.set(list(tags))
    _answer_follow_ups(visit)
    if follow_up_on:
        FollowUp.objects.create(station=station, client=client, due_on=follow_up_on, promised_by=visit,
                                worker=workers[0] if workers else None, planned_by=visit.created_by)
    _refresh_follow_ups(client)
    _refresh_monitoring(client, risk_from=visit)
    return visit


@transaction.atomic
def visit_outing_record(*, clients, user=None, form_token="", resources=(), **common):
    """One outing, several clients: one visit each, all or nothing. ``form_token`` (the visit
    form's one-time token) makes a form posted twice record its visits once. ``resources``
    (dicts of kind, description, value, source_kind, source_name) are linked to the visit of a
    single client, on its date."""
    use_form_token(form_token)
    clients = list(clients)
    if not clients:
        raise ValidationError({"clients": _("Pick at least one client.")})
    if len({c.pk for c in clients}) != len(clients):
        raise ValidationError({"clients": _("A client is picked twice.")})
    resources = list(resources)
    if resources and len(clients) > 1:
        raise ValidationError({"clients": _("Resources can be linked on the visit of one client only: "
                                            "pick one client, or link them from the resource page.")})
    outing = uuid.uuid4().hex if len(clients) > 1 else ""
    visits = [visit_record(client=client, user=user, outing=outing, **common) for client in clients]
    for resource in resources:
        visit = visits[0]
        resource_link_record(station=visit.station, linked_on=visit.visited_on, client=visit.client, visit=visit,
                             **resource)
    return visits


@transaction.atomic
def visit_update(*, visit, expected=None, **fields):
    """Edit a visit; refused if someone else saved it since ``expected`` was read."""
    check_not_changed_since(model=Visit, pk=visit.pk, expected=expected)
    visit = Visit.objects.select_for_update().select_related("client", "station").get(pk=visit.pk)
    old_client, old_date = visit.client, visit.visited_on
    workers, tags = fields.pop("workers", None), fields.pop("tags", None)
    for name, value in fields.items():
        setattr(visit, name, value)
    if visit.client_id != old_client.pk:
        visit.station = visit.client.station
    workers = list(workers) if workers is not None else None

    def check_workers():
        if workers is None:
            return
        if not workers:
            raise ValidationError({"workers": NO_WORKER})
        _check_workers(visit.station, workers)

    all_errors(lambda: _validate_visit(visit),
               lambda: ensure_month_open(station_id=visit.station_id, days=[old_date, visit.visited_on],
                                         field="visited_on"),
               check_workers,
               lambda: visit.full_clean(exclude=["client", "station"]))
    visit.save()
    if workers is not None:
        visit.workers.set(workers)
    if tags is not None:
        visit.tags.set(list(tags))
    _move_promised_follow_up(visit)
    if old_client.pk != visit.client_id:
        _refresh_follow_ups(old_client)
        _refresh_monitoring(old_client)
    _refresh_follow_ups(visit.client)
    _refresh_monitoring(visit.client, risk_from=visit)
    return visit


# ---------------------------------------------------------------------------- follow-ups


def _answer_follow_ups(visit):
    """A visit answers the client's open follow-ups that were promised before it (by an earlier
    visit) or planned on or before its date; a late-entered visit does not answer a follow-up
    promised after it."""
    (FollowUp.objects.open().filter(client_id=visit.client_id)
     .exclude(promised_by__visited_on__gte=visit.visited_on)
     .exclude(promised_by__isnull=True, created_at__date__gt=visit.visited_on)
     .update(answered_by=visit, answered_on=visit.visited_on))


def _refresh_follow_ups(client):
    """Tell the client registry the client's earliest open follow-up (the worklist shows it)."""
    due_on = FollowUp.objects.open().filter(client_id=client.pk).aggregate(first=Min("due_on"))["first"]
    client_follow_up_set(client=client, due_on=due_on)


def _move_promised_follow_up(visit):
    """An edited visit's follow-up date moves the open follow-up it promised (or adds or drops it)."""
    promised = FollowUp.objects.filter(promised_by=visit).first()
    if promised is not None and not promised.is_open:
        return  # already answered: history, not a promise any more
    if visit.follow_up_on is None:
        if promised is not None:
            promised.delete()
        return
    if promised is None:
        FollowUp.objects.create(station=visit.station, client=visit.client, due_on=visit.follow_up_on,
                                promised_by=visit, planned_by=visit.created_by)
    elif promised.due_on != visit.follow_up_on or promised.client_id != visit.client_id:
        promised.due_on, promised.client, promised.station = visit.follow_up_on, visit.client, visit.station
        promised.save()


def _validate_follow_up(follow_up):
    client = follow_up.client
    if not client.is_active:
        raise ValidationError({"client": _("%(name)s's record is closed.") % {"name": client.name}})
    if follow_up.worker is not None and follow_up.worker.station_id != client.station_id:
        raise ValidationError({"worker": _("The worker must work at the client's station.")})
    if follow_up.due_on is None:
        raise ValidationError({"due_on": _("Give the date of the visit.")})
    if follow_up.due_on < timezone.localdate():
        raise ValidationError({"due_on": _("A planned visit cannot be dated in the past.")})


@transaction.atomic
def follow_up_plan(*, client, due_on, kind, note="", worker=None, user=None):
    """The worker or the station head plans a visit to a client (a follow-up without a visit
    that promised it); it shows in "my day" and the worklist until a visit answers it."""
    follow_up = FollowUp(station=client.station, client=client, due_on=due_on, kind=kind, note=note, worker=worker,
                         planned_by=user if user is not None and user.is_authenticated else None)
    _validate_follow_up(follow_up)
    follow_up.full_clean()
    follow_up.save()
    _refresh_follow_ups(client)
    return follow_up


@transaction.atomic
def follow_up_update(*, follow_up, expected=None, **fields):
    """Move or reassign an open follow-up; an answered one is history and stays as it is."""
    check_not_changed_since(model=FollowUp, pk=follow_up.pk, expected=expected)
    follow_up = FollowUp.objects.select_for_update().select_related("client").get(pk=follow_up.pk)
    if not follow_up.is_open:
        raise ValidationError(_("This follow-up was answered by a visit and can no longer be changed."))
    old_client = follow_up.client
    for name, value in fields.items():
        setattr(follow_up, name, value)
    follow_up.station_id = follow_up.client.station_id
    _validate_follow_up(follow_up)
    follow_up.full_clean()
    follow_up.save()
    if old_client.pk != follow_up.client_id:
        _refresh_follow_ups(old_client)
    _refresh_follow_ups(follow_up.client)
    return follow_up


# ---------------------------------------------------------------------------- campaign tags


@transaction.atomic
def campaign_tag_save(*, tag, expected=None):
    return locked_save(tag, expected=expected)


# ---------------------------------------------------------------------------- resource links


def _validate_resource_link(link):
    def value():
        try:
            link.value = None if link.value in (None, "") else Decimal(str(link.value))
        except InvalidOperation:
            raise ValidationError({"value": _("Enter the value in yuan, e.g. 300.00.")}) from None
        if link.value is None or link.value < 0:
            raise ValidationError({"value": _("The value cannot be negative.")})

    def same_station(field):
        target = getattr(link, field)
        if target is not None and target.station_id != link.station_id:
            raise ValidationError({field: _("This record belongs to another station.")})

    all_errors(value, lambda: _not_future(link.linked_on, "linked_on"),
               *(lambda field=field: same_station(field) for field in ("client", "visit", "case", "activity")))


PARTNER_SOURCE_KINDS = {PartnerKind.CHARITY_RESOURCE: SourceKind.CHARITY_FUND,
                        PartnerKind.VOLUNTEER_ORGANISATION: SourceKind.VOLUNTEERS}


def _source_from_partner(link, *, new):
    """A link naming a partner takes its source from it (the text kept for history); the
    partner must be of the station's county, and active when newly named."""
    partner = link.partner
    if partner is None:
        if not link.source_name:
            raise ValidationError({"partner": _("Choose the partner who gave it, or name the source.")})
        return
    if partner.county_id != link.station.county_id:
        raise ValidationError({"partner": _("Choose a partner of the station's county.")})
    if new and not partner.is_active:
        raise ValidationError({"partner": _("This partner is inactive.")})
    if new or not link.source_name:
        link.source_name = partner.name
    if new or not link.source_kind:
        link.source_kind = PARTNER_SOURCE_KINDS.get(partner.kind, SourceKind.OTHER)


@transaction.atomic
def resource_link_record(*, station, linked_on, kind, description, value, source_kind="", source_name="",
                         client=None, visit=None, case=None, activity=None, partner=None):
    """Link a resource. Its giver is a 五社联动 partner of the station's county (``partner``:
    its kind and name fill ``source_kind``/``source_name`` when they are not given) or, for
    a giver outside the ledger, a source kind and name."""
    link = ResourceLink(station=station, linked_on=linked_on, kind=kind, description=description, value=value,
                        source_kind=source_kind or "", source_name=source_name or "", client=client, visit=visit,
                        case=case, activity=activity, partner=partner)
    _source_from_partner(link, new=True)
    if visit is not None and client is None:
        link.client = visit.client
    all_errors(lambda: _validate_resource_link(link),
               lambda: ensure_month_open(station_id=station.pk, days=[linked_on], field="linked_on"),
               lambda: link.full_clean(exclude=["value"]))
    link.save()
    return link


@transaction.atomic
def resource_link_update(*, link, expected=None, **fields):
    check_not_changed_since(model=ResourceLink, pk=link.pk, expected=expected)
    link = ResourceLink.objects.select_for_update().get(pk=link.pk)
    old_date, old_station, old_partner = link.linked_on, link.station_id, link.partner_id
    for name, value in fields.items():
        setattr(link, name, value)
    _source_from_partner(link, new=link.partner_id != old_partner)
    all_errors(lambda: _validate_resource_link(link),
               lambda: ensure_month_open(station_id=old_station, days=[old_date], field="linked_on"),
               lambda: ensure_month_open(station_id=link.station_id, days=[link.linked_on], field="linked_on"),
               lambda: link.full_clean(exclude=["value"]))
    link.save()
    return link


# ---------------------------------------------------------------------------- casework


def _validate_case(case, clients, manager):
    def manager_here():
        if manager is not None and manager.station_id != case.station_id:
            raise ValidationError({"manager": _("The case manager must work at the case's station.")})

    def its_clients():
        if clients is not None:
            if not clients:
                raise ValidationError({"clients": _("A case needs at least one client.")})
            _check_clients(case.station, clients, "clients")

    all_errors(lambda: _not_future(case.intake_on, "intake_on"), manager_here, its_clients)


@transaction.atomic
def case_open(*, station, title, manager, clients, intake_on=None, problem="", goals="", user=None):
    """接案: open a case at its intake stage."""
    intake_on = intake_on or timezone.localdate()
    clients = list(clients)
    case = Case(station=station, title=title, manager=manager, intake_on=intake_on, problem=problem, goals=goals,
                stage=CaseStage.INTAKE)
    all_errors(lambda: _validate_case(case, clients, manager),
               lambda: ensure_month_open(station_id=station.pk, days=[intake_on], field="intake_on"),
               case.full_clean)
    case.save()
    case.clients.set(clients)
    CaseStageChange.objects.create(case=case, from_stage="", to_stage=CaseStage.INTAKE, changed_on=intake_on,
                                   by=user if user is not None and user.is_authenticated else None)
    return case


@transaction.atomic
def case_update(*, case, expected=None, **fields):
    """Edit a case's file (title, manager, clients, goals); the stage moves only by transition."""
    check_not_changed_since(model=Case, pk=case.pk, expected=expected)
    case = Case.objects.select_for_update().get(pk=case.pk)
    old_date = case.intake_on
    clients = fields.pop("clients", None)
    fields.pop("stage", None)
    for name, value in fields.items():
        setattr(case, name, value)
    clients = list(clients) if clients is not None else None
    all_errors(lambda: _validate_case(case, clients, case.manager),
               lambda: ensure_month_open(station_id=case.station_id, days=[old_date, case.intake_on],
                                         field="intake_on"),
               case.full_clean)
    case.save()
    if clients is not None:
        case.clients.set(clients)
    return case


STAGE_NAMES = {
    CaseStage.INTAKE: "接案", CaseStage.ASSESSMENT: "预估", CaseStage.PLANNING: "计划",
    CaseStage.INTERVENTION: "介入", CaseStage.EVALUATION: "评估", CaseStage.CLOSED: "结案",
}


@transaction.atomic
def case_transition(*, case, to_stage, on=None, user=None, note="", closure_reason="", closure_note="",
                    expected=None):
    """Move a case one legal step (接案→预估→计划→介入→评估→结案; a closed case can be
    reopened). An illegal move raises and writes nothing; ``expected`` (the case's stage as
    read) refuses a move based on a stage someone else has changed since."""
    check_not_changed_since(model=Case, pk=case.pk, expected=expected)
    case = Case.objects.select_for_update().get(pk=case.pk)
    on = on or timezone.localdate()
    to_stage = CaseStage(to_stage) if to_stage in CaseStage.values else None
    if to_stage is None or to_stage not in CASE_TRANSITIONS[CaseStage(case.stage)]:
        raise ValidationError({"to_stage": _(
            "A case at stage %(current)s cannot move to %(target)s. Allowed next steps: %(allowed)s."
        ) % {
            "current": CaseStage(case.stage).label,
            "target": to_stage.label if to_stage else "?",
            "allowed": "、".join(str(s.label) for s in CaseStage if s in CASE_TRANSITIONS[CaseStage(case.stage)]),
        }})
    _not_future(on, "on")
    if on < case.intake_on:
        raise ValidationError({"on": _("The date cannot be before the intake date.")})
    ensure_month_open(station_id=case.station_id, days=[on], field="on")
    from_stage = case.stage
    if to_stage == CaseStage.INTERVENTION and case.plan_status != CasePlanStatus.APPROVED:
        raise ValidationError({"to_stage": _(
            "The case plan must be approved by the station head or the center's supervisor before intervention "
            "(介入): add its goals and tasks and submit it for approval.")})
    if to_stage == CaseStage.CLOSED and user is not None and not is_case_approver(user, case):
        raise ValidationError({"to_stage": _(
            "Closing a case needs the approval of the station head or the center's supervisor: "
            "request the closure instead.")})
    if to_stage == CaseStage.CLOSED:
        if not closure_reason:
            raise ValidationError({"closure_reason": _("Give the reason for closing the case.")})
        case.closed_on, case.closure_reason, case.closure_note = on, closure_reason, closure_note
    elif from_stage == CaseStage.CLOSED:  # reopened
        if not note:
            raise ValidationError({"note": _("Give the reason for reopening the case.")})
        case.closed_on, case.closure_reason = None, ""
    case.stage = to_stage
    case.closure_requested_on, case.requested_closure_reason, case.requested_closure_note = None, "", ""
    case.save()
    CaseStageChange.objects.create(case=case, from_stage=from_stage, to_stage=to_stage, changed_on=on, note=note,
                                   by=user if user is not None and user.is_authenticated else None)
    return case


@transaction.atomic
def case_note_add(*, case, text, noted_on=None, author=None, goal=None):
    """A service note; with ``goal``, a progress note on that goal of the case's plan."""
    if goal is not None and goal.case_id != case.pk:
        raise ValidationError({"goal": _("This goal belongs to another case.")})
    noted_on = noted_on or timezone.localdate()
    if not text.strip():
        raise ValidationError({"text": _("Write what was done.")})
    _not_future(noted_on, "noted_on")
    if noted_on < case.intake_on:
        raise ValidationError({"noted_on": _("The date cannot be before the intake date.")})
    if author is not None and author.station_id != case.station_id:
        raise ValidationError({"author": _("The author must work at the case's station.")})
    ensure_month_open(station_id=case.station_id, days=[noted_on], field="noted_on")
    note = CaseNote(case=case, noted_on=noted_on, author=author, text=text, goal=goal)
    note.full_clean()
    note.save()
    return note


# ---------------------------------------------------------------------------- case plans, approvals, transfer

CASE_APPROVER_ROLES = {Role.STATION_HEAD, Role.CENTER_SUPERVISOR}


def is_case_approver(user, case):
    """The head of the case's station or a supervisor of the guidance center approves its plan
    and its closure."""
    staff = _staff_of(user)
    if staff is None:
        return False
    if staff.role == Role.CENTER_SUPERVISOR:
        return True
    return staff.role == Role.STATION_HEAD and staff.station_id == case.station_id


def _case_event(case, kind, user, comment=""):
    CaseEvent.objects.create(case=case, kind=kind, comment=comment,
                             by=user if user is not None and user.is_authenticated else None)


def _open_case(case):
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(_("This case is closed."))
    return case


def _plan_editable(case):
    if case.plan_status in {CasePlanStatus.SUBMITTED, CasePlanStatus.APPROVED}:
        raise ValidationError(_("The plan is %(status)s: it can no longer be changed. Ask the approver to return it.")
                              % {"status": case.get_plan_status_display()})


def _validate_goal(goal):
    if not (goal.description or "").strip():
        raise ValidationError({"description": _("Say what the goal is.")})
    if not (goal.target or "").strip():
        raise ValidationError({"target": _("Give a measurable target (e.g. visits the clinic monthly for 3 months).")})
    if goal.review_on is None or goal.review_on < goal.case.intake_on:
        raise ValidationError({"review_on": _("The review date cannot be before the intake date.")})


@transaction.atomic
def case_goal_add(*, case, description, target, review_on):
    """A goal of the case's plan (while the plan is a draft or returned)."""
    case = _open_case(case)
    _plan_editable(case)
    goal = CaseGoal(case=case, description=description, target=target, review_on=review_on)
    _validate_goal(goal)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def case_goal_update(*, goal, expected=None, **fields):
    """Edit a goal; marking it met (``met_on``) or moving its review date is possible at any
    time, changing what it is only while the plan is a draft or returned."""
    check_not_changed_since(model=CaseGoal, pk=goal.pk, expected=expected)
    goal = CaseGoal.objects.select_for_update().select_related("case").get(pk=goal.pk)
    if any(name in {"description", "target"} and value != getattr(goal, name) for name, value in fields.items()):
        _plan_editable(goal.case)
    for name, value in fields.items():
        setattr(goal, name, value)
    _validate_goal(goal)
    if goal.met_on is not None:
        _not_future(goal.met_on, "met_on")
    goal.full_clean()
    goal.save()
    return goal


def _validate_task(task):
    if not (task.description or "").strip():
        raise ValidationError({"description": _("Say what is to be done.")})
    if task.owner is None or task.owner.station_id != task.case.station_id:
        raise ValidationError({"owner": _("The owner must work at the case's station.")})
    if task.goal is not None and task.goal.case_id != task.case_id:
        raise ValidationError({"goal": _("This goal belongs to another case.")})
    if task.due_on is None or task.due_on < task.case.intake_on:
        raise ValidationError({"due_on": _("The due date cannot be before the intake date.")})
    if task.done_on is not None:
        _not_future(task.done_on, "done_on")


@transaction.atomic
def case_task_add(*, case, description, owner, due_on, goal=None):
    """A task of the case's plan: who does what by when."""
    case = _open_case(case)
    task = CaseTask(case=case, description=description, owner=owner, due_on=due_on, goal=goal)
    _validate_task(task)
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def case_task_update(*, task, expected=None, **fields):
    check_not_changed_since(model=CaseTask, pk=task.pk, expected=expected)
    task = CaseTask.objects.select_for_update().select_related("case").get(pk=task.pk)
    for name, value in fields.items():
        setattr(task, name, value)
    _validate_task(task)
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def case_plan_submit(*, case, user, review_on=None):
    """The worker submits the plan for approval: it needs at least one goal with its target."""
    case = _open_case(case)
    _plan_editable(case)
    if not case.plan_goals.exists():
        raise ValidationError(_("Add at least one goal with a measurable target before submitting the plan."))
    if review_on is not None:
        if review_on < case.intake_on:
            raise ValidationError({"review_on": _("The review date cannot be before the intake date.")})
        case.plan_review_on = review_on
    case.plan_status = CasePlanStatus.SUBMITTED
    case.save()
    _case_event(case, CaseEventKind.PLAN_SUBMIT, user)
    return case


@transaction.atomic
def case_plan_decide(*, case, user, approve, comment=""):
    """The station head or the center's supervisor approves the submitted plan, or returns it
    with a comment (then the worker corrects and submits it again)."""
    case = _open_case(case)
    if not is_case_approver(user, case):
        raise ValidationError(_("Only the head of %(station)s or the guidance center's supervisor approves "
                                "its case plans.") % {"station": case.station})
    if case.plan_status != CasePlanStatus.SUBMITTED:
        raise ValidationError(_("Only a plan submitted for approval can be approved or returned."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say what needs to be corrected.")})
    case.plan_status = CasePlanStatus.APPROVED if approve else CasePlanStatus.RETURNED
    case.save()
    _case_event(case, CaseEventKind.PLAN_APPROVE if approve else CaseEventKind.PLAN_RETURN, user, comment)
    return case


@transaction.atomic
def case_close_request(*, case, user, closure_reason, closure_note="", on=None):
    """Ask for a case to be closed, from any stage, with a reason (withdrew, unreachable, moved
    away, died, goals met …). An approver's request closes it at once; anyone else's waits
    for the station head or the center's supervisor (``case_closure_decide``)."""
    case = _open_case(case)
    if closure_reason not in CaseClosureReason.values:
        raise ValidationError({"closure_reason": _("Give the reason for closing the case.")})
    on = on or timezone.localdate()
    _not_future(on, "on")
    if on < case.intake_on:
        raise ValidationError({"on": _("The date cannot be before the intake date.")})
    if case.closure_requested_on is not None:
        raise ValidationError(_("A closure of this case is already awaiting approval."))
    if is_case_approver(user, case):
        _case_event(case, CaseEventKind.CLOSURE_APPROVE, user, closure_note)
        return case_transition(case=case, to_stage=CaseStage.CLOSED, on=on, user=user, closure_reason=closure_reason,
                               closure_note=closure_note)
    case.closure_requested_on, case.requested_closure_reason = on, closure_reason
    case.requested_closure_note = closure_note
    case.save()
    _case_event(case, CaseEventKind.CLOSURE_REQUEST, user, closure_note)
    return case


@transaction.atomic
def case_closure_decide(*, case, user, approve, comment=""):
    """The station head or the center's supervisor approves a requested closure (the case is
    closed on the requested date with the requested reason) or returns it with a comment."""
    case = _open_case(case)
    if not is_case_approver(user, case):
        raise ValidationError(_("Only the head of %(station)s or the guidance center's supervisor approves "
                                "the closure of its cases.") % {"station": case.station})
    if case.closure_requested_on is None:
        raise ValidationError(_("No closure of this case is awaiting approval."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say why the case stays open.")})
    if not approve:
        case.closure_requested_on, case.requested_closure_reason, case.requested_closure_note = None, "", ""
        case.save()
        _case_event(case, CaseEventKind.CLOSURE_RETURN, user, comment)
        return case
    _case_event(case, CaseEventKind.CLOSURE_APPROVE, user, comment)
    return case_transition(case=case, to_stage=CaseStage.CLOSED, on=case.closure_requested_on, user=user,
                           closure_reason=case.requested_closure_reason, closure_note=case.requested_closure_note)


def caseload(staff):
    """The open cases a worker manages."""
    return Case.objects.filter(manager=staff).exclude(stage=CaseStage.CLOSED).count()


def caseload_warning(staff):
    """A warning when a worker manages more open cases than ``settings.CASELOAD_SOFT_LIMIT``
    (a soft limit: the case is saved all the same), or None."""
    limit = getattr(settings, "CASELOAD_SOFT_LIMIT", None)
    if staff is None or not limit:
        return None
    load = caseload(staff)
    if load <= limit:
        return None
    return _("%(name)s now manages %(count)d open cases, more than the soft limit of %(limit)d.") % {
        "name": staff.name, "count": load, "limit": limit}


@transaction.atomic
def case_transfer(*, case, user, to_manager, note=""):
    """Hand a case to another worker of its station (logged with the reason)."""
    case = _open_case(case)
    if to_manager is None or to_manager.station_id != case.station_id:
        raise ValidationError({"to_manager": _("The case can be handed only to a worker of %(station)s.") % {
            "station": case.station}})
    if to_manager.pk == case.manager_id:
        raise ValidationError({"to_manager": _("%(name)s already manages this case.") % {"name": to_manager.name}})
    previous = case.manager
    case.manager = to_manager
    case.save()
    _case_event(case, CaseEventKind.TRANSFER, user,
                f"{previous.name} → {to_manager.name}" + (f": {note.strip()}" if note.strip() else ""))
    return case


# ---------------------------------------------------------------------------- group work


@transaction.atomic
def group_create(*, station, theme, goals="", leader=None, members=(), planned_sessions=6, tags=(),
                 created_on=None, service_point=None):
    created_on = created_on or timezone.localdate()
    members = list(members)
    _check_clients(station, members, "members")
    if leader is not None and leader.station_id != station.pk:
        raise ValidationError({"leader": _("The group leader must work at the group's station.")})
    _not_future(created_on, "created_on")
    ensure_month_open(station_id=station.pk, days=[created_on], field="created_on")
    group = Group(station=station, theme=theme, goals=goals, leader=leader, planned_sessions=planned_sessions,
                  created_on=created_on, service_point=service_point)
    group.full_clean()
    group.save()
    group.members.set(members)
    group.tags.set(list(tags))
    return group


@transaction.atomic
def group_update(*, group, expected=None, **fields):
    check_not_changed_since(model=Group, pk=group.pk, expected=expected)
    group = Group.objects.select_for_update().get(pk=group.pk)
    old_date = group.created_on
    members, tags = fields.pop("members", None), fields.pop("tags", None)
    for name, value in fields.items():
        setattr(group, name, value)
    if members is not None:
        members = list(members)
        _check_clients(group.station, members, "members")
    if group.leader is not None and group.leader.station_id != group.station_id:
        raise ValidationError({"leader": _("The group leader must work at the group's station.")})
    ensure_month_open(station_id=group.station_id, days=[old_date, group.created_on], field="created_on")
    group.full_clean()
    group.save()
    if members is not None:
        group.members.set(members)
    if tags is not None:
        group.tags.set(list(tags))
    return group


@transaction.atomic
def group_session_record(*, group, held_on, attendance_count, attendees=(), number=None, topic="", notes=""):
    """Record one session (节次) and who came: ``attendance_count`` people, at least the
    registered attendees named."""
    attendees = list(attendees)
    _not_future(held_on, "held_on")
    _check_clients(group.station, attendees, "attendees")
    members = set(group.members.values_list("pk", flat=True))
    strangers = [c.name for c in attendees if c.pk not in members]
    if strangers:
        raise ValidationError({"attendees": _("%(names)s are not members of this group.") % {
            "names": "、".join(strangers)}})
    if attendance_count is None or attendance_count < len(attendees):
        raise ValidationError({"attendance_count": _(
            "The attendance (%(count)s) cannot be less than the %(named)s registered attendees named."
        ) % {"count": attendance_count, "named": len(attendees)}})
    ensure_month_open(station_id=group.station_id, days=[held_on], field="held_on")
    Group.objects.select_for_update().filter(pk=group.pk).first()
    if number is None:
        number = (group.sessions.aggregate(n=Max("number"))["n"] or 0) + 1
    elif group.sessions.filter(number=number).exists():
        raise ValidationError({"number": _("Session %(number)s is already recorded.") % {"number": number}})
    session = GroupSession(group=group, number=number, held_on=held_on, attendance_count=attendance_count,
                           topic=topic, notes=notes)
    session.full_clean()
    session.save()
    session.attendees.set(attendees)
    return session


# ---------------------------------------------------------------------------- activities


def _validate_activity(activity, participants, workers):
    def count_covers_names():
        if activity.participant_count is not None and activity.participant_count < len(participants):
            raise ValidationError({"participant_count": _(
                "The number of participants cannot be less than the %(named)s registered participants named."
            ) % {"named": len(participants)}})

    all_errors(lambda: _not_future(activity.held_on, "held_on"),
               lambda: participants is None or _check_clients(activity.station, participants, "participants"),
               lambda: participants is None or count_covers_names(),
               lambda: workers is None or _check_workers(activity.station, workers))


@transaction.atomic
def activity_record(*, station, held_on, title, kind, participant_count, participants=(), workers=(), tags=(),
                    location="", highlight="", service_point=None):
    participants, workers = list(participants), list(workers)
    activity = Activity(station=station, held_on=held_on, title=title, kind=kind, location=location,
                        participant_count=participant_count, highlight=highlight, service_point=service_point)
    all_errors(lambda: _validate_activity(activity, participants, workers),
               lambda: ensure_month_open(station_id=station.pk, days=[held_on], field="held_on"),
               activity.full_clean)
    activity.save()
    activity.participants.set(participants)
    activity.workers.set(workers)
    activity.tags.set(list(tags))
    return activity


@transaction.atomic
def activity_update(*, activity, expected=None, **fields):
    check_not_changed_since(model=Activity, pk=activity.pk, expected=expected)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    old_date = activity.held_on
    many = {name: fields.pop(name, None) for name in ("participants", "workers", "tags")}
    for name, value in fields.items():
        setattr(activity, name, value)
    participants = list(many["participants"]) if many["participants"] is not None else None
    workers = list(many["workers"]) if many["workers"] is not None else None
    if participants is None:
        participants = list(activity.participants.all())
    all_errors(lambda: _validate_activity(activity, participants, workers),
               lambda: ensure_month_open(station_id=activity.station_id, days=[old_date, activity.held_on],
                                         field="held_on"),
               activity.full_clean)
    activity.save()
    activity.participants.set(participants)
    if workers is not None:
        activity.workers.set(workers)
    if many["tags"] is not None:
        activity.tags.set(list(many["tags"]))
    return activity


# ---------------------------------------------------------------------------- referrals


@transaction.atomic
def referral_create(*, station, client, to_organisation, reason, referred_on=None, case=None):
    referred_on = referred_on or timezone.localdate()
    _not_future(referred_on, "referred_on")
    _check_clients(station, [client], "client")
    if case is not None and case.station_id != station.pk:
        raise ValidationError({"case": _("This record belongs to another station.")})
    ensure_month_open(station_id=station.pk, days=[referred_on], field="referred_on")
    referral = Referral(station=station, client=client, to_organisation=to_organisation, reason=reason,
                        referred_on=referred_on, case=case)
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def referral_update(*, referral, expected=None, **fields):
    check_not_changed_since(model=Referral, pk=referral.pk, expected=expected)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    old_date = referral.referred_on
    for name, value in fields.items():
        setattr(referral, name, value)
    _not_future(referral.referred_on, "referred_on")
    _check_clients(referral.station, [referral.client], "client")
    if referral.status in {ReferralStatus.RESOLVED, ReferralStatus.DECLINED}:
        referral.resolved_on = referral.resolved_on or timezone.localdate()
    else:
        referral.resolved_on = None
    if referral.resolved_on and referral.resolved_on < referral.referred_on:
        raise ValidationError({"resolved_on": _("The resolution date cannot be before the referral date.")})
    ensure_month_open(station_id=referral.station_id, days=[old_date, referral.referred_on], field="referred_on")
    referral.full_clean()
    referral.save()
    return referral


# ---------------------------------------------------------------------------- dispatch

DISPATCHING_ROLES = {Role.BUREAU_ADMIN, Role.BUREAU_STAFF, Role.CENTER_SUPERVISOR}


@transaction.atomic
def dispatch_send(*, user, station, title, deadline, description="", source="grid_report", client=None,
                  sent_on=None):
    """The guidance center or the bureau sends a task to a station with a deadline."""
    staff = _staff_of(user)
    if staff is None or staff.role not in DISPATCHING_ROLES:
        raise ValidationError(_("Only the guidance center or the bureau can dispatch tasks."))
    sent_on = sent_on or timezone.localdate()
    if deadline is None or deadline < sent_on:
        raise ValidationError({"deadline": _("The deadline cannot be before the dispatch date.")})
    if client is not None:
        _check_clients(station, [client], "client")
    ensure_month_open(station_id=station.pk, days=[sent_on], field="sent_on")
    dispatch = Dispatch(station=station, title=title, description=description, deadline=deadline, source=source,
                        client=client, sent_on=sent_on, issued_by=staff.organisation, sent_by=user)
    dispatch.full_clean()
    dispatch.save()
    return dispatch


@transaction.atomic
def activity_photo_consent(*, photo, may_publish: bool, shows_children: bool):
    """Record whether the photo may be published (the people in it agreed) and whether it shows
    children — a photo of children can never be marked publishable (``ActivityPhoto.clean``)."""
    photo = ActivityPhoto.objects.select_for_update().get(pk=photo.pk)
    photo.may_publish, photo.shows_children = may_publish, shows_children
    photo.full_clean()
    photo.save(update_fields=["may_publish", "shows_children"])
    return photo


@transaction.atomic
def activity_photo_add(*, activity, file, may_publish=False, shows_children=False):
    """A photo of ``activity``; "may be published" only with consent, never for a photo of children."""
    photo = ActivityPhoto(activity=activity, file=file, may_publish=may_publish, shows_children=shows_children)
    photo.full_clean()
    photo.save()
    return photo


def _station_side(user, dispatch):
    staff = _staff_of(user)
    if staff is None or staff.station_id != dispatch.station_id:
        raise ValidationError(_("Only the staff of %(station)s can act on this dispatch.") % {
            "station": dispatch.station})
    return staff


@transaction.atomic
def dispatch_accept(*, dispatch, user, on=None):
    dispatch = Dispatch.objects.select_for_update().select_related("station").get(pk=dispatch.pk)
    staff = _station_side(user, dispatch)
    if dispatch.status != DispatchStatus.SENT:
        raise ValidationError(_("This dispatch has already been accepted."))
    on = on or timezone.localdate()
    ensure_month_open(station_id=dispatch.station_id, days=[dispatch.sent_on], field="sent_on")
    dispatch.status, dispatch.accepted_on, dispatch.accepted_by = DispatchStatus.ACCEPTED, on, staff
    dispatch.save()
    return dispatch


@transaction.atomic
def dispatch_report_back(*, dispatch, user, report, on=None):
    dispatch = Dispatch.objects.select_for_update().select_related("station").get(pk=dispatch.pk)
    staff = _station_side(user, dispatch)
    if dispatch.status not in {DispatchStatus.SENT, DispatchStatus.ACCEPTED}:
        raise ValidationError(_("This dispatch has already been reported back."))
    if not report.strip():
        raise ValidationError({"report": _("Describe what the station did.")})
    on = on or timezone.localdate()
    ensure_month_open(station_id=dispatch.station_id, days=[dispatch.sent_on], field="sent_on")
    if dispatch.status == DispatchStatus.SENT:
        dispatch.accepted_on, dispatch.accepted_by = on, staff
    dispatch.status, dispatch.reported_on, dispatch.report = DispatchStatus.REPORTED, on, report
    dispatch.save()
    return dispatch


@transaction.atomic
def dispatch_close(*, dispatch, user):
    """The sender confirms the report back and closes the task."""
    dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    staff = _staff_of(user)
    if staff is None or staff.role not in DISPATCHING_ROLES:
        raise ValidationError(_("Only the guidance center or the bureau can close a dispatch."))
    if dispatch.status != DispatchStatus.REPORTED:
        raise ValidationError(_("Only a dispatch that has been reported back can be closed."))
    dispatch.status = DispatchStatus.CLOSED
    dispatch.save()
    return dispatch


# ---------------------------------------------------------------------------- monthly reports


def _log(report, action, user, comment=""):
    MonthlyReportEvent.objects.create(report=report, action=action, by=user, comment=comment)


@transaction.atomic
def monthly_report_submit(*, station, month, user, summary="", now=None):
    """The station head submits the station's month (once it is over)."""
    staff = _staff_of(user)
    if staff is None or staff.role != Role.STATION_HEAD or staff.station_id != station.pk:
        raise ValidationError(_("Only the head of %(station)s can submit its monthly report.") % {"station": station})
    now = now or timezone.now()
    month = month_start(month)
    if month >= month_start(timezone.localtime(now).date()):
        raise ValidationError({"month": _("A month can be reported once it is over.")})
    report, _created = MonthlyReport.objects.select_for_update().get_or_create(station=station, month=month)
    if report.status not in {MonthlyReportStatus.DRAFT, MonthlyReportStatus.RETURNED, MonthlyReportStatus.REOPENED}:
        raise ValidationError(_("This monthly report is %(status)s and cannot be submitted again.") % {
            "status": report.get_status_display()})
    if report.on_time is None:
        report.on_time = timezone.localtime(now).date() <= report_deadline(month)
    report.status, report.summary = MonthlyReportStatus.SUBMITTED, summary
    report.submitted_at, report.submitted_by = now, user
    report.save()
    _log(report, MonthlyReportAction.SUBMIT, user)
    return report


@transaction.atomic
def monthly_report_review(*, report, user, passed, comment=""):
    """The guidance center passes the report or returns it with a comment."""
    staff = _staff_of(user)
    if staff is None or staff.role != Role.CENTER_SUPERVISOR:
        raise ValidationError(_("Only the guidance center reviews monthly reports."))
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.status != MonthlyReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted monthly report can be reviewed."))
    if not passed and not comment.strip():
        raise ValidationError({"comment": _("Say what needs to be corrected.")})
    report.status = MonthlyReportStatus.REVIEWED if passed else MonthlyReportStatus.RETURNED
    report.reviewed_at, report.comment = timezone.now(), comment
    report.save()
    _log(report, MonthlyReportAction.PASS if passed else MonthlyReportAction.RETURN, user, comment)
    return report


BUREAU_ROLES = {Role.BUREAU_ADMIN, Role.BUREAU_STAFF}


@transaction.atomic
def monthly_report_approve(*, report, user, comment=""):
    """The bureau approves a reviewed report: the station's month is locked."""
    staff = _staff_of(user)
    if staff is None or staff.role not in BUREAU_ROLES:
        raise ValidationError(_("Only the bureau approves monthly reports."))
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.status != MonthlyReportStatus.REVIEWED:
        raise ValidationError(_("Only a report that the guidance center has reviewed can be approved."))
    report.status, report.approved_at, report.comment = MonthlyReportStatus.APPROVED, timezone.now(), comment
    report.save()
    _log(report, MonthlyReportAction.APPROVE, user, comment)
    return report


@transaction.atomic
def monthly_report_reopen(*, report, user, reason):
    """The bureau reopens a locked month so that its records can be corrected; logged."""
    staff = _staff_of(user)
    if staff is None or staff.role not in BUREAU_ROLES:
        raise ValidationError(_("Only the bureau can reopen a locked month."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening the month.")})
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.status != MonthlyReportStatus.APPROVED:
        raise ValidationError(_("Only an approved (locked) month can be reopened."))
    report.status, report.comment = MonthlyReportStatus.REOPENED, reason
    report.save()
    _log(report, MonthlyReportAction.REOPEN, user, reason)
    return report


def previous_month(day=None):
    day = day or timezone.localdate()
    return month_start(month_start(day) - datetime.timedelta(days=1))


# ---------------------------------------------------------------------------- volunteers


@transaction.atomic
def volunteer_save(*, volunteer: Volunteer, expected=None):
    """Register or edit a volunteer (志愿者) of a station."""
    check_not_changed_since(model=Volunteer, pk=volunteer.pk, expected=expected)
    volunteer.full_clean()
    volunteer.save()
    return volunteer


@transaction.atomic
def volunteer_deactivate(*, volunteer: Volunteer):
    """A volunteer who no longer serves: kept with their service, offered no more."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if not volunteer.is_active:
        raise ValidationError(_("This volunteer is already inactive."))
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])
    return volunteer


@transaction.atomic
def volunteer_service_save(*, service: VolunteerService, expected=None):
    """Record or correct a volunteer's service (志愿服务): on one day, 0.1 to 24 hours, at most one
    activity, group session or visit of the volunteer's station. The station is the
    volunteer's; its month, once approved, is locked like every record's."""
    check_not_changed_since(model=VolunteerService, pk=service.pk, expected=expected)
    old = VolunteerService.objects.filter(pk=service.pk).values_list("served_on", flat=True).first() \
        if service.pk else None
    if service.volunteer_id:
        service.station_id = service.volunteer.station_id

    def active_volunteer():
        if service.volunteer_id and not service.pk and not service.volunteer.is_active:
            raise ValidationError({"volunteer": _("%(name)s is no longer an active volunteer.") % {
                "name": service.volunteer.name}})

    def month_open():
        if service.station_id and service.served_on:
            ensure_month_open(station_id=service.station_id, days=[d for d in (old, service.served_on) if d],
                              field="served_on")

    all_errors(active_volunteer, month_open, lambda: service.full_clean(exclude=["station"]))
    service.save()
    return service
