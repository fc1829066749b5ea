"""The user's large background exports: start one, watch its progress, download it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.models import AccessLog
from accounts.services import access_log_record
from portal.forms import add_validation_error
from reports.models import ExportJob
from stations.models import Station

from ..workbooks.views import available_years
from . import jobs


class ExportJobForm(forms.Form):
    """Start a visit-detail export: a year, and optionally one of the user's stations."""

    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    station = forms.ModelChoiceField(label=gettext_lazy("Station"), queryset=Station.objects.none(), required=False,
                                     empty_label=gettext_lazy("All my stations"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"].choices = [(y, str(y)) for y in available_years(user)]
        self.fields["station"].queryset = Station.objects.visible_to(user).order_by("town__code")

    def start(self):
        station = self.cleaned_data.get("station")
        params = {"year": self.cleaned_data["year"], "station": station.pk if station else None}
        try:
            return jobs.export_job_start(user=self.user, kind=jobs.VisitDetailExport.kind, params=params)
        except ValidationError as error:
            add_validation_error(self, error)
            return None


class ExportPermissionMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(jobs.VisitDetailExport.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ExportJobListView(ExportPermissionMixin, TemplateView):
    """/reports/exports/ — the user's own export jobs, and a form to start one (POST)."""

    template_name = "reports/export_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ExportJobForm(user=self.request.user,
                                                 initial={"year": timezone.localdate().year - 1}))
        context["jobs"] = ExportJob.objects.filter(user=self.request.user).order_by("-created_at")[:50]
        return context

    def post(self, request):
        form = ExportJobForm(request.POST, user=request.user)
        if form.is_valid() and (job := form.start()) is not None:
            queued_message(request, job, _("The export has started. You can leave this page and come back for the file."))
            return HttpResponseRedirect(reverse("reports:export_list"))
        return self.render_to_response(self.get_context_data(form=form), status=400)


def queued_message(request, job, started):
    """What the user hears after starting (or retrying) a job: started, or — the broker could
    not be reached — queued until the task queue is back (never an error page)."""
    if job.sent_at is None:
        messages.warning(request, _("The task queue is unavailable right now: the export is queued and will "
                                    "start when it is back. You can leave this page."))
    else:
        messages.success(request, started)


def _own_job(request, pk):
    # Another user's job answers like a job that does not exist.
    return get_object_or_404(ExportJob.objects.filter(user=request.user), pk=pk)


class ExportJobProgressView(ExportPermissionMixin, View):
    """The progress fragment of one job (polled by htmx until the job is finished)."""

    def get(self, request, pk):
        job = _own_job(request, pk)
        return render(request, "reports/export_progress.html", {"job": job})


class ExportJobDownloadView(ExportPermissionMixin, View):
    """The finished file, for the job's owner only; every download is logged."""

    def get(self, request, pk):
        job = _own_job(request, pk)
        if job.status != ExportJob.Status.DONE or not job.file:
            raise Http404(_("This export has no file."))
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("This export's file is no longer available.")) from None
        access_log_record(request=request, action=AccessLog.Action.EXPORT, obj=job,
                          object_repr=f"{jobs.export_kind(job.kind).describe(job.params)} #{job.pk}")
        return FileResponse(handle, as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])


class ExportJobRetryView(ExportPermissionMixin, View):
    """POST: the owner runs a failed export again."""

    def post(self, request, pk):
        job = _own_job(request, pk)
        try:
            jobs.export_job_retry(user=request.user, job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            queued_message(request, job, _("The export has started again."))
        return HttpResponseRedirect(reverse("reports:export_list"))
