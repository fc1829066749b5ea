"""Registry fixtures: people registered at 小河站 and 白寺站 through the services."""

import datetime
import random

import pytest

from clients import idnumbers, services
from clients.choices import Category

_rng = random.Random(7)


def new_id_number(born=datetime.date(1970, 5, 17), male=True):
    from clients.models import Client

    while True:
        number = idnumbers.generate(_rng, born=born, male=male)
        if not Client.objects.filter(id_number=number).exists():
            return number


@pytest.fixture
def register():
    """``register(station, name, born=..., categories=[...])`` registers a person through the service."""

    def make(station, name="张三", born=datetime.date(1970, 5, 17), categories=(Category.SUBSISTENCE_ALLOWANCE,),
             phone="13812341234", **extra):
        memberships = [{"category": c, "start_on": datetime.date(2022, 1, 1)} for c in categories]
        for membership in memberships:
            if membership["category"] == Category.DISABILITY:
                membership.update(disability_type="physical", disability_grade=2)
        return services.client_register(
            station=station, name=name, id_number=new_id_number(born), phone=phone,
            registered_on=datetime.date(2022, 1, 1), categories=memberships, **extra,
        )

    return make


@pytest.fixture
def xiaohe_client(register, station_xiaohe):
    return register(station_xiaohe, "张三")


@pytest.fixture
def baisi_client(register, station_baisi):
    """A 白寺站 person who is also a child, so the most sensitive case is the one checked."""
    return register(station_baisi, "李小梅", born=datetime.date(2015, 3, 8),
                    categories=[Category.CHILDREN_IN_DISTRESS])
