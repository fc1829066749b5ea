"""Writes of the client registry. Every rule about a registered person lives here."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.locking import check_not_changed_since
from portal.scoping import scope_for

from . import idnumbers
from .choices import CATEGORY_SUBTYPES, Category, ClientStatus, Relationship, RiskLevel
from .models import (
    Assessment,
    CategoryMembership,
    Client,
    Household,
    PolicyCategory,
    ScreeningCampaign,
    ScreeningRecord,
    VisitInterval,
)

# Defaults when a county has not configured its own (SPEC §2, issue "dynamic monitoring").
DEFAULT_INTERVALS = {
    ("", RiskLevel.HIGH): 7,
    (Category.EXTREME_POVERTY, ""): 30,
    (Category.CHILDREN_IN_DISTRESS, ""): 30,
    (Category.SUBSISTENCE_ALLOWANCE, ""): 90,
}
DEFAULT_DAYS = 180
CLIENT_EDITABLE = ("name", "phone", "address", "village", "service_point", "household", "relationship", "worker")


def county_intervals(county_id):
    """{(category, risk_level): days} for a county, or the defaults if it configured none."""
    return {**DEFAULT_INTERVALS, **{
        (row.category, row.risk_level): row.days for row in VisitInterval.objects.filter(county_id=county_id)
    }}


def visit_interval_days(*, client, on=None, intervals=None):
    """The shortest interval among the client's current categories and risk level."""
    on = on or datetime.date.today()
    configured = intervals if intervals is not None else county_intervals(client.station.county_id)
    candidates = [configured.get(("", client.risk_level))]
    for membership in client.categories.all():
        if membership.is_held_on(on):
            if membership.policy_category_id:  # a county's own category: its own interval
                candidates.append(membership.policy_category.visit_days)
            else:
                candidates.append(configured.get((membership.category, ""), DEFAULT_DAYS))
    candidates = [days for days in candidates if days]
    return min(candidates) if candidates else DEFAULT_DAYS


def _next_due(client, intervals=None):
    if client.last_visit_on is None:
        return client.registered_on  # never visited: due from registration
    days = visit_interval_days(client=client, on=client.last_visit_on, intervals=intervals)
    return client.last_visit_on + datetime.timedelta(days=days)


@transaction.atomic
def client_monitoring_update(
    *, client: Client, last_contact_on: datetime.date | None, risk_level: str | None = None
) -> Client:
    """Move the monitoring fields (last visit, next visit due, current risk) after a visit
    is saved, edited or moved. The caller (the services app) passes the date of the
    client's latest visit as it now stands, so an edited or late-entered visit is handled
    the same way as a new one. Clients never imports services."""
    client = Client.objects.select_for_update().select_related("station").get(pk=client.pk)
    if risk_level:
        client.risk_level = risk_level
    client.last_visit_on = last_contact_on
    client.next_visit_due = _next_due(client)
    client.save(update_fields=["risk_level", "last_visit_on", "next_visit_due", "updated_at"])
    return client


def client_follow_up_set(*, client: Client, due_on: datetime.date | None) -> None:
    """Record the client's earliest open follow-up (or none): the services app calls this
    whenever a follow-up is promised, planned, moved or answered. Clients never imports services."""
    Client.objects.filter(pk=client.pk).update(follow_up_on=due_on)


@transaction.atomic
def client_monitoring_refresh(*, last_contacts: dict) -> int:
    """Bulk form of ``client_monitoring_update`` for loaders (demo, migrations of old data):
    ``last_contacts`` maps client id to the date of their latest visit. Returns rows updated."""
    clients = list(Client.objects.filter(pk__in=list(last_contacts)).select_related("station")
                   .prefetch_related("categories__policy_category"))
    by_county = {}
    for client in clients:
        intervals = by_county.setdefault(client.station.county_id, county_intervals(client.station.county_id))
        client.last_visit_on = last_contacts[client.pk]
        client.next_visit_due = _next_due(client, intervals)
    Client.objects.bulk_update(clients, ["last_visit_on", "next_visit_due"], batch_size=1000)
    return len(clients)


