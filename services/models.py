"""What the stations do: visits, resource links, casework, group work, community
activities, campaign tags, referrals, dispatches, and the monthly reporting workflow that
locks a station's month once the bureau approves it."""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.choices import Category, Gender, RiskLevel
from clients.models import Client
from partners.choices import HelpKind
from partners.models import Partner
from portal.history import AuditHistory
from portal.scoping import ScopedQuerySet
from portal.urls import url_with_id
from stations.models import Organisation, ServicePoint, Staff, Station, check_service_point

from .choices import (
    DISPATCH_OPEN,
    ActivityKind,
    CaseClosureReason,
    CaseEventKind,
    CasePlanStatus,
    CaseStage,
    DispatchSource,
    DispatchStatus,
    MonthlyReportAction,
    MonthlyReportStatus,
    ReferralStatus,
    ResourceKind,
    SourceKind,
    VisitKind,
    VolunteerKind,
)


class CampaignTag(models.Model):
    """A campaign label ("五社联动", "千站暖万家" …) that visits, groups and activities carry."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = AuditHistory()

    class Meta:
        ordering = ["name"]
        verbose_name = _("campaign tag")
        verbose_name_plural = _("campaign tags")

    def __str__(self):
        return self.name


def tags_listed_prefetch():
    """A visit's campaign tags into ``tag_list`` (read with ``Visit.tags_listed()``)."""
    return models.Prefetch("tags", queryset=CampaignTag.objects.only("id", "name").order_by("name"), to_attr="tag_list")


def workers_listed_prefetch():
    """A visit's workers into ``worker_list`` (read with ``Visit.workers_listed()``)."""
    return models.Prefetch("workers", queryset=Staff.objects.only("id", "name").order_by("name", "pk"),
                           to_attr="worker_list")


class ListedName(NamedTuple):
    """A worker or a campaign tag as a list shows one: its id and name."""

    pk: int
    name: str

    def __str__(self):
        return self.name


def _attach_names(rows, relation, to_attr):
    """The names behind a many-to-many ``relation`` of ``rows`` (a fetched page) read in one
    query over the link table into each row's ``to_attr`` (``ListedName``s in name order):
    prefetching built a queryset per row and a model instance per name, most of a 50-row page's
    time (bench row ``visits_list_page``; the city viewer's /services/activities/ in the crawl)."""
    if not rows:
        return
    field = type(rows[0])._meta.get_field(relation)
    own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
    by_row = defaultdict(list)
    links = (field.remote_field.through.objects.filter(**{f"{own}_id__in": [row.pk for row in rows]})
             .order_by(f"{other}__name", f"{other}_id").values_list(f"{own}_id", f"{other}_id", f"{other}__name"))
    for row_id, other_id, name in links:
        by_row[row_id].append(ListedName(other_id, name))
    for row in rows:
        setattr(row, to_attr, by_row.get(row.pk, []))


def attach_tag_lists(rows):
    """The campaign tags of ``rows`` (a page of a model with ``tags``) into ``tag_list``, read
    with ``tags_listed()``; list pages run it on their page's rows (``prepare_rows``)."""
    _attach_names(rows, "tags", "tag_list")


def attach_worker_lists(visits):
    """The workers of ``visits`` (a page) into ``worker_list``, read with
    ``Visit.workers_listed()`` (which falls back to the relation elsewhere). List pages and the
    API run it on their page's rows (``prepare_rows``)."""
    _attach_names(visits, "workers", "worker_list")


class VisitQuerySet(ScopedQuerySet):
    def for_listing(self, tags=True):
        """Client and station joined; campaign tags (unless ``tags=False``) into ``tag_list``
        (read with ``tags_listed()``). The page's workers come from ``attach_worker_lists``."""
        queryset = self.select_related("client", "station")
        if tags:
            queryset = queryset.prefetch_related(tags_listed_prefetch())
        return queryset


def validate_need_kinds(value):
    """A visit's ``need_kinds``: a list of kinds of help, each once."""
    if not isinstance(value, list) or any(not isinstance(v, str) or v not in HelpKind.values for v in value):
        raise ValidationError(_("Choose kinds of help from the list."))
    if len(set(value)) != len(value):
        raise ValidationError(_("A kind of help is chosen twice."))


