"""Menu entries of the funding app (see portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import MenuItem, register

register(
    MenuItem("funding", _("Contracts"), "funding:contract_list", "funding.view_contract", "file-earmark-text", 10),
    MenuItem("funding", _("Evaluations"), "funding:evaluation_list", "funding.view_performanceevaluation",
             "clipboard-check", 20),
    MenuItem("funding", _("Funding sources"), "funding:fundingsource_list", "funding.view_fundingsource", "bank", 30),
    MenuItem("funding", _("Budget execution"), "funding:budget", "funding.view_fundingsource", "cash-coin", 40),
    MenuItem("funding", _("Venture calls"), "funding:venturecall_list", "funding.view_venturecall", "lightbulb", 45),
    MenuItem("funding", _("Venture projects"), "funding:ventureproject_list", "funding.view_ventureproject",
             "kanban", 46),
    MenuItem("funding", _("Indicator systems"), "funding:indicatorsystem_list", "funding.view_indicatorsystem",
             "list-check", 50),
)
