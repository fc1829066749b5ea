"""Partner fixtures: 浚县's ledger (a charity fund offering cash, a community offering goods) and
a partner of 淇县, outside 浚县's scope."""

import pytest

from partners import services
from partners.choices import HelpKind, PartnerKind
from partners.models import Partner, PartnerOffering
from stations.models import Region


@pytest.fixture
def county(db):
    return Region.objects.get(name="浚县")


@pytest.fixture
def qixian(db):
    return Region.objects.get(code="410622")


def make_partner(county, name, kind=PartnerKind.CHARITY_RESOURCE, offers=(HelpKind.CASH,), **extra):
    partner = services.partner_save(partner=Partner(county=county, name=name, kind=kind, **extra))
    for help_kind in offers:
        services.partner_offering_save(offering=PartnerOffering(partner=partner, kind=help_kind,
                                                                description=f"{name}的{help_kind}"))
    return partner


@pytest.fixture
def charity(county):
    return make_partner(county, "浚县慈善总会", phone="13939201234", contact_person="李慈文")


@pytest.fixture
def love_house(county, station_baisi):
    return make_partner(county, "白寺镇爱心小屋", kind=PartnerKind.COMMUNITY, offers=(HelpKind.GOODS,),
                        station=station_baisi)


@pytest.fixture
def qixian_partner(qixian):
    return make_partner(qixian, "淇县慈善会")
