from django.contrib import messages
from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from portal.scoping import visible_or_404
from portal.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectPermissionMixin,
    permission_name,
)

from . import exports, services
from .choices import CALL_TRANSITIONS, ApplicationStatus, CallStatus, InstalmentStatus, ProjectStatus
from .filters import (
    ContractFilterSet,
    FundingSourceFilterSet,
    IndicatorSystemFilterSet,
    PerformanceEvaluationFilterSet,
    VentureApplicationFilterSet,
    VentureCallFilterSet,
    VentureProjectFilterSet,
)
from .forms import (
    ContractForm,
    ContractFundingForm,
    ContractTargetForm,
    FundingSourceForm,
    IndicatorCategoryForm,
    IndicatorForm,
    IndicatorSystemForm,
    InstalmentPayForm,
    PaymentInstalmentForm,
    PerformanceEvaluationForm,
    VentureApplicationForm,
    VentureAwardForm,
    VentureCallForm,
    VentureEvaluateForm,
    VentureMilestoneDoneForm,
    VentureMilestoneForm,
    VenturePayForm,
    VenturePaymentForm,
    VentureReportForm,
    VentureReviewForm,
)
from .models import (
    ZERO_YUAN,
    Contract,
    ContractFunding,
    ContractTarget,
    FundingSource,
    Indicator,
    IndicatorCategory,
    IndicatorSystem,
    PaymentInstalment,
    PerformanceEvaluation,
    VentureApplication,
    VentureCall,
    VentureMilestone,
    VenturePayment,
    VentureProject,
    VentureReview,
)
from .tables import (
    ContractTable,
    FundingSourceTable,
    IndicatorSystemTable,
    PerformanceEvaluationTable,
    VentureApplicationTable,
    VentureCallTable,
    VentureProjectTable,
)

# --- Funding sources ------------------------------------------------------------------------

class FundingSourceListView(ObjectListView):
    queryset = FundingSource.objects.select_related("region").with_execution()
    filterset_class = FundingSourceFilterSet
    template_name = "funding/fundingsource_list.html"
    table_class = FundingSourceTable


class FundingSourceDetailView(ObjectDetailView):
    queryset = FundingSource.objects.select_related("region").with_execution()
    template_name = "funding/fundingsource_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["allocations"] = (
            ContractFunding.objects.visible_to(self.request.user).filter(source=self.object)
            .select_related("contract__contractor").order_by("contract__code")
        )
        context["remaining"] = self.object.available_amount - self.object.contracted_amount
        return context


class FundingSourceEditView(ObjectEditView):
    queryset = FundingSource.objects.all()
    form_class = FundingSourceForm


# --- Contracts ------------------------------------------------------------------------------

class ContractListView(ObjectListView):
    queryset = (
        Contract.objects.select_related("contractor", "county").prefetch_related("stations").with_money()
        .annotate(station_count=Count("stations", distinct=True)).order_by("-year", "code")
    )
    filterset_class = ContractFilterSet
    template_name = "funding/contract_list.html"
    table_class = ContractTable


class ContractDetailView(ObjectDetailView):
    queryset = Contract.objects.select_related("contractor", "county").with_money()
    template_name = "funding/contract_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract, user = self.object, self.request.user
        instalments = list(contract.instalments.select_related("funding__source"))
        context.update(
            stations=contract.stations.select_related("town"),
            fundings=contract.fundings.select_related("source"),
            achievement=services.contract_achievement(contract, user=user),
            instalments=instalments,
            scheduled=sum((i.amount for i in instalments), services.ZERO),
            evaluations=contract.evaluations.select_related("system"),
            unfunded=contract.amount - contract.funded_amount,
            unpaid=contract.amount - contract.paid_amount,
            pay_form=InstalmentPayForm(initial={"paid_on": timezone.localdate()}),
            can_allocate=user.has_perm("funding.add_contractfunding"),
            can_set_target=user.has_perm("funding.add_contracttarget"),
            can_plan=user.has_perm("funding.add_paymentinstalment"),
            can_pay=user.has_perm("funding.change_paymentinstalment"),
            can_evaluate=user.has_perm("funding.add_performanceevaluation"),
            planned=InstalmentStatus.PLANNED,
        )
        return context


