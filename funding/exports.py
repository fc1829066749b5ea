"""The budget execution report (预算执行情况): one year, per source and per contract."""

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.models import AccessLog
from portal.xlsx import Column, write_sheet, xlsx_response

from .choices import Buyer, InstalmentStatus
from .models import ZERO_YUAN, Contract, FundingSource, VentureProject


def budget_execution(user, year):
    """The user's visible sources and contracts of ``year`` with allocated, contracted, paid and
    remaining amounts, and the totals. Two queries, whatever the number of rows."""
    sources = list(
        FundingSource.objects.visible_to(user).filter(year=year).with_execution().select_related("region")
        .order_by("region__code", "source_type", "name")
    )
    for source in sources:
        source.remaining_amount = source.available_amount - source.contracted_amount
        source.unpaid_amount = source.contracted_amount - source.paid_amount
    contracts = list(
        Contract.objects.visible_to(user).filter(year=year).with_money().select_related("contractor")
        .order_by("code")
    )
    for contract in contracts:
        contract.remaining_amount = contract.amount - contract.paid_amount
        contract.paid_percent = int(contract.paid_amount * 100 / contract.amount) if contract.amount else 0
    # 公益创投 awards draw on the sources as contracts do (their "contracted" counts them)
    projects = list(
        VentureProject.objects.visible_to(user).filter(application__call__year=year)
        .select_related("application__organisation", "application__partner", "application__call", "source")
        .annotate(paid_amount=Coalesce(Sum("payments__amount", filter=Q(payments__status=InstalmentStatus.PAID)),
                                       ZERO_YUAN))
        .order_by("application__call", "pk")
    )
    for project in projects:
        project.remaining_amount = project.amount_awarded - project.paid_amount
    by_buyer = {}
    for contract in contracts:
        name = str(contract.buyer_display)  # (in the request's language: the rows are grouped by it)
        row = by_buyer.setdefault(name, BuyerRow(name))
        row.add(contract)
    totals = {
        "available": sum(s.available_amount for s in sources),
        "contracted": sum(s.contracted_amount for s in sources),
        "paid": sum(s.paid_amount for s in sources),
        "remaining": sum(s.remaining_amount for s in sources),
        "unpaid": sum(s.unpaid_amount for s in sources),
        "contract_amount": sum(c.amount for c in contracts),
        "contract_funded": sum(c.funded_amount for c in contracts),
        "contract_paid": sum(c.paid_amount for c in contracts),
        "contract_remaining": sum(c.remaining_amount for c in contracts),
    }
    totals.update(venture_awarded=sum(p.amount_awarded for p in projects),
                  venture_paid=sum(p.paid_amount for p in projects))
    return {"sources": sources, "contracts": contracts, "projects": projects, "buyers": sorted(by_buyer.values(), key=BuyerRow.order),
            "totals": totals}


class BuyerRow:
    """The contracts of one buyer (民政局, 妇联, 文明办 … or another department by name)."""

    def __init__(self, name):
        self.name, self.count = name, 0
        self.amount = self.funded_amount = self.paid_amount = self.remaining_amount = 0
        self.is_civil_affairs = False

    def add(self, contract):
        self.count += 1
        self.amount += contract.amount
        self.funded_amount += contract.funded_amount
        self.paid_amount += contract.paid_amount
        self.remaining_amount += contract.remaining_amount
        self.is_civil_affairs = contract.buyer == Buyer.CIVIL_AFFAIRS

    def order(self):
        return (not self.is_civil_affairs, -self.amount, self.name)


def source_columns():
    return [
        Column(_("region"), "region.name"), Column(_("funding source"), "name", 34),
        Column(_("source type"), "get_source_type_display", 26), Column(_("base amount"), "base_amount", 16),
        Column(_("share rule"), "rule_display", 12),
        Column(_("allocated to purchased services"), "available_amount", 18),
        Column(_("contracted"), "contracted_amount", 16), Column(_("paid"), "paid_amount", 16),
        Column(_("remaining (not contracted)"), "remaining_amount", 18),
        Column(_("contracted, not yet paid"), "unpaid_amount", 18),
    ]


def contract_columns():
    return [
        Column(_("contract number"), "code", 18), Column(_("project name"), "name", 34),
        Column(_("buyer"), "buyer_display", 16),
        Column(_("contractor"), "contractor.name", 28), Column(_("contract amount"), "amount", 16),
        Column(_("funded"), "funded_amount", 16), Column(_("paid"), "paid_amount", 16),
        Column(_("remaining to pay"), "remaining_amount", 16), Column(_("status"), "get_status_display", 10),
    ]


def project_columns():
    return [
        Column(_("venture call"), "application.call.title", 30), Column(_("project title"), "application.project_title", 34),
        Column(_("applicant"), "application.applicant", 24), Column(_("funding source"), "source.name", 30),
        Column(_("amount awarded"), "amount_awarded", 16), Column(_("paid"), "paid_amount", 16),
        Column(_("remaining to pay"), "remaining_amount", 16), Column(_("status"), "get_status_display", 14),
    ]


def buyer_columns():
    return [
        Column(_("buyer"), "name", 20), Column(_("contracts"), "count", 10),
        Column(_("contract amount"), "amount", 16), Column(_("funded"), "funded_amount", 16),
        Column(_("paid"), "paid_amount", 16), Column(_("remaining to pay"), "remaining_amount", 16),
    ]


def budget_response(request, year, report):
    from accounts.services import access_log_record

    title = _("Budget execution %(year)s") % {"year": year}
    access_log_record(request=request, action=AccessLog.Action.EXPORT, object_repr=title)
    wb = Workbook(write_only=True)
    write_sheet(wb, _("By source")[:31], source_columns(), report["sources"])
    write_sheet(wb, _("By contract")[:31], contract_columns(), report["contracts"])
    write_sheet(wb, _("By buyer")[:31], buyer_columns(), report["buyers"])
    write_sheet(wb, _("Venture projects")[:31], project_columns(), report["projects"])
    return xlsx_response(wb, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")