def _check_station_allowed(user, station):
    if user is not None and not scope_for(user).allows_station(station.pk):
        raise ValidationError({"station": _("Choose one of your own stations.")})


def check_not_registered(id_number, *, user=None, exclude_pk=None):
    """One registration per ID number in the county: say where, but only if the user may see it."""
    existing = Client.objects.filter(id_number=id_number).exclude(pk=exclude_pk).select_related("station").first()
    if existing is None:
        return
    if user is not None and scope_for(user).allows_station(existing.station_id):
        raise ValidationError(
            {"id_number": gettext("This person is already registered (%(name)s, %(station)s).")
             % {"name": existing.name, "station": existing.station.short_name}},
            code="duplicate",
        )
    raise ValidationError(
        {"id_number": _("This person is already registered at another station. Ask the bureau to transfer "
                        "the record instead of registering them again.")},
        code="duplicate_elsewhere",
    )


def normalise_id_number(raw):
    try:
        return idnumbers.normalise(raw)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from error


def _check_household(client, household, relationship):
    if household is None:
        return
    if household.station_id != client.station_id:
        raise ValidationError({"household": _("The household belongs to another station.")})
    if relationship == Relationship.HEAD and household.members.filter(relationship=Relationship.HEAD).exclude(
        pk=client.pk
    ).exists():
        raise ValidationError({"relationship": _("This household already has a head.")})


@transaction.atomic
def client_register(
    *, station, name, id_number, user=None, phone="", address="", village="", household=None, relationship="",
    worker=None, registered_on=None, categories=(), service_point=None,
) -> Client:
    """Register a person (建档). ``categories`` is a list of dicts for ``category_add``."""
    _check_station_allowed(user, station)
    number = normalise_id_number(id_number)
    check_not_registered(number, user=user)
    client = Client(
        station=station, name=(name or "").strip(), id_number=number, phone=(phone or "").strip(),
        address=address, village=village, household=household, relationship=relationship if household else "",
        worker=worker, registered_on=registered_on or timezone.localdate(), service_point=service_point,
    )
    client.fill_derived_fields()
    if worker is not None and worker.station_id != station.pk:
        raise ValidationError({"worker": _("The responsible worker must work at the client's station.")})
    _check_household(client, household, relationship)
    client.next_visit_due = client.registered_on
    client.full_clean()
    client.save()
    for membership in categories:
        category_add(client=client, **membership)
    return client


