"""Writes of the journal: draft, edit, propose a highlight, publish, correct. Each is one
transaction; a published issue is frozen (only a correction, a new version, changes it)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.locking import check_not_changed_since
from reports import figures as engine
from services.models import ActivityPhoto

from . import drafting
from .choices import IssueStatus
from .models import Highlight, Issue
from .richtext import sanitise

FROZEN = gettext_lazy("This issue is published and frozen: make a correction (a new version) to change it.")


def _require_draft(issue):
    if issue.status != IssueStatus.DRAFT:
        raise ValidationError(FROZEN)


def next_number(county):
    """总第N期: one more than the county's highest issue number so far."""
    return (Issue.objects.filter(county=county).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def issue_draft(*, county, month: datetime.date, user=None):
    """A new issue of ``county`` for ``month``, written from the month's records."""
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("%(month)s has not begun yet: there is nothing to report.")
                               % {"month": month.strftime("%Y-%m")}})
    if Issue.objects.filter(county=county, month=month).exists():
        raise ValidationError({"month": _("The issue of %(month)s already exists: edit it or correct it.")
                               % {"month": month.strftime("%Y-%m")}})
    period = engine.month_period(month.strftime("%Y-%m"))
    values = drafting.county_figures(county, period)
    number = next_number(county)
    issue = Issue(
        county=county, month=month, number=number, drafted_by=user,
        title=f"《{county.name}社工》{month.year}年第{month.month}期（总第{number}期）",
        lead=drafting.lead_paragraph(county_name=county.name, month=month, values=values),
        case_story=drafting.case_story(county=county, period=period),
        training_news=drafting.training_news(county=county, period=period),
        campaign=drafting.campaign(county=county, period=period),
        figures={**values, "trend": drafting.trend(county, month)},
    )
    for field in Issue.RICH_FIELDS:
        setattr(issue, field, sanitise(getattr(issue, field)))
    issue.full_clean()
    issue.save()
    Highlight.objects.bulk_create([
        Highlight(issue=issue, station=item["station"], activity=item["activity"], title=item["title"],
                  held_on=item["held_on"], participants=item["participants"], text=item["text"],
                  photo=item["photo"])
        for item in drafting.station_highlights(county=county, period=period)
    ])
    return issue


@transaction.atomic
def issue_update(*, issue, expected=None):
    """The center's edit of a draft: its texts, sanitised (paragraphs, bold, lists only)."""
    check_not_changed_since(model=Issue, pk=issue.pk, expected=expected)
    stored = Issue.objects.select_for_update().get(pk=issue.pk)
    _require_draft(stored)
    for field in Issue.RICH_FIELDS:
        setattr(issue, field, sanitise(getattr(issue, field)))
    issue.full_clean()
    issue.save()
    return issue


def _check_photo(highlight):
    photo = highlight.photo
    if photo is None:
        return
    if highlight.activity_id is None or photo.activity_id != highlight.activity_id:
        raise ValidationError({"photo": _("Choose a photo of the highlight's own activity.")})
    if not ActivityPhoto.objects.publishable(on=highlight.issue.month).filter(pk=photo.pk).exists():
        raise ValidationError({"photo": _("This photo may not be published (no consent, or it shows children).")})


@transaction.atomic
def highlight_update(*, highlight, user=None, expected=None):
    """A station's proposal (or the center's edit) of its highlight in a draft issue."""
    check_not_changed_since(model=Highlight, pk=highlight.pk, expected=expected)
    issue = Issue.objects.select_for_update().get(pk=highlight.issue_id)
    _require_draft(issue)
    activity = highlight.activity
    if activity is not None:
        if activity.station_id != highlight.station_id:
            raise ValidationError({"activity": _("Choose an activity of this station.")})
        if activity.held_on.replace(day=1) != issue.month:
            raise ValidationError({"activity": _("Choose an activity of the issue's month.")})
    _check_photo(highlight)
    highlight.text = sanitise(highlight.text)
    highlight.proposed_by = user
    highlight.full_clean()
    highlight.save()
    return highlight


@transaction.atomic
def issue_publish(*, issue, user):
    """The bureau approves and publishes a draft; the version it corrects is superseded."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    _require_draft(issue)
    if not issue.lead.strip():
        raise ValidationError({"lead": _("Write the lead paragraph before publishing.")})
    Issue.objects.filter(county=issue.county_id, month=issue.month, status=IssueStatus.PUBLISHED).update(
        status=IssueStatus.SUPERSEDED)
    issue.status = IssueStatus.PUBLISHED
    issue.published_by = user
    issue.published_at = timezone.now()
    issue.save(update_fields=["status", "published_by", "published_at"])
    return issue


@transaction.atomic
def issue_correct(*, issue, user, note: str):
    """A correction of a published issue: a new draft version of the same number, carrying the
    note that says what was corrected; the published one stays readable until it is replaced."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the correction changes.")})
    if issue.status != IssueStatus.PUBLISHED:
        raise ValidationError(_("Only the published version of an issue can be corrected."))
    if Issue.objects.filter(county=issue.county_id, month=issue.month, status=IssueStatus.DRAFT).exists():
        raise ValidationError(_("A correction of this issue is already being drafted."))
    highlights = list(issue.highlights.all())
    latest = Issue.objects.filter(county=issue.county_id, month=issue.month).aggregate(v=Max("version"))["v"]
    correction = Issue(
        county_id=issue.county_id, month=issue.month, number=issue.number, version=latest + 1,
        correction_note=note, title=issue.title, lead=issue.lead, case_story=issue.case_story,
        training_news=issue.training_news, campaign=issue.campaign, figures=issue.figures, drafted_by=user,
    )
    correction.full_clean()
    correction.save()
    for highlight in highlights:
        highlight.pk, highlight.issue = None, correction
    Highlight.objects.bulk_create(highlights)
    return correction