class Visit(models.Model):
    """A visit (探访 / 走访慰问) to exactly one registered client."""
    month_field = "visited_on"  # its month, once approved (locked), refuses edits (ensure_month_open)

    scope_field = "station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="visits")
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="visits")
    service_point = models.ForeignKey(ServicePoint, verbose_name=_("service point"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("visit date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices, default=VisitKind.HOME_VISIT)
    workers = models.ManyToManyField(Staff, verbose_name=_("workers"), related_name="visits", blank=True)
    # capped at input (forms and the API take max_length from here): a visit note, not a book
    findings = models.TextField(_("what was found"), max_length=5000, blank=True)
    needs = models.TextField(_("needs"), max_length=5000, blank=True)
    # the kinds of help the visit found needed (a list of HelpKind values): the open-needs page
    # lists those no resource link of that kind has met since
    need_kinds = models.JSONField(_("kinds of help needed"), default=list, blank=True,
                                  validators=[validate_need_kinds])
    risk_level = models.CharField(_("risk update"), max_length=8, choices=RiskLevel.choices, blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    tags = models.ManyToManyField(CampaignTag, verbose_name=_("campaign tags"), related_name="visits", blank=True)
    # Visits saved together from one outing share this key (empty for a single visit).
    outing = models.CharField(_("outing"), max_length=32, blank=True, db_index=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VisitQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["station", "visited_on"], name="visit_station_date_idx"),
            models.Index(fields=["client", "visited_on"], name="visit_client_date_idx"),
            models.Index(fields=["-visited_on", "-id"], name="visit_keyset_idx"),
            # the visits that found a need (open needs, ``services.needs``): a county's year of
            # visits was read by station and filtered on ``need_kinds`` (200,000 rows, 34-43 ms
            # at city scale) to keep the few that name a kind of help
            models.Index(fields=["station", "visited_on", "id"], name="visit_needs_idx",
                         condition=~models.Q(need_kinds=[])),
        ]

    def __str__(self):
        return f"{self.client} {self.visited_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return url_with_id("services:visit_detail", self.pk)

    @property
    def need_kinds_display(self):
        labels = dict(HelpKind.choices)
        return "、".join(str(labels.get(kind, kind)) for kind in self.need_kinds or [])

    def workers_listed(self):
        return self.worker_list if hasattr(self, "worker_list") else list(self.workers.all())

    def tags_listed(self):
        return self.tag_list if hasattr(self, "tag_list") else list(self.tags.all())

    def clean(self):
        check_service_point(self)
        if self.visited_on and self.visited_on > timezone.localdate():
            raise ValidationError({"visited_on": _("The visit date cannot be in the future.")})
        if self.follow_up_on and self.visited_on and self.follow_up_on < self.visited_on:
            raise ValidationError({"follow_up_on": _("The follow-up date cannot be before the visit date.")})


class FollowUpQuerySet(ScopedQuerySet):
    def open(self):
        """Not yet answered by a visit."""
        return self.filter(answered_on__isnull=True)


class FollowUp(models.Model):
    """A follow-up (跟进): a date a visit promised to come back, or a visit the worker or the
    station head planned. It shows in "my day" and the worklist until a visit of the client
    answers it (``services.visit_record``)."""

    scope_field = "station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="follow_ups")
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="follow_ups")
    due_on = models.DateField(_("due on"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices, default=VisitKind.HOME_VISIT)
    note = models.CharField(_("note"), max_length=200, blank=True)
    worker = models.ForeignKey(Staff, verbose_name=_("worker"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="follow_ups")
    # the visit that promised it (empty for a planned visit)
    promised_by = models.ForeignKey(Visit, verbose_name=_("promised by visit"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="follow_ups_promised", editable=False)
    answered_by = models.ForeignKey(Visit, verbose_name=_("answered by visit"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="follow_ups_answered", editable=False)
    answered_on = models.DateField(_("answered on"), null=True, blank=True, editable=False)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["station", "answered_on", "due_on"], name="followup_open_idx")]

    def __str__(self):
        return f"{self.client} {self.due_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return url_with_id("services:followup_detail", self.pk)

    @property
    def is_open(self):
        return self.answered_on is None

    @property
    def is_overdue(self):
        return self.is_open and self.due_on < timezone.localdate()

    def log_visit_url(self):
        """The visit form, pre-filled for this follow-up (client, date, kind)."""
        return visit_form_url(client_id=self.client_id, kind=self.kind, follow_up=self.pk)


def visit_form_url(*, client_id, kind="", follow_up=None):
    """The visit form pre-filled with one client (and the kind, and the follow-up it answers)."""
    from urllib.parse import urlencode

    query = {"client": client_id, "visited_on": timezone.localdate().isoformat()}
    if kind:
        query["kind"] = kind
    if follow_up:
        query["follow_up"] = follow_up
    return f"{reverse('services:visit_add')}?{urlencode(query)}"


class Case(models.Model):
    """A casework file (个案) moving through 接案 → 预估 → 计划 → 介入 → 评估 → 结案."""
    month_field = "intake_on"  # its month, once approved (locked), refuses edits (ensure_month_open)

    scope_field = "station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("title"), max_length=100)
    intake_on = models.DateField(_("intake date"), default=timezone.localdate)
    stage = models.CharField(_("stage"), max_length=14, choices=CaseStage.choices, default=CaseStage.INTAKE,
                             db_index=True)
    manager = models.ForeignKey(Staff, verbose_name=_("case manager"), on_delete=models.PROTECT, related_name="cases")
    clients = models.ManyToManyField(Client, verbose_name=_("clients"), related_name="cases")
    problem = models.TextField(_("presenting problem"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    closed_on = models.DateField(_("closing date"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=16, choices=CaseClosureReason.choices,
                                      blank=True)
    closure_note = models.TextField(_("closure summary"), blank=True)
    # The plan (goals, tasks) and its approval; a closure asked for and awaiting approval.
    plan_status = models.CharField(_("plan"), max_length=10, choices=CasePlanStatus.choices,
                                   default=CasePlanStatus.DRAFT)
    plan_review_on = models.DateField(_("plan review date"), null=True, blank=True)
    closure_requested_on = models.DateField(_("closure requested on"), null=True, blank=True, editable=False)
    requested_closure_reason = models.CharField(_("requested closure reason"), max_length=16,
                                                choices=CaseClosureReason.choices, blank=True, editable=False)
    requested_closure_note = models.TextField(_("requested closure summary"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-intake_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["station", "intake_on"], name="case_station_date_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url_with_id("services:case_detail", self.pk)

    @property
    def is_open(self):
        return self.stage != CaseStage.CLOSED


class CaseStageChange(models.Model):
    """One move of a case through its workflow (kept for time-to-closure and reopen history)."""

    scope_field = "case__station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=14, choices=CaseStage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=14, choices=CaseStage.choices)
    changed_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case stage change")
        verbose_name_plural = _("case stage changes")

    def __str__(self):
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"


class CaseGoal(models.Model):
    """A goal of a case plan with a measurable target and the date it is reviewed."""

    scope_field = "case__station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="plan_goals")
    description = models.CharField(_("goal"), max_length=200)
    target = models.CharField(_("measurable target"), max_length=200)
    review_on = models.DateField(_("review date"))
    met_on = models.DateField(_("met on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["review_on", "id"]
        verbose_name = _("case goal")
        verbose_name_plural = _("case goals")

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        return url_with_id("services:casegoal_detail", self.pk)


class CaseTask(models.Model):
    """A task of a case plan: who does what by when (optionally for one goal)."""

    scope_field = "case__station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="plan_tasks")
    goal = models.ForeignKey(CaseGoal, verbose_name=_("goal"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="tasks")
    description = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(Staff, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="case_tasks")
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("case task")
        verbose_name_plural = _("case tasks")

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        return url_with_id("services:casetask_detail", self.pk)


class CaseEvent(models.Model):
    """One step of a case's approvals and hand-overs (plan submitted / approved / returned,
    closure requested / approved / returned, transfer), with its comment: the log."""

    scope_field = "case__station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("action"), max_length=16, choices=CaseEventKind.choices)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"


class CaseNote(models.Model):
    """A dated service note (服务记录) of a case."""

    scope_field = "case__station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes")
    noted_on = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(Staff, verbose_name=_("author"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="case_notes")
    # a progress note on one goal of the plan (optional)
    goal = models.ForeignKey(CaseGoal, verbose_name=_("goal"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="notes")
    text = models.TextField(_("service note"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-noted_on", "-id"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        indexes = [models.Index(fields=["noted_on"], name="casenote_date_idx")]

    def __str__(self):
        return f"{self.case} {self.noted_on:%Y-%m-%d}"


class GroupQuerySet(ScopedQuerySet):
    """A group counts in the period of its first session (SPEC §3 ``groupwork``): the figures
    engine and the group list's date filter both use these, so the list of a figure is the
    groups the figure counted."""

    def first_session_since(self, day):
        """Groups whose first session is on or after ``day`` (a session then, none before)."""
        sessions = GroupSession.objects.filter(group=models.OuterRef("pk"))
        return self.filter(models.Exists(sessions.filter(held_on__gte=day)),
                           ~models.Exists(sessions.filter(held_on__lt=day)))

    def first_session_until(self, day):
        """Groups whose first session is on or before ``day``."""
        return self.filter(models.Exists(GroupSession.objects.filter(group=models.OuterRef("pk"), held_on__lte=day)))

    def first_session_between(self, start, end):
        return self.first_session_since(start).first_session_until(end)


class Group(models.Model):
    """A group-work programme (小组) of a station."""
    month_field = "created_on"  # its month, once approved (locked), refuses edits (ensure_month_open)

    scope_field = "station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="groups")
    theme = models.CharField(_("theme"), max_length=100)
    service_point = models.ForeignKey(ServicePoint, verbose_name=_("service point"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="groups")
    goals = models.TextField(_("goals"), blank=True)
    leader = models.ForeignKey(Staff, verbose_name=_("group leader"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="led_groups")
    members = models.ManyToManyField(Client, verbose_name=_("members"), related_name="service_groups", blank=True)
    planned_sessions = models.PositiveSmallIntegerField(_("planned sessions"), default=6)
    tags = models.ManyToManyField(CampaignTag, verbose_name=_("campaign tags"), related_name="groups", blank=True)
    created_on = models.DateField(_("start date"), default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-created_on", "-id"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self):
        return self.theme

    def get_absolute_url(self):
        return url_with_id("services:group_detail", self.pk)

    def clean(self):
        check_service_point(self)


class GroupSession(models.Model):
    """One session (节次) of a group, with its attendance."""

    scope_field = "group__station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session number"), validators=[MinValueValidator(1)])
    held_on = models.DateField(_("date"), default=timezone.localdate)
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    # People who attended, registered or not; at least the registered attendees below.
    attendance_count = models.PositiveIntegerField(_("attendance"))
    attendees = models.ManyToManyField(Client, verbose_name=_("registered attendees"), related_name="group_sessions",
                                       blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["group", "number"]
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        constraints = [models.UniqueConstraint(fields=["group", "number"], name="groupsession_unique_number")]
        indexes = [models.Index(fields=["held_on"], name="groupsession_date_idx")]

    def __str__(self):
        return _("%(group)s, session %(number)s") % {"group": self.group, "number": self.number}


class Activity(models.Model):
    """A community activity (社区活动)."""
    month_field = "held_on"  # its month, once approved (locked), refuses edits (ensure_month_open)

    scope_field = "station"

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="activities")
    held_on = models.DateField(_("date"), default=timezone.localdate)
    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices, default=ActivityKind.OTHER)
    service_point = models.ForeignKey(ServicePoint, verbose_name=_("service point"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="activities")
    location = models.CharField(_("location"), max_length=100, blank=True)
    participant_count = models.PositiveIntegerField(_("participants"))
    participants = models.ManyToManyField(Client, verbose_name=_("registered participants"),
                                          related_name="activities", blank=True)
    workers = models.ManyToManyField(Staff, verbose_name=_("workers"), related_name="activities", blank=True)
    tags = models.ManyToManyField(CampaignTag, verbose_name=_("campaign tags"), related_name="activities", blank=True)
    highlight = models.TextField(_("highlight"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("community activity")
        verbose_name_plural = _("community activities")
        # activity_date_idx: the list's order, walked newest first to its page's ids (a city's
        # 18,000 activities joined and sorted for every page, 12 ms: bench crawl)
        indexes = [models.Index(fields=["station", "held_on"], name="activity_station_date_idx"),
                   models.Index(fields=["-held_on", "-id"], name="activity_date_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url_with_id("services:activity_detail", self.pk)

    def tags_listed(self):
        return self.tag_list if hasattr(self, "tag_list") else list(self.tags.all())

    def clean(self):
        check_service_point(self)


PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # JPEG, PNG; WebP: RIFF....WEBP


def validate_photo(upload):
    """A photo is a JPEG, PNG or WebP image by its content, not only its name (an HTML or SVG
    page renamed .png is refused), and at most settings.MAX_PHOTO_SIZE bytes (10 MB). Checked
    by its first bytes: Pillow is not a dependency of the portal."""
    limit = getattr(settings, "MAX_PHOTO_SIZE", 10 * 1024 * 1024)
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(_("The photo is too big (at most %(max)s MB).") % {"max": round(limit / 1048576, 1)},
                              code="photo_size")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not (head.startswith(PHOTO_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")):
        raise ValidationError(_("This file is not a JPEG, PNG or WebP image."), code="photo_type")


ADULT_AGE = 18


class ActivityPhotoQuerySet(ScopedQuerySet):
    def publishable(self, *, on):
        """Photos that may go into a publication (the journal 《浚县社工》): marked "may be
        published" by the station (consent given), not marked as showing children, and of an
        activity none of whose registered participants was a child (under 18 on ``on``, the
        first day of the period being published; a child in distress is under 18 by
        definition) nor holds the 困境儿童 category. The rule errs towards leaving a photo out."""
        try:
            born_after = on.replace(year=on.year - ADULT_AGE)
        except ValueError:  # 29 February
            born_after = on.replace(year=on.year - ADULT_AGE, day=28)
        children = Client.objects.filter(
            models.Q(birth_date__gt=born_after) | models.Q(categories__category=Category.CHILDREN_IN_DISTRESS)
        )
        with_children = Activity._base_manager.filter(participants__in=children.values("pk")).values("pk")
        return self.filter(may_publish=True, shows_children=False).exclude(activity__in=with_children)


class ActivityPhoto(models.Model):
    """A photo of a community activity (活动照片); only a consented one may be published."""

    scope_field = "activity__station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to="activities/%Y/%m/",
                            validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), validate_photo])
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    may_publish = models.BooleanField(
        _("may be published"), default=False,
        help_text=_("Only when the people in the photo agreed to its publication in the journal."))
    shows_children = models.BooleanField(
        _("shows children"), default=False, help_text=_("A photo of children is never published."))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ActivityPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")

    def __str__(self):
        return self.caption or self.file.name

    def clean(self):
        if self.may_publish and self.shows_children:
            raise ValidationError({"may_publish": _("A photo that shows children can never be published.")})


class ResourceLink(models.Model):
    """Goods, cash or services linked (链接资源) to a client, visit, case or activity."""
    month_field = "linked_on"  # its month, once approved (locked), refuses edits (ensure_month_open)

    scope_field = "station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="resource_links")
    linked_on = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    description = models.CharField(_("description"), max_length=200)
    value = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2,
                                validators=[MinValueValidator(0)])
    source_kind = models.CharField(_("source kind"), max_length=14, choices=SourceKind.choices)
    source_name = models.CharField(_("source"), max_length=100)
    # the 五社联动 partner who gave it (source_kind and source_name are kept as the record's text)
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="resource_links")
    client = models.ForeignKey(Client, verbose_name=_("client"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="resource_links")
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="resource_links")
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="resource_links")
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="resource_links")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-linked_on", "-id"]
        verbose_name = _("resource link")
        verbose_name_plural = _("resource links")
        constraints = [models.CheckConstraint(condition=models.Q(value__gte=0), name="resourcelink_value_not_negative")]
        indexes = [models.Index(fields=["station", "linked_on"], name="resource_station_date_idx")]

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        return url_with_id("services:resourcelink_detail", self.pk)


class Referral(models.Model):
    """A referral (转介) of a client to another department or organisation."""
    month_field = "referred_on"  # its month, once approved (locked), refuses edits (ensure_month_open)

    scope_field = "station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="referrals")
    referred_on = models.DateField(_("referral date"), default=timezone.localdate)
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="referrals")
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="referrals")
    to_organisation = models.CharField(_("referred to"), max_length=100)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT, db_index=True)
    outcome = models.TextField(_("outcome"), blank=True)
    resolved_on = models.DateField(_("resolution date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self):
        return f"{self.client} → {self.to_organisation}"

    def get_absolute_url(self):
        return url_with_id("services:referral_detail", self.pk)


class DispatchQuerySet(ScopedQuerySet):
    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status__in=sorted(DISPATCH_OPEN), deadline__lt=today)

    def open(self):
        return self.filter(status__in=sorted(DISPATCH_OPEN))


class Dispatch(models.Model):
    """A task (派单) the guidance center or the bureau sends to a station with a deadline."""
    month_field = "sent_on"  # its month, once approved (locked), refuses edits (ensure_month_open)

    scope_field = "station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="dispatches")
    sent_on = models.DateField(_("dispatch date"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"))
    source = models.CharField(_("source"), max_length=12, choices=DispatchSource.choices,
                              default=DispatchSource.GRID_REPORT)
    title = models.CharField(_("task"), max_length=100)
    description = models.TextField(_("details"), blank=True)
    client = models.ForeignKey(Client, verbose_name=_("client"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="dispatches")
    issued_by = models.ForeignKey(Organisation, verbose_name=_("dispatched by"), on_delete=models.PROTECT,
                                  related_name="dispatches")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=DispatchStatus.choices,
                              default=DispatchStatus.SENT, db_index=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(Staff, verbose_name=_("accepted by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_on = models.DateField(_("reported back on"), null=True, blank=True)
    report = models.TextField(_("report back"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DispatchQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        indexes = [models.Index(fields=["status", "deadline"], name="dispatch_status_deadline_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url_with_id("services:dispatch_detail", self.pk)

    def clean(self):
        if self.deadline and self.sent_on and self.deadline < self.sent_on:
            raise ValidationError({"deadline": _("The deadline cannot be before the dispatch date.")})

    @property
    def is_overdue(self):
        """Still open after its deadline."""
        return self.status in DISPATCH_OPEN and self.deadline < timezone.localdate()

    @property
    def reported_late(self):
        return self.reported_on is not None and self.reported_on > self.deadline


def month_start(day):
    return day.replace(day=1)


def report_deadline(month):
    """A month's report is due on the 5th of the next month."""
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following.replace(day=5)


class MonthlyReportQuerySet(ScopedQuerySet):
    def locked(self):
        return self.filter(status=MonthlyReportStatus.APPROVED)


class MonthlyReport(models.Model):
    """A station's monthly report (月报): submitted by the station head, reviewed by the
    guidance center, approved by the bureau; an approved month is locked."""

    scope_field = "station"

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="monthly_reports")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=10, choices=MonthlyReportStatus.choices,
                              default=MonthlyReportStatus.DRAFT, db_index=True)
    summary = models.TextField(_("work summary"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    on_time = models.BooleanField(_("submitted on time"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    comment = models.TextField(_("latest comment"), blank=True)

    objects = MonthlyReportQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-month", "station__town__code"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [
            models.UniqueConstraint(fields=["station", "month"], name="monthlyreport_unique_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="monthlyreport_first_day"),
        ]

    def __str__(self):
        return f"{self.station} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return url_with_id("services:monthlyreport_detail", self.pk)

    @property
    def deadline(self):
        return report_deadline(self.month)

    @property
    def is_locked(self):
        return self.status == MonthlyReportStatus.APPROVED


class MonthlyReportEvent(models.Model):
    """One step of a monthly report's workflow, with its comment or reason (the log)."""

    scope_field = "report__station"

    report = models.ForeignKey(MonthlyReport, verbose_name=_("monthly report"), on_delete=models.CASCADE,
                               related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=MonthlyReportAction.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    comment = models.TextField(_("comment"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("monthly report event")
        verbose_name_plural = _("monthly report events")

    def __str__(self):
        return f"{self.report} {self.get_action_display()}"


class FormToken(models.Model):
    """A create form's one-time token, stored by the service in the transaction that creates
    the records: a second post of the same form (a double click, two tabs, a retry) finds it
    taken and creates nothing."""

    token = models.CharField(_("form token"), max_length=64, unique=True)
    used_at = models.DateTimeField(_("used at"), default=timezone.now)

    class Meta:
        verbose_name = _("form token")
        verbose_name_plural = _("form tokens")

    def __str__(self):
        return self.token


class Volunteer(models.Model):
    """A volunteer (志愿者, 大学生志愿者 among them) registered with a station."""

    scope_field = "station"
    person_level = True  # a person's record: figures-only roles never reach it

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="volunteers")
    name = models.CharField(_("full name"), max_length=30)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    organisation = models.CharField(_("organisation or school"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=VolunteerKind.choices, default=VolunteerKind.COMMUNITY)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()
    history_masked_fields = ("phone",)

    class Meta:
        ordering = ["station__town__code", "name", "id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_with_id("services:volunteer_detail", self.pk)

    def clean(self):
        if self.phone and not self.phone.replace("-", "").isdigit():
            raise ValidationError({"phone": _("Enter a phone number with digits only.")})


VOLUNTEER_HOURS = [MinValueValidator(Decimal("0.1"), message=_("Volunteer hours must be greater than zero.")),
                   MaxValueValidator(Decimal("24"), message=_("A day has at most 24 hours."))]


class VolunteerService(models.Model):
    """A volunteer's service on one day (志愿服务记录), with its hours, optionally in an activity,
    a group session or a visit of the volunteer's station (one of them at most)."""

    month_field = "served_on"  # its month, once approved (locked), refuses edits (ensure_month_open)
    scope_field = "station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT,
                                  related_name="services")
    # the volunteer's station, kept on the record for scoping and the figures (one join less)
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="volunteer_services", editable=False)
    served_on = models.DateField(_("date"), default=timezone.localdate)
    hours = models.DecimalField(pgettext_lazy("volunteer", "hours"), max_digits=4, decimal_places=1,
                                validators=VOLUNTEER_HOURS)
    activity = models.ForeignKey(Activity, verbose_name=_("community activity"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="volunteer_services")
    group_session = models.ForeignKey(GroupSession, verbose_name=_("group session"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="volunteer_services")
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="volunteer_services")
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-served_on", "-id"]
        verbose_name = _("volunteer service")
        verbose_name_plural = _("volunteer services")
        indexes = [models.Index(fields=["station", "served_on"], name="volservice_station_date_idx")]
        constraints = [models.CheckConstraint(
            condition=(models.Q(activity__isnull=True, group_session__isnull=True)
                       | models.Q(activity__isnull=True, visit__isnull=True)
                       | models.Q(group_session__isnull=True, visit__isnull=True)),
            name="volservice_one_link")]

    def __str__(self):
        return f"{self.volunteer} {self.served_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return url_with_id("services:volunteerservice_detail", self.pk)

    @property
    def linked_record(self):
        return self.activity or self.group_session or self.visit

    def clean(self):
        errors = {}
        links = [name for name in ("activity", "group_session", "visit") if getattr(self, f"{name}_id")]
        if len(links) > 1:
            errors[links[1]] = _("Link the service to one activity, group session or visit at most.")
        if self.volunteer_id:
            station_id = self.volunteer.station_id
            for name in links:
                record = getattr(self, name)
                record_station = record.group.station_id if name == "group_session" else record.station_id
                if record_station != station_id:
                    errors.setdefault(name, _("This record is of another station than the volunteer's."))
        if self.served_on and self.served_on > timezone.localdate():
            errors["served_on"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)
