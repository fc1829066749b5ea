from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tables import DETAIL, Col, Table


def _offers(partner):
    return "、".join(sorted({o.get_kind_display() for o in partner.offerings.all()}))


class PartnerTable(Table):
    empty_text = _("No partners yet.")
    columns = [
        Col(_("Name"), "name", link=DETAIL, export_header=pgettext_lazy("partner", "Partner name"), width=24),
        Col(_("Kind"), "get_kind_display", export_header=_("kind"), width=16),
        Col(_("Offers"), _offers, classes="wrap", export_header=_("offers"), width=24),
        Col(_("Resource links"), "linked_count", end=True, phone=False, export_header=_("resource links"), width=10),
        Col(_("Amount (yuan)"), "linked_amount", end=True, export_header=_("amount (yuan)"), width=14),
        Col(_("Station"), "station.short_name", phone=False, export_header=_("station"), width=10),
        Col(_("active"), "is_active", page=False, width=8),
    ]