@transaction.atomic
def client_update(*, client: Client, expected=None, user=None, **fields) -> Client:
    """Save changes to a person; ``expected`` (the values the editor read) refuses a save
    based on a record someone else has changed since (the optimistic lock)."""
    check_not_changed_since(model=Client, pk=client.pk, expected=expected)
    current = Client.objects.select_for_update().get(pk=client.pk)
    unknown = set(fields) - set(CLIENT_EDITABLE) - {"id_number", "station"}
    if unknown:
        raise TypeError(f"client_update() got unexpected fields {sorted(unknown)}")
    if "station" in fields and fields["station"] != current.station:
        _check_station_allowed(user, fields["station"])
        current.station = fields.pop("station")
    else:
        fields.pop("station", None)
    if "id_number" in fields:
        number = normalise_id_number(fields.pop("id_number"))
        if number != current.id_number:
            check_not_registered(number, user=user, exclude_pk=current.pk)
            current.id_number = number
    for name, value in fields.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    if current.household is None:
        current.relationship = ""
    if current.worker is not None and current.worker.station_id != current.station_id:
        raise ValidationError({"worker": _("The responsible worker must work at the client's station.")})
    _check_household(current, current.household, current.relationship)
    current.fill_derived_fields()
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def client_close(*, client: Client, reason: str, closed_on=None, note="") -> Client:
    """Close a record (销档). Records are never deleted; open memberships end on the closing date."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.status == ClientStatus.CLOSED:
        raise ValidationError(_("This record is already closed."))
    closed_on = closed_on or timezone.localdate()
    if not reason:
        raise ValidationError({"close_reason": _("Choose why the record is closed.")})
    if closed_on < client.registered_on:
        raise ValidationError({"closed_on": _("The closing date cannot be before the registration date.")})
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})
    client.status, client.close_reason, client.closed_on, client.close_note = ClientStatus.CLOSED, reason, closed_on, note
    client.save()
    for membership in client.categories.filter(end_on__isnull=True):
        membership.end_on = max(closed_on, membership.start_on)
        membership.save(update_fields=["end_on"])
    return client


def validate_membership(*, client, category, subtype="", disability_type="", disability_grade=None, start_on=None):
    """The category rules, shared by the form, the API and the roster import."""
    errors = {}
    allowed = CATEGORY_SUBTYPES.get(category, [])
    if subtype and subtype not in allowed:
        errors["subtype"] = _("This subtype does not belong to the chosen category.")
    if category == Category.CHILDREN_IN_DISTRESS and client.age_on(start_on or timezone.localdate()) >= 18:
        errors["category"] = _("Only people under 18 can be registered as children in distress.")
    if category == Category.DISABILITY:
        if not disability_type:
            errors["disability_type"] = _("Enter the type of disability.")
        if not disability_grade:
            errors["disability_grade"] = _("Enter the disability grade.")
    elif disability_type or disability_grade:
        errors["disability_type"] = _("Disability type and grade belong to the disability category only.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def category_add(
    *, client, category="", start_on=None, subtype="", disability_type="", disability_grade=None, end_on=None,
    policy_category=None,
) -> CategoryMembership:
    """Add a dated category membership (a person may hold several categories at once): one of
    SPEC's seven, or one of the county's own (``policy_category``, counted as the key it maps to)."""
    if policy_category is not None:
        if policy_category.county_id != client.station.county_id or not policy_category.is_active:
            raise ValidationError({"policy_category": _("Choose one of the county's active policy categories.")})
        if client.categories.filter(policy_category=policy_category).filter(
                Q(end_on__isnull=True) | Q(end_on__gte=start_on or timezone.localdate())).exists():
            raise ValidationError({"policy_category": _("This person already holds this category in that period.")})
        category = policy_category.maps_to
    elif not category:
        raise ValidationError({"category": _("Choose a category.")})
    start_on = start_on or timezone.localdate()
    validate_membership(client=client, category=category, subtype=subtype, disability_type=disability_type,
                        disability_grade=disability_grade, start_on=start_on)
    if start_on < client.birth_date:
        raise ValidationError({"start_on": _("The start date cannot be before the date of birth.")})
    same = client.categories.filter(category=category, policy_category=policy_category)
    if policy_category is None and (same.filter(end_on__isnull=True).exists()
                                    or same.filter(end_on__gte=start_on).exists()):
        raise ValidationError({"category": _("This person already holds this category in that period.")})
    membership = CategoryMembership(
        client=client, category=category, subtype=subtype or "", disability_type=disability_type or "",
        disability_grade=disability_grade or None, start_on=start_on, end_on=end_on, policy_category=policy_category,
    )
    membership.full_clean()
    membership.save()
    _refresh_due(client)
    return membership


@transaction.atomic
def policy_category_save(*, category, expected=None) -> PolicyCategory:
    """Add or change a county's own category; a changed interval moves its members' due dates."""
    check_not_changed_since(model=PolicyCategory, pk=category.pk, expected=expected)
    if not (category.name or "").strip():
        raise ValidationError({"name": _("Give the category a name.")})
    if category.name.strip() in {str(label) for label in Category.labels} | {
            "低保", "特困", "困境儿童", "残疾人", "留守老人", "空巢老人", "其他困难群体"}:
        raise ValidationError({"name": _("This is one of the standard categories already.")})
    if not category.visit_days or not 1 <= category.visit_days <= 366:
        raise ValidationError({"visit_days": _("Enter a number of days between 1 and 366.")})
    if PolicyCategory.objects.filter(county=category.county, name=category.name.strip()).exclude(
            pk=category.pk).exists():
        raise ValidationError({"name": _("The county already has a category of this name.")})
    category.name = category.name.strip()
    category.full_clean()
    category.save()
    members = Client.objects.active().filter(categories__policy_category=category).distinct()
    client_monitoring_refresh(last_contacts=dict(members.values_list("pk", "last_visit_on")))
    return category


@transaction.atomic
def category_end(*, membership: CategoryMembership, end_on=None) -> CategoryMembership:
    end_on = end_on or timezone.localdate()
    if membership.end_on is not None:
        raise ValidationError(_("This membership has already ended."))
    if end_on < membership.start_on:
        raise ValidationError({"end_on": _("The end date cannot be before the start date.")})
    membership.end_on = end_on
    membership.save(update_fields=["end_on"])
    _refresh_due(membership.client)
    return membership


def _refresh_due(client):
    client = Client.objects.select_related("station").get(pk=client.pk)
    due = _next_due(client)
    if due != client.next_visit_due:
        Client.objects.filter(pk=client.pk).update(next_visit_due=due)


@transaction.atomic
def household_create(*, station, user=None, address="", village="", in_distress=False, notes="", head=None) -> Household:
    """Create a household (家庭户), optionally with its head."""
    _check_station_allowed(user, station)
    household = Household(station=station, address=address, village=village, in_distress=in_distress, notes=notes)
    household.full_clean()
    household.save()
    if head is not None:
        household_add_member(household=household, client=head, relationship=Relationship.HEAD)
    return household


@transaction.atomic
def household_update(*, household, expected=None, **fields) -> Household:
    check_not_changed_since(model=Household, pk=household.pk, expected=expected)
    for name, value in fields.items():
        setattr(household, name, value)
    household.full_clean()
    household.save()
    return household


@transaction.atomic
def household_add_member(*, household: Household, client: Client, relationship: str) -> Client:
    if not relationship:
        raise ValidationError({"relationship": _("Choose the relationship to the head of household.")})
    _check_household(client, household, relationship)
    client.household, client.relationship = household, relationship
    client.save(update_fields=["household", "relationship", "updated_at"])
    return client


@transaction.atomic
def assessment_record(
    *, client, risk_level, assessed_on=None, assessor=None, living_condition="", needs="", notes=""
) -> Assessment:
    """Record a needs assessment (需求评估); the latest one sets the client's risk and visit rhythm."""
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The assessment date cannot be in the future.")})
    if assessed_on < client.registered_on:
        raise ValidationError({"assessed_on": _("The assessment date cannot be before the registration date.")})
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": _("Choose a risk level.")})
    assessment = Assessment(client=client, assessed_on=assessed_on, assessor=assessor, risk_level=risk_level,
                            living_condition=living_condition, needs=needs, notes=notes)
    assessment.full_clean()
    assessment.save()
    latest = client.assessments.order_by("-assessed_on", "-id").first()
    if latest.pk == assessment.pk:
        Client.objects.filter(pk=client.pk).update(risk_level=risk_level)
        _refresh_due(client)
    return assessment


