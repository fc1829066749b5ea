import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.history import AuditHistory
from portal.scoping import Reach, ScopedQuerySet
from portal.urls import url_with_id
from stations.models import Region, ServicePoint, Staff, Station, check_service_point

from . import idnumbers
from .choices import (
    Category,
    ClientStatus,
    CloseReason,
    DisabilityGrade,
    DisabilityType,
    Gender,
    Relationship,
    RiskLevel,
    Subtype,
)


@functools.lru_cache(maxsize=20000)
def name_keys(name):
    """(full pinyin, initials) of a Chinese name: 张三 -> ("zhangsan", "zs")."""
    from pypinyin import Style, lazy_pinyin

    name = (name or "").strip()
    syllables = lazy_pinyin(name, errors="default")
    full = "".join(syllables).lower().replace(" ", "")
    initials = "".join(s[0] for s in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default") if s).lower()
    return full[:120], initials[:30]


class Household(models.Model):
    """A household (家庭户) of registered people; can be flagged as a family in distress (困境家庭)."""

    scope_field = "station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="households")
    address = models.CharField(_("address"), max_length=200, blank=True)
    village = models.CharField(_("village / community"), max_length=60, blank=True)
    in_distress = models.BooleanField(_("family in distress"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        head = next((m for m in self.members.all() if m.relationship == Relationship.HEAD), None)
        return _("Household of %(name)s") % {"name": head.name} if head else _("Household %(id)s") % {"id": self.pk}

    def get_absolute_url(self):
        return url_with_id("clients:household_detail", self.pk)


class ScreeningCampaignQuerySet(ScopedQuerySet):
    """A campaign is visible to whoever sees one of the stations it covers."""



class ClientQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=ClientStatus.ACTIVE)

    def due_by(self, day):
        """Active clients whose next visit is due on or before ``day`` (overdue included)."""
        return self.active().filter(next_visit_due__lte=day)

    def holding(self, category, on):
        """Clients who held ``category`` on day ``on``."""
        return self.filter(
            categories__category=category, categories__start_on__lte=on
        ).filter(models.Q(categories__end_on__isnull=True) | models.Q(categories__end_on__gte=on))


class Client(models.Model):
    """A registered person a station serves (建档服务对象)."""

    scope_field = "station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="clients")
    household = models.ForeignKey(
        Household, verbose_name=_("household"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    relationship = models.CharField(_("relationship to head"), max_length=12, choices=Relationship.choices, blank=True)
    # The worker who keeps in touch (责任社工): the monitoring worklist is per station and per worker.
    worker = models.ForeignKey(
        Staff, verbose_name=_("responsible worker"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="clients",
    )
    name = models.CharField(_("full name"), max_length=30)
    # Kept for search by pinyin and by initials (张三: "zhangsan", "zs"), filled on save.
    name_pinyin = models.CharField(max_length=120, editable=False, db_index=True)
    name_initials = models.CharField(max_length=30, editable=False, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("date of birth"), editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    village = models.CharField(_("village / community"), max_length=60, blank=True)
    # the village or community service point (村/社区社工室) of the station that serves the person
    service_point = models.ForeignKey(ServicePoint, verbose_name=_("service point"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="clients")
    registered_on = models.DateField(_("registration date"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=10, choices=ClientStatus.choices, default=ClientStatus.ACTIVE,
                              db_index=True)
    closed_on = models.DateField(pgettext_lazy("client", "closing date"), null=True, blank=True)
    close_reason = models.CharField(_("closing reason"), max_length=12, choices=CloseReason.choices, blank=True)
    close_note = models.CharField(_("closing note"), max_length=200, blank=True)
    # Dynamic monitoring (动态监测): current risk and visit rhythm, maintained by clients.services.
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW)
    last_visit_on = models.DateField(_("last visit"), null=True, blank=True)
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True)  # client_due_idx
    # The earliest open follow-up (a visit's promised date or a planned visit), kept by the
    # services app through clients.services.client_follow_up_set: the worklist shows it.
    follow_up_on = models.DateField(_("follow-up due"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()
    history = AuditHistory(excluded_fields=["name_pinyin", "name_initials"])
    # A concurrent-edit message names this field but does not show its value (privacy: the
    # full ID number is a logged reveal; every role that may edit a client sees full phones).
    lock_private_fields = ("id_number",)
    # the history card is read by everyone who may open the record: never show these whole
    history_masked_fields = ("id_number", "phone", "birth_date")  # birth date: eight digits of the number

    class Meta:
        ordering = ["-id"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            # carries the worker, the follow-up date, the risk level and the id: the worklist's
            # summary counts and its rows' ids (by worker, risk, overdue) are read from the index
            # alone (an index-only scan, no visit to the table): the summaries 36 -> 4 ms, the
            # ids of ?risk_level=high 15 -> 3 ms for a county at city scale (docs/scaling.md); the
            # service point too: a county's ?no_service_point=true read its 20,000 rows from the
            # table to find them (the page's ids 6-10 -> 3 ms)
            models.Index(fields=["station", "status", "next_visit_due"],
                         include=["worker", "follow_up_on", "risk_level", "service_point", "id"],
                         name="client_monitoring_idx"),
            # the worklist's order (most overdue first), carrying what its filters read: walking it
            # to meet a scope's first 51 rows skips the other counties' rows inside the index (an
            # index-only scan) instead of reading each from the table: the ids of a county's
            # 困境儿童 worklist 20 -> 2.5 ms at city scale (docs/scaling.md)
            models.Index(fields=["next_visit_due"], include=["station", "status", "follow_up_on", "risk_level",
                                                             "worker", "id"], name="client_due_idx"),
            models.Index(fields=["station", "name"], name="client_station_name_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)
        loaded = getattr(self, "_loaded_station_id", None)
        if loaded is not None and loaded != self.station_id:
            # a person moved to another station: their memberships' copy of it follows
            self.categories.update(station_id=self.station_id)
        self._loaded_station_id = self.station_id

    def get_absolute_url(self):
        return url_with_id("clients:client_detail", self.pk)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_station_id = instance.__dict__.get("station_id")
        return instance

    def clean(self):
        check_service_point(self)

    def fill_derived_fields(self):
        """Pinyin keys from the name; gender and birth date from the ID number."""
        self.name_pinyin, self.name_initials = name_keys(self.name)
        if self.id_number and len(self.id_number) == 18:
            self.gender = idnumbers.gender(self.id_number)
            self.birth_date = idnumbers.birth_date(self.id_number)

    @property
    def is_active(self):
        return self.status == ClientStatus.ACTIVE

    @property
    def is_overdue(self):
        return self.due_state == "overdue"

    @property
    def due_state(self):
        """overdue / soon (within 7 days) / ok / closed: the dynamic-monitoring light."""
        if not self.is_active:
            return "closed"
        if self.next_visit_due is None:
            return "ok"
        days = (self.next_visit_due - timezone.localdate()).days
        return "overdue" if days < 0 else "soon" if days <= 7 else "ok"

    def age_on(self, day=None):
        day = day or timezone.localdate()
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def age(self):
        return self.age_on()

    @property
    def is_child(self):
        return self.age < 18


class PolicyCategory(models.Model):
    """A category a county adds to SPEC §3's seven (留守儿童, 低保边缘, 支出型困难, 防返贫监测 …),
    with its own visit interval. A membership in it is counted by the figures engine under the
    SPEC key it maps to, or under ``other`` (SPEC's keys stay the engine's keys)."""

    reach = Reach(local=("county",))  # the counties the scope touches

    county = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=30)
    maps_to = models.CharField(_("counted as"), max_length=24, choices=Category.choices, default=Category.OTHER,
                               help_text=_("The SPEC category its members are counted under in the figures."))
    visit_days = models.PositiveIntegerField(_("interval in days"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["county", "name"]
        verbose_name = _("policy category")
        verbose_name_plural = _("policy categories")
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="policy_category_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_with_id("clients:policycategory_edit", self.pk)


class CategoryMembership(models.Model):
    """A dated membership of a person in an assistance category (低保, 特困, 困境儿童 …)."""

    scope_field = "client__station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("category"), max_length=24, choices=Category.choices, db_index=True)
    # a county's own category (category then holds the SPEC key it is counted under)
    policy_category = models.ForeignKey(PolicyCategory, verbose_name=_("policy category"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="memberships")
    subtype = models.CharField(_("subtype"), max_length=16, choices=Subtype.choices, blank=True)
    disability_type = models.CharField(_("disability type"), max_length=12, choices=DisabilityType.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField(_("disability grade"), choices=DisabilityGrade.choices,
                                                        null=True, blank=True)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    # The client's station, copied (``save``; ``Client.save`` when a person moves; the roster
    # import writes it too): who holds a category today in a county is read from one index range
    # (``membership_station_idx``) instead of every membership of the category city-wide (a
    # county's 低保 list hashed the city's 133,000: make bench, crawl_worst_page). Only a filter
    # inside an already scoped list reads it; what a user may see still goes through the client.
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="+",
                                editable=False, db_index=False)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory(excluded_fields=["station"])

    class Meta:
        ordering = ["category", "-start_on"]
        verbose_name = _("category membership")
        verbose_name_plural = _("category memberships")
        # carries the client: who holds a category today is read from the index alone (an
        # index-only scan; clients.filters.held_today): 7.5 -> 2 ms for 低保 at city scale
        indexes = [models.Index(fields=["category", "start_on", "end_on"], include=["client"],
                                name="membership_period_idx"),
                   models.Index(fields=["category", "station", "start_on"], include=["end_on", "client"],
                                name="membership_station_idx")]

    def __str__(self):
        return self.policy_category.name if self.policy_category_id else self.get_category_display()

    def save(self, *args, **kwargs):
        self.station_id = self.client.station_id
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "station"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("The end date cannot be before the start date.")})

    def is_held_on(self, day):
        return self.start_on <= day and (self.end_on is None or self.end_on >= day)


class Assessment(models.Model):
    """A needs assessment (需求评估) with the risk level it found; the history is kept."""

    scope_field = "client__station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessment date"), default=timezone.localdate)
    assessor = models.ForeignKey(Staff, verbose_name=_("assessor"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    living_condition = models.TextField(_("living condition"), blank=True)
    needs = models.TextField(_("needs"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")

    def __str__(self):
        return f"{self.client} {self.assessed_on:%Y-%m-%d}"


class VisitInterval(models.Model):
    """How often a category or risk level must be visited, per county (动态监测频次)."""

    reach = Reach(local=("county",))  # the counties the scope touches

    county = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.CASCADE, related_name="+")
    category = models.CharField(_("category"), max_length=24, choices=Category.choices, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, blank=True)
    days = models.PositiveIntegerField(_("interval in days"))

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()  # who changed the rhythm, and the API's version

    class Meta:
        verbose_name = _("visit interval")
        verbose_name_plural = _("visit intervals")
        constraints = [
            models.UniqueConstraint(fields=["county", "category", "risk_level"], name="visit_interval_unique"),
            models.CheckConstraint(condition=~models.Q(category="", risk_level=""), name="visit_interval_has_key"),
        ]

    def __str__(self):
        return f"{self.get_category_display() or self.get_risk_level_display()}: {self.days}"


class ScreeningCampaign(models.Model):
    """A screening campaign (困难群众大排查): the stations it covers and its period."""

    reach = Reach(stations=("stations",))  # whoever sees one of the stations it covers

    county = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    stations = models.ManyToManyField(Station, verbose_name=_("stations covered"), related_name="screening_campaigns")
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScreeningCampaignQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = _("screening campaign")
        verbose_name_plural = _("screening campaigns")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_with_id("clients:screeningcampaign_detail", self.pk)

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("The end date cannot be before the start date.")})


class ScreeningRecord(models.Model):
    """What a screening campaign found about one covered client (排查记录)."""

    class Result(models.TextChoices):
        FOUND = "found", _("Found and checked")
        NOT_FOUND = "not_found", _("Not found")

    scope_field = "client__station"
    person_level = True  # a figures-only role (city viewer) never reaches it

    campaign = models.ForeignKey(ScreeningCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="records")
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE,
                               related_name="screenings")
    screened_on = models.DateField(_("screening date"), default=timezone.localdate)
    screener = models.ForeignKey(Staff, verbose_name=_("screened by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    living_condition = models.TextField(_("living condition"), blank=True)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices, blank=True)
    needs = models.TextField(_("needs"), blank=True)
    # Set when this finding raised the client's risk level and brought the next visit forward
    # (clients.services.screening_record): the client's timeline shows why.
    raised_risk_from = models.CharField(_("risk level before"), max_length=8, choices=RiskLevel.choices, blank=True,
                                        editable=False)
    visit_brought_forward_to = models.DateField(_("next visit brought forward to"), null=True, blank=True,
                                                editable=False)

    objects = ScopedQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-screened_on", "-id"]
        verbose_name = _("screening record")
        verbose_name_plural = _("screening records")
        constraints = [models.UniqueConstraint(fields=["campaign", "client"], name="screening_once_per_client")]

    def __str__(self):
        return f"{self.campaign} · {self.client}"


class RosterImportJob(models.Model):
    """A roster import commit of more than ``ROSTER_BACKGROUND_ROWS`` rows, run by a Celery worker
    (clients.jobs): its owner watches the progress on /clients/import/jobs/<id>/. The file is the
    uploaded preview's (``roster-imports/<user>-<token>.xlsx``); the import writes every row in
    one transaction, or nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_import_jobs")
    token = models.CharField(_("preview token"), max_length=40)
    name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows checked"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The task engine's bookkeeping (portal.jobs).
    sent_at = models.DateTimeField(_("sent to the queue"), null=True, blank=True)
    attempt = models.PositiveIntegerField(_("attempt"), default=0)
    heartbeat_at = models.DateTimeField(_("last report"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("roster import job")
        verbose_name_plural = _("roster import jobs")

    def __str__(self):
        return f"{self.name} #{self.pk}"

    @property
    def percent(self):
        return 100 if self.status == self.Status.DONE else (int(self.done * 100 / self.total) if self.total else 0)