class ContractEditView(ObjectEditView):
    queryset = Contract.objects.all()
    form_class = ContractForm


class ContractChildEditView(ObjectEditView):
    """Adds (or edits) a row of a contract; the contract comes from the URL or the row."""

    def get_contract(self):
        if not hasattr(self, "_contract"):
            if self.kwargs.get("pk"):
                self._contract = self.get_object().contract
            else:
                self._contract = visible_or_404(Contract.objects, self.request.user,
                                                   pk=self.kwargs["contract_pk"])
        return self._contract

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["contract"] = self.get_contract()
        return kwargs

    def get_success_url(self):
        return self.get_contract().get_absolute_url()


class ContractFundingAddView(ContractChildEditView):
    queryset = ContractFunding.objects.all()
    form_class = ContractFundingForm
    success_message = _("The funding split is saved.")


class ContractTargetAddView(ContractChildEditView):
    queryset = ContractTarget.objects.all()
    form_class = ContractTargetForm


class PaymentInstalmentEditView(ContractChildEditView):
    queryset = PaymentInstalment.objects.select_related("contract")
    form_class = PaymentInstalmentForm

    def get_object(self, queryset=None):
        instalment = super().get_object(queryset)
        if instalment is not None and instalment.status == InstalmentStatus.PAID:
            raise Http404
        return instalment


class InstalmentPayView(ObjectActionView):
    """Records a payment; a refusal (over-payment, evaluation missing) is shown, nothing saved."""

    queryset = PaymentInstalment.objects.select_related("contract")
    title = _("Pay")
    form_class = InstalmentPayForm
    errors_as_messages = True  # the pay form sits on the contract's page
    success_message = _("The payment is recorded.")

    def perform(self, instalment, request, form_data):
        services.instalment_pay(instalment=instalment, paid_on=form_data["paid_on"], voucher=form_data["voucher"])

    def get_object_url(self):
        return self.object.contract.get_absolute_url()

    def service_error(self, error):
        for message in self.error_messages(error):  # one message each, as the page always showed them
            messages.error(self.request, message)
        return HttpResponseRedirect(self.get_error_url())


# --- Budget execution -----------------------------------------------------------------------

class BudgetView(ObjectPermissionMixin, TemplateView):
    """Budget execution (预算执行): per source and per contract, allocated, contracted, paid and
    remaining, for one year; ``?export=xlsx`` gives the same tables."""

    queryset = FundingSource.objects.all()
    template_name = "funding/budget.html"

    def get_year(self):
        years = sorted(set(FundingSource.objects.visible_to(self.request.user).values_list("year", flat=True)))
        self.years = years
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            year = None
        if year is None or year not in years:
            today = timezone.localdate().year
            year = today if today in years or not years else years[-1]
        return year

    def get(self, request, *args, **kwargs):
        self.year = self.get_year()
        self.report = exports.budget_execution(request.user, self.year)
        if request.GET.get("export") == "xlsx":
            return exports.budget_response(request, self.year, self.report)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(year=self.year, years=self.years, **self.report)
        return context


# --- Indicator systems ----------------------------------------------------------------------

class IndicatorSystemListView(ObjectListView):
    queryset = IndicatorSystem.objects.select_related("county").annotate(
        category_count=Count("categories", distinct=True),
        indicator_count=Count("categories__indicators", distinct=True),
        evaluation_count=Count("evaluations", distinct=True),
    ).order_by("-year", "name")
    filterset_class = IndicatorSystemFilterSet
    template_name = "funding/indicatorsystem_list.html"
    table_class = IndicatorSystemTable


class IndicatorSystemDetailView(ObjectDetailView):
    queryset = IndicatorSystem.objects.select_related("county")
    template_name = "funding/indicatorsystem_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        categories = list(self.object.categories.prefetch_related("indicators"))
        for category in categories:
            category.max_total = sum((i.max_score for i in category.indicators.all()), services.ZERO)
        context.update(
            categories=categories,
            total_weight=sum((c.weight for c in categories), services.ZERO),
            max_total=sum((c.max_total for c in categories), services.ZERO),
            can_change_indicators=self.request.user.has_perm(permission_name(Indicator, "add")),
        )
        return context