@transaction.atomic
def screening_campaign_create(*, county, name, stations, start_on, end_on, notes="") -> ScreeningCampaign:
    """Open a screening campaign (大排查) over some stations of a county."""
    campaign = ScreeningCampaign(county=county, name=name, start_on=start_on, end_on=end_on, notes=notes)
    campaign.full_clean()
    if not stations:
        raise ValidationError({"stations": _("Choose at least one station.")})
    if any(station.county_id != county.pk for station in stations):
        raise ValidationError({"stations": _("Every station must be in the campaign's county.")})
    campaign.save()
    campaign.stations.set(stations)
    return campaign


@transaction.atomic
def screening_campaign_update(*, campaign, stations, expected=None, **fields) -> ScreeningCampaign:
    check_not_changed_since(model=ScreeningCampaign, pk=campaign.pk, expected=expected)
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.full_clean()
    if not stations:
        raise ValidationError({"stations": _("Choose at least one station.")})
    if any(station.county_id != campaign.county_id for station in stations):
        raise ValidationError({"stations": _("Every station must be in the campaign's county.")})
    campaign.save()
    campaign.stations.set(stations)
    return campaign


@transaction.atomic
def visit_interval_save(*, interval, county, category="", risk_level="", days, expected=None) -> VisitInterval:
    """Set a county's visit interval for a category or a risk level (动态监测频次)."""
    check_not_changed_since(model=VisitInterval, pk=interval.pk, expected=expected)
    existing = VisitInterval.objects.filter(county=county, category=category or "", risk_level=risk_level or "")
    if interval.pk:
        existing = existing.exclude(pk=interval.pk)
    if existing.exists():
        raise ValidationError(_("This county already has an interval for that category or risk level."))
    interval.county, interval.category, interval.risk_level, interval.days = county, category or "", risk_level or "", days
    interval.full_clean()
    interval.save()
    # The rhythm changed: every active client of the county gets a new due date.
    active = Client.objects.active().filter(station__county=county)
    client_monitoring_refresh(last_contacts=dict(active.values_list("pk", "last_visit_on")))
    return interval


