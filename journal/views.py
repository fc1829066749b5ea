"""Pages of the journal: the archive (总第N期), an issue with its sections and highlights, the
center's draft and edit, a station's highlight proposal, the bureau's publish and a
correction; the PDF and .docx of a published issue (``/reports/journal/YYYY-MM.pdf``, SPEC
§4) and of the annual report (``/reports/annual/YYYY.pdf``)."""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.models import AccessLog
from accounts.services import access_log_record
from portal.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectPermissionMixin,
    action_switch,
)
from reports.workbooks.views import BadPeriod, ReportScopeMixin, parse_month, parse_year

from . import services
from .choices import IssueStatus
from .filters import HighlightFilterSet, IssueFilterSet
from .forms import HighlightForm, IssueCorrectForm, IssueDraftForm, IssueForm
from .models import Highlight, Issue
from .printing import DOCX_TYPE, docx_bytes, pdf_bytes
from .publications import annual_publication, category_rows, figure_rows, issue_publication
from .tables import HighlightTable, IssueTable


class ReadableListMixin:
    """A list of ``readable_by`` (``visible_to``; drafts stay with the county's editors)."""

    def get_base_queryset(self):
        return self.queryset.readable_by(self.request.user)


class ReadableMixin:
    """A page or an action on one record of ``readable_by``."""

    def get_queryset(self):
        return self.queryset.readable_by(self.request.user)


class IssueListView(ReadableListMixin, ObjectListView):
    """The archive: every issue of the user's counties, newest first, with its number."""

    queryset = Issue.objects.all()
    filterset_class = IssueFilterSet
    table_class = IssueTable
    template_name = "journal/issue_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Journal 《浚县社工》")
        if context["can_add"]:
            context["add_url"] = reverse("journal:issue_add")
        return context


class IssueDetailView(ReadableMixin, ObjectDetailView):
    queryset = Issue.objects.select_related("county", "drafted_by", "published_by")
    template_name = "journal/issue_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        issue, user = self.object, self.request.user
        highlights = issue.highlights.select_related("station", "activity", "photo").order_by("station__town__code")
        staff = getattr(user, "staff", None)
        editable = issue.status == IssueStatus.DRAFT
        context.update(
            highlights=highlights,
            figure_rows=figure_rows(issue.figures) + category_rows(issue.figures),
            can_edit=editable and context["can_change"],
            can_publish=editable and user.has_perm("journal.publish_issue"),
            can_correct=issue.status == IssueStatus.PUBLISHED and context["can_change"],
            can_propose=editable and user.has_perm("journal.change_highlight"),
            own_station_id=getattr(staff, "station_id", None),
            versions=Issue.objects.readable_by(user).filter(county=issue.county_id, month=issue.month)
            .exclude(pk=issue.pk).only("pk", "version", "status"),
        )
        return context


class IssueDraftView(ObjectEditView):
    """The center starts a month's issue; the portal drafts every section."""

    form_class = IssueDraftForm
    queryset = Issue.objects.all()
    success_message = gettext_lazy("The issue has been drafted from the month's records: edit it now.")


class IssueEditView(ObjectEditView):
    form_class = IssueForm
    queryset = Issue.objects.all()


class IssueActionView(ReadableMixin, ObjectActionView):
    queryset = Issue.objects.all()


class IssuePublishView(IssueActionView):
    action = "publish"
    title = gettext_lazy("Approve and publish")
    success_message = gettext_lazy("Published: the issue is frozen and in the archive.")

    def perform(self, obj, request, form_data):
        return services.issue_publish(issue=obj, user=request.user)


class IssueCorrectView(IssueActionView):
    title = gettext_lazy("Correct (new version)")
    form_class = IssueCorrectForm
    success_message = gettext_lazy("A new version has been drafted with your note: edit it, then have it published.")

    def perform(self, obj, request, form_data):
        return services.issue_correct(issue=obj, user=request.user, note=form_data["note"])

    def get_success_url(self):
        return self.result.get_absolute_url()


issue_action = action_switch(publish=IssuePublishView, correct=IssueCorrectView)


class HighlightListView(ReadableListMixin, ObjectListView):
    queryset = Highlight.objects.select_related("issue", "station")
    filterset_class = HighlightFilterSet
    table_class = HighlightTable
    template_name = "journal/highlight_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Station highlights")
        return context


class HighlightDetailView(ReadableMixin, ObjectDetailView):
    queryset = Highlight.objects.select_related("issue", "station", "activity", "photo")
    template_name = "journal/highlight_detail.html"


class HighlightEditView(ObjectEditView):
    form_class = HighlightForm
    queryset = Highlight.objects.select_related("issue", "station")
    success_message = gettext_lazy("Your highlight has been proposed for the issue.")

    def get_success_url(self):
        return self.object.issue.get_absolute_url()


# --- PDF and .docx -----------------------------------------------------------------------------

def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


FORMATS = {"pdf": ("application/pdf", pdf_bytes), "docx": (DOCX_TYPE, docx_bytes)}


class IssueFileView(ObjectPermissionMixin, View):
    """``/reports/journal/YYYY-MM.pdf`` (and ``.docx``): the published issue of that month in
    the user's county (``?county=ID`` when the user reads several); ``/reports/journal/<pk>/
    issue.pdf``: any issue the user may read, a draft marked as such (the editors' proof)."""

    queryset = Issue.objects.all()

    def get(self, request, fmt, month=None, pk=None):
        issues = Issue.objects.readable_by(request.user).select_related("county")
        if pk is not None:
            issue = issues.filter(pk=int(pk)).first()
        else:
            try:
                period = parse_month(month)
            except BadPeriod:  # a month that is not one, or has not begun, has no issue
                raise Http404(_("No such issue.")) from None
            issues = issues.filter(month=period.start, status=IssueStatus.PUBLISHED)
            county = request.GET.get("county", "").strip()
            if county:
                if not county.isdigit():
                    raise Http404(_("No such issue."))
                issues = issues.filter(county=county)
            issue = issues.order_by("county__code").first()
        if issue is None:
            raise Http404(_("No such issue."))
        content_type, write = FORMATS[fmt]
        access_log_record(request=request, action=AccessLog.Action.EXPORT, object_repr=f"{issue.title} v{issue.version}")
        return _download(write(issue_publication(issue)), content_type,
                         f"journal-{issue.county.code}-{issue.month_code}-v{issue.version}.{fmt}")


class AnnualFileView(ReportScopeMixin, View):
    """``/reports/annual/YYYY.pdf`` and ``.docx``: the annual report of the user's scope."""

    def get(self, request, year, fmt):
        period = parse_year(year)
        content_type, write = FORMATS[fmt]
        self.log_export(_("Annual report %(year)s") % {"year": year})
        suffix = f"-{self.station.short_name}" if self.station else ""
        return _download(write(annual_publication(user=request.user, period=period, station=self.station)),
                         content_type, f"annual-report-{year}{suffix}.{fmt}")