class IndicatorSystemEditView(ObjectEditView):
    queryset = IndicatorSystem.objects.all()
    form_class = IndicatorSystemForm


class SystemChildEditView(ObjectEditView):
    def get_system(self):
        if not hasattr(self, "_system"):
            if self.kwargs.get("pk"):
                obj = self.get_object()
                self._system = obj.system if isinstance(obj, IndicatorCategory) else obj.category.system
            else:
                self._system = visible_or_404(IndicatorSystem.objects, self.request.user,
                                                 pk=self.kwargs["system_pk"])
        return self._system

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["system"] = self.get_system()
        return kwargs

    def get_success_url(self):
        return self.get_system().get_absolute_url()


class IndicatorCategoryEditView(SystemChildEditView):
    queryset = IndicatorCategory.objects.select_related("system")
    form_class = IndicatorCategoryForm


class IndicatorEditView(SystemChildEditView):
    queryset = Indicator.objects.select_related("category__system")
    form_class = IndicatorForm


# --- Evaluations ----------------------------------------------------------------------------

class PerformanceEvaluationListView(ObjectListView):
    queryset = PerformanceEvaluation.objects.select_related("contract__contractor", "system")
    filterset_class = PerformanceEvaluationFilterSet
    template_name = "funding/evaluation_list.html"
    table_class = PerformanceEvaluationTable


class PerformanceEvaluationDetailView(ObjectDetailView):
    queryset = PerformanceEvaluation.objects.select_related("contract__contractor", "system", "recorded_by")
    template_name = "funding/evaluation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scores = {s.indicator_id: s for s in self.object.scores.all()}
        groups = []
        for category in self.object.system.categories.prefetch_related("indicators"):
            rows = [(indicator, scores.get(indicator.pk)) for indicator in category.indicators.all()]
            subtotal = sum((s.score for _i, s in rows if s is not None), services.ZERO)
            maximum = sum((i.max_score for i, _s in rows), services.ZERO)
            groups.append((category, rows, subtotal, maximum))
        context["groups"] = groups
        return context


class PerformanceEvaluationEditView(ObjectEditView):
    """The evaluation entry form: one score per indicator of the chosen indicator system."""

    queryset = PerformanceEvaluation.objects.select_related("contract", "system")
    form_class = PerformanceEvaluationForm
    template_name = "funding/evaluation_form.html"

    def get_contract(self):
        if self.kwargs.get("pk"):
            return self.get_object().contract
        return visible_or_404(Contract.objects, self.request.user, pk=self.kwargs["contract_pk"])

    def get_system(self, contract):
        if self.kwargs.get("pk"):
            return self.get_object().system
        systems = IndicatorSystem.objects.visible_to(self.request.user).filter(is_active=True)
        chosen = self.request.GET.get("system") or self.request.POST.get("system")
        if chosen:
            return get_object_or_404(systems, pk=chosen if str(chosen).isdigit() else 0)
        return systems.filter(county=contract.county).order_by("-year", "-pk").first() or systems.first()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.contract = self.get_contract()
        self.system = self.get_system(self.contract)
        kwargs.update(contract=self.contract, system=self.system)
        return kwargs

    def post(self, request, *args, **kwargs):
        if self.get_system(self.get_contract()) is None:
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            contract=self.contract, system=self.system,
            systems=IndicatorSystem.objects.visible_to(self.request.user).filter(is_active=True),
        )
        return context

    def get_success_url(self):
        return self.object.get_absolute_url()


# --- 公益创投 (venture philanthropy) ------------------------------------------------------------

def _venture_calls():
    return VentureCall.objects.select_related("county", "source").annotate(
        application_count=Count("applications", distinct=True),
        awarded_amount=Coalesce(Sum("applications__project__amount_awarded"), ZERO_YUAN),
    )


def _venture_applications():
    return VentureApplication.objects.select_related("call", "organisation", "partner").annotate(
        review_count=Count("reviews", distinct=True), average_score=Avg("reviews__score"))


class VentureCallListView(ObjectListView):
    queryset = _venture_calls().order_by("-year", "-opens_on", "-pk")
    filterset_class = VentureCallFilterSet
    template_name = "funding/venturecall_list.html"
    table_class = VentureCallTable


