"""The journal 《浚县社工》 (SPEC §2 Reports, issue 19): a county's monthly issue drafted from the
month's records, edited by the guidance center, with one highlight per station proposed by the
station, published by the bureau as PDF and .docx, and archived with its number (总第N期)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.history import AuditHistory
from portal.scoping import Reach, ScopedQuerySet, scope_for
from portal.urls import url_with_id
from services.models import Activity, ActivityPhoto
from stations.models import Region, Station

from .choices import PUBLIC_STATUSES, IssueStatus


class JournalQuerySet(ScopedQuerySet):
    status_path = "status"

    def readable_by(self, user):
        """``visible_to(user)``, and for a figures-only reader (the city viewer, SPEC §1) only
        what has been published: drafts belong to the county's editorial team."""
        rows = self.visible_to(user)
        if not scope_for(user).people:
            rows = rows.filter(**{f"{self.status_path}__in": PUBLIC_STATUSES})
        return rows


class HighlightQuerySet(JournalQuerySet):
    status_path = "issue__status"


class Issue(models.Model):
    """One issue of the journal (期刊一期) of a county for a month; a correction of a published
    issue is a new version of the same number, the old one kept as superseded."""

    reach = Reach(local=("county",))  # the county's bureau, center and stations; the city above it

    county = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month the issue speaks of."))
    number = models.PositiveIntegerField(_("issue number"), help_text=_("总第N期: counted over all the county's issues."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    correction_note = models.TextField(_("correction note"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=IssueStatus.choices, default=IssueStatus.DRAFT,
                              db_index=True)
    title = models.CharField(_("title"), max_length=100)
    lead = models.TextField(_("lead paragraph"), max_length=5000, blank=True)
    case_story = models.TextField(_("case story"), max_length=5000, blank=True)
    training_news = models.TextField(_("training and supervision"), max_length=5000, blank=True)
    campaign = models.TextField(_("campaign of the month"), max_length=5000, blank=True)
    # The month's figures as the engine (reports.figures) gave them when the issue was drafted:
    # the issue prints what its lead paragraph says, even if a record is corrected later.
    figures = models.JSONField(_("figures"), default=dict, editable=False)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True, editable=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JournalQuerySet.as_manager()
    history = AuditHistory()

    RICH_FIELDS = ("lead", "case_story", "training_news", "campaign")

    class Meta:
        ordering = ["-month", "-version"]
        verbose_name = _("journal issue")
        verbose_name_plural = _("journal issues")
        permissions = [("publish_issue", "Can approve and publish a journal issue")]
        constraints = [
            models.UniqueConstraint(fields=["county", "month", "version"], name="journal_issue_month_version"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return url_with_id("journal:issue_detail", self.pk)

    @property
    def month_code(self):
        return self.month.strftime("%Y-%m")

    @property
    def is_draft(self):
        return self.status == IssueStatus.DRAFT


class Highlight(models.Model):
    """A station's highlight (站点亮点) in an issue: drafted from its activities, proposed and
    edited by the station, kept or cut by the center."""

    scope_field = "station"

    issue = models.ForeignKey(Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="highlights")
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=100, blank=True)
    held_on = models.DateField(_("date"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    text = models.TextField(_("text"), max_length=3000, blank=True)
    photo = models.ForeignKey(ActivityPhoto, verbose_name=_("photo"), on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    included = models.BooleanField(_("in the issue"), default=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HighlightQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["issue", "station__town__code"]
        verbose_name = _("station highlight")
        verbose_name_plural = _("station highlights")
        constraints = [models.UniqueConstraint(fields=["issue", "station"], name="journal_highlight_station")]

    def __str__(self):
        return f"{self.station.short_name} · {self.title}"

    def get_absolute_url(self):
        return url_with_id("journal:highlight_detail", self.pk)