@transaction.atomic
def screening_record(
    *, campaign, client, result, screened_on=None, screener=None, living_condition="", risk_level="", needs="",
    expected=None,
) -> ScreeningRecord:
    """Record (or correct) what the campaign found about one covered client."""
    screened_on = screened_on or timezone.localdate()
    if not campaign.stations.filter(pk=client.station_id).exists():
        raise ValidationError({"client": _("This client's station is not covered by the campaign.")})
    if not campaign.start_on <= screened_on <= campaign.end_on:
        raise ValidationError({"screened_on": _("The screening date must fall within the campaign period.")})
    if result == ScreeningRecord.Result.NOT_FOUND and risk_level:
        raise ValidationError({"risk_level": _("A person who was not found cannot be given a risk level.")})
    record = ScreeningRecord.objects.filter(campaign=campaign, client=client).first() or ScreeningRecord(
        campaign=campaign, client=client
    )
    check_not_changed_since(model=ScreeningRecord, pk=record.pk, expected=expected)
    record.screened_on, record.screener, record.result = screened_on, screener, result
    record.living_condition, record.risk_level, record.needs = living_condition, risk_level, needs
    record.full_clean()
    raised = _raise_risk_from_screening(record) if risk_level == RiskLevel.HIGH else None
    if raised is not None:
        record.raised_risk_from, record.visit_brought_forward_to = raised
    record.save()
    return record


RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


def _raise_risk_from_screening(record):
    """Screening feeds monitoring: a high-risk finding raises the client's risk level and brings
    the next visit forward to the high-risk interval from the screening date. Returns (the risk
    level before, the new due date), or None when the finding changes nothing."""
    client = Client.objects.select_for_update().select_related("station").get(pk=record.client_id)
    if not client.is_active:
        return None
    before = client.risk_level
    client.risk_level = RiskLevel.HIGH
    days = visit_interval_days(client=client, on=record.screened_on)
    due = record.screened_on + datetime.timedelta(days=days)
    if RISK_ORDER.get(before, 0) >= RISK_ORDER[RiskLevel.HIGH] and client.next_visit_due and client.next_visit_due <= due:
        return None  # already high and due as soon: nothing to raise or bring forward
    if client.next_visit_due is None or due < client.next_visit_due:
        client.next_visit_due = due
    client.save(update_fields=["risk_level", "next_visit_due", "updated_at"])
    return before, client.next_visit_due


def roster_import(*, user, file, commit: bool):
    """Check (and with ``commit``, import) an .xlsx roster from the assistance system.

    All or nothing: with any row in error nothing is written. Returns a
    ``clients.roster.RosterResult`` listing each row's verdict."""
    from . import roster

    return roster.run(user=user, file=file, commit=commit)