class VentureCallDetailView(ObjectDetailView):
    queryset = _venture_calls()
    template_name = "funding/venturecall_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call, user = self.object, self.request.user
        source = FundingSource.objects.with_execution().get(pk=call.source_id)
        context.update(
            applications=_venture_applications().filter(call=call).order_by("-average_score", "pk"),
            source=source, source_left=source.available_amount - source.contracted_amount,
            budget_left=call.budget - call.awarded_amount,
            can_apply=user.has_perm("funding.add_ventureapplication") and call.status == CallStatus.OPEN,
            actions=[(name, label) for name, label in VENTURE_CALL_ACTIONS
                     if CALL_TRANSITIONS[name][0] == call.status] if context["can_change"] else [],
        )
        return context


class VentureCallEditView(ObjectEditView):
    queryset = VentureCall.objects.all()
    form_class = VentureCallForm


class VentureCallActionView(ObjectActionView):
    queryset = VentureCall.objects.all()
    name = None

    def perform(self, call, request, form_data):
        return services.venture_call_transition(call=call, action=self.name)


class VentureCallOpenView(VentureCallActionView):
    name, title, success_message = "open", _("Open for applications"), _("The call is open for applications.")


class VentureCallCloseView(VentureCallActionView):
    name, title, success_message = "close", _("Close for review"), _("The call is closed; review can begin.")


class VentureCallAnnounceView(VentureCallActionView):
    name, title, success_message = "announce", _("Announce the results"), _("The results are announced.")


VENTURE_CALL_ACTIONS = [("open", VentureCallOpenView.title), ("close", VentureCallCloseView.title),
                        ("announce", VentureCallAnnounceView.title)]


class VentureApplicationListView(ObjectListView):
    queryset = _venture_applications().order_by("call", "-submitted_on", "pk")
    filterset_class = VentureApplicationFilterSet
    template_name = "funding/ventureapplication_list.html"
    table_class = VentureApplicationTable


class VentureApplicationDetailView(ObjectDetailView):
    queryset = _venture_applications()
    template_name = "funding/ventureapplication_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application, user = self.object, self.request.user
        submitted = application.status == ApplicationStatus.SUBMITTED
        closed = application.call.status == CallStatus.CLOSED
        context.update(
            reviews=application.reviews.select_related("reviewer__staff", "expert"),
            project=VentureProject.objects.filter(application=application).first(),
            can_review=submitted and closed and user.has_perm("funding.add_venturereview"),
            can_decide=submitted and closed and user.has_perm("funding.add_ventureproject"),
            can_edit=submitted and context["can_change"] and application.call.status in (CallStatus.OPEN,
                                                                                         CallStatus.CLOSED),
        )
        return context


class VentureApplicationEditView(ObjectEditView):
    queryset = VentureApplication.objects.select_related("call")
    form_class = VentureApplicationForm

    def get_call(self):
        if not hasattr(self, "_call"):
            if self.kwargs.get("pk"):
                self._call = self.get_object().call
            else:
                self._call = visible_or_404(VentureCall.objects, self.request.user, pk=self.kwargs["call_pk"])
        return self._call

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["call"] = self.get_call()
        return kwargs


class VentureReviewView(ObjectActionView):
    """A reviewer's score: the signed-in bureau or center user's own, or an outside expert's."""

    queryset = VentureApplication.objects.select_related("call")
    action = "add"
    title = _("Review")
    form_class = VentureReviewForm
    form_object_kwarg = "application"
    success_message = _("The review is recorded.")

    def get_model(self):
        return VentureReview

    def perform(self, application, request, form_data):
        expert = form_data.get("expert")
        return services.venture_review_record(
            application=application, score=form_data["score"], comment=form_data.get("comment", ""),
            reviewed_on=form_data["reviewed_on"], reviewer=None if expert else request.user, expert=expert,
            recorded_by=request.user)


class VentureAwardView(ObjectActionView):
    """Fund the application: a project out of the call's funding source (the contract rules)."""

    queryset = VentureApplication.objects.select_related("call")
    action = "add"
    title = _("Fund")
    form_class = VentureAwardForm
    form_object_kwarg = "application"
    success_message = _("The application is funded.")

    def get_model(self):
        return VentureProject

    def perform(self, application, request, form_data):
        return services.venture_award(application=application, amount=form_data["amount"],
                                      awarded_on=form_data["awarded_on"])

    def get_success_url(self):
        return self.result.get_absolute_url()


class VentureRejectView(ObjectActionView):
    queryset = VentureApplication.objects.select_related("call")
    title = _("Not funded")
    success_message = _("The application is marked not funded.")

    def perform(self, application, request, form_data):
        return services.venture_application_reject(application=application)


class VentureProjectListView(ObjectListView):
    queryset = VentureProject.objects.select_related(
        "application__organisation", "application__partner", "application__call").annotate(
        milestone_count=Count("milestones", distinct=True),
        milestones_done=Count("milestones", filter=Q(milestones__done_on__isnull=False), distinct=True),
    ).order_by("-awarded_on", "-pk")
    filterset_class = VentureProjectFilterSet
    template_name = "funding/ventureproject_list.html"
    table_class = VentureProjectTable


class VentureProjectDetailView(ObjectDetailView):
    queryset = VentureProject.objects.select_related(
        "application__organisation", "application__partner", "application__call", "source")
    template_name = "funding/ventureproject_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        payments = list(project.payments.all())
        context.update(
            milestones=project.milestones.all(), payments=payments,
            paid=sum((p.amount for p in payments if p.status == InstalmentStatus.PAID), services.ZERO),
            running=project.status == ProjectStatus.RUNNING,
            reported=project.status == ProjectStatus.REPORTED,
            planned=InstalmentStatus.PLANNED,
        )
        return context


class VentureProjectActionView(ObjectActionView):
    queryset = VentureProject.objects.all()
    form_object_kwarg = "project"


class VentureMilestoneAddView(VentureProjectActionView):
    title, form_class, success_message = _("Add milestone"), VentureMilestoneForm, _("The milestone is added.")

    def perform(self, project, request, form_data):
        return services.venture_milestone_add(project=project, title=form_data["title"], due_on=form_data["due_on"])


class VenturePaymentAddView(VentureProjectActionView):
    title, form_class, success_message = _("Plan a payment"), VenturePaymentForm, _("The payment is planned.")

    def perform(self, project, request, form_data):
        return services.venture_payment_add(project=project, amount=form_data["amount"], due_on=form_data["due_on"])


class VentureReportView(VentureProjectActionView):
    title, form_class = _("Submit the final report"), VentureReportForm
    success_message = _("The final report is submitted.")

    def perform(self, project, request, form_data):
        return services.venture_project_report(project=project, final_report=form_data.get("final_report", ""),
                                               reported_on=form_data["reported_on"])


class VentureEvaluateView(VentureProjectActionView):
    title, form_class = _("Evaluate and close"), VentureEvaluateForm
    success_message = _("The project is evaluated and closed.")

    def perform(self, project, request, form_data):
        return services.venture_project_evaluate(project=project, score=form_data["score"],
                                                 conclusion=form_data.get("conclusion", ""),
                                                 evaluated_on=form_data["evaluated_on"])


class VentureMilestoneDoneView(ObjectActionView):
    queryset = VentureMilestone.objects.select_related("project")
    title, form_class, form_object_kwarg = _("Record done"), VentureMilestoneDoneForm, "milestone"
    success_message = _("The milestone is recorded done.")

    def perform(self, milestone, request, form_data):
        return services.venture_milestone_done(milestone=milestone, done_on=form_data["done_on"],
                                               evidence=form_data.get("evidence", ""))

    def get_object_url(self):
        return self.object.project.get_absolute_url()


class VenturePayView(ObjectActionView):
    queryset = VenturePayment.objects.select_related("project")
    title, form_class, form_object_kwarg = _("Pay"), VenturePayForm, "payment"
    success_message = _("The payment is recorded.")

    def perform(self, payment, request, form_data):
        return services.venture_payment_pay(payment=payment, paid_on=form_data["paid_on"])

    def get_object_url(self):
        return self.object.project.get_absolute_url()
