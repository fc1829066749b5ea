"""The registered people of the Xun County demo (``seed_demo``).

The 5,000 people visited in 2023 come in eight groups whose overlapping categories give the
seed's figures (低保 4,139, 特困 373, 困境儿童 801, 残疾人 441, 其他 711: 6,465 memberships
for 5,000 people); ~1,200 more people registered from 2023 on, who were not visited in 2023.
Everything comes from one fixed-seed ``random.Random``, so a second run builds the same
people, finds them by ID number and creates nothing.

Puts ``context["demo_groups"]`` ({"G1": [client ids], ...}) and ``context["demo_later_clients"]``
for the services demo.
"""

import datetime
import random

from django.utils import timezone

from . import idnumbers
from .choices import Category, ClientStatus, CloseReason, DisabilityType, Relationship, RiskLevel, Subtype
from .models import (
    Assessment,
    CategoryMembership,
    Client,
    Household,
    ScreeningCampaign,
    ScreeningRecord,
    VisitInterval,
    name_keys,
)

C = Category
# group: (size, categories, age band)
GROUPS = {
    "G1": (2815, [C.SUBSISTENCE_ALLOWANCE], "adult"),
    "G2": (300, [C.SUBSISTENCE_ALLOWANCE, C.DISABILITY], "adult"),
    "G3": (359, [C.SUBSISTENCE_ALLOWANCE, C.CHILDREN_IN_DISTRESS], "child"),
    "G4": (665, [C.SUBSISTENCE_ALLOWANCE, C.OTHER], "adult"),
    "G5": (141, [C.EXTREME_POVERTY, C.DISABILITY], "elderly"),
    "G6": (232, [C.EXTREME_POVERTY], "elderly"),
    "G7": (442, [C.CHILDREN_IN_DISTRESS], "child"),
    "G8": (46, [C.OTHER], "adult"),
}
LATER_COUNT = 1200
# Bigger towns hold more people (weights follow the towns' population).
TOWN_WEIGHTS = {
    "浚州街道": 13, "黎阳街道": 12, "卫溪街道": 8, "伾山街道": 7, "善堂镇": 11, "屯子镇": 10,
    "新镇镇": 10, "小河镇": 9, "卫贤镇": 9, "王庄镇": 8, "白寺镇": 9,
}
VILLAGES = {
    "浚州街道": ["东关社区", "西关社区", "南关社区", "北关社区"],
    "黎阳街道": ["黎阳社区", "大伾社区", "同山社区"],
    "卫溪街道": ["卫溪社区", "浮丘社区", "杨玘屯村"],
    "伾山街道": ["伾山社区", "东张庄村", "前枋城村"],
    "善堂镇": ["善堂村", "前李庄村", "西山村", "黄庄村"],
    "屯子镇": ["屯子村", "牛村", "纸坊村", "郭庄村"],
    "新镇镇": ["新镇村", "前五里村", "赵庄村"],
    "小河镇": ["小河村", "孙庄村", "白毛村", "前小河村"],
    "卫贤镇": ["卫贤村", "酸枣庙村", "刘寨村", "秦街村"],
    "王庄镇": ["王庄村", "鲁庄村", "临河村"],
    "白寺镇": ["白寺村", "郭厂村", "前岗村", "大马庄村"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁宋谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN_CHARS = "建国华平玉兰秀英桂芳明军红霞丽敏志强海燕淑珍春梅德福文凤云子涵梓轩浩然欣怡雨萱佳豪思远诗琪宇航"
DISABILITY_TYPES = list(DisabilityType)
CHILD_SUBTYPES = [Subtype.UNSUPPORTED, Subtype.UNSUPPORTED, Subtype.ILL_OR_DISABLED, Subtype.ORPHAN, Subtype.OTHER]
SEED = 20231231


def _random_date(rng, start, end):
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))


def _birth(rng, band):
    if band == "child":
        return _random_date(rng, datetime.date(2006, 1, 1), datetime.date(2020, 6, 30))
    if band == "elderly":
        return _random_date(rng, datetime.date(1935, 1, 1), datetime.date(1963, 12, 31))
    return _random_date(rng, datetime.date(1950, 1, 1), datetime.date(2000, 12, 31))


def _eighteenth(born):
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February
        return born.replace(year=born.year + 18, day=28)


def _membership(rng, category, *, start, born, urban, today):
    row = {"category": category, "start_on": start, "end_on": None, "subtype": "", "disability_type": "",
           "disability_grade": None}
    if category == C.SUBSISTENCE_ALLOWANCE:
        row["subtype"] = Subtype.URBAN if urban else Subtype.RURAL
    elif category == C.EXTREME_POVERTY:
        row["subtype"] = Subtype.CENTRALISED if rng.random() < 0.2 else Subtype.DISPERSED
    elif category == C.CHILDREN_IN_DISTRESS:
        row["subtype"] = rng.choice(CHILD_SUBTYPES)
        adult_on = _eighteenth(born)
        if adult_on <= today:
            row["end_on"] = adult_on  # a child in distress stops being one at 18
    elif category == C.DISABILITY:
        row["disability_type"] = rng.choice(DISABILITY_TYPES)
        row["disability_grade"] = rng.choice((1, 2, 2, 3, 3, 4))
    return row


class _Plan:
    """Every person of the demo, built in memory from the fixed seed."""

    def __init__(self, stations, workers, today):
        self.today = today
        self.towns = [name for name in TOWN_WEIGHTS if name in stations]
        self.stations = stations
        self.workers = {}
        for worker in workers:
            self.workers.setdefault(worker.station_id, []).append(worker)
        self.people = []  # dicts
        self.used_ids = set()

    def _id_number(self, rng, born, male):
        while True:
            number = idnumbers.generate(rng, born=born, male=male)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def person(self, group, index, categories, band, *, registered_between):
        # One generator per person, and identity drawn before anything that depends on today,
        # so the same person (same ID number) comes back on any later run.
        rng = random.Random(f"{SEED}-{group}-{index}")
        town = rng.choices(self.towns, weights=[TOWN_WEIGHTS[t] for t in self.towns])[0]
        station = self.stations[town]
        born = _birth(rng, band)
        male = rng.random() < (0.52 if band == "child" else 0.46)
        id_number = self._id_number(rng, born, male)
        name = _name(rng)
        village = rng.choice(VILLAGES[town])
        address = f"浚县{town}{village}{rng.randrange(1, 120)}号"
        phone = f"1{rng.choice('35789')}{rng.randrange(10**8, 10**9)}" if rng.random() < 0.8 else ""
        workers = self.workers.get(station.pk, [])
        worker = rng.choice(workers) if workers else None
        first, last = registered_between
        first = max(first, station.opened_on, born + datetime.timedelta(days=60))
        if band == "child":
            last = min(last, _eighteenth(born) - datetime.timedelta(days=1))
        registered = _random_date(rng, first, max(first, last))
        person = {
            "group": group, "station": station, "town": town, "name": name, "id_number": id_number, "born": born,
            "registered_on": registered, "village": village, "address": address, "phone": phone, "worker": worker,
            "memberships": [
                _membership(rng, category, start=registered, born=born, urban=town.endswith("街道"), today=self.today)
                for category in categories
            ],
            "status": ClientStatus.ACTIVE, "closed_on": None, "close_reason": "", "rng": rng,
        }
        self.people.append(person)
        return person

    def build(self):
        before_2023 = (datetime.date(2021, 6, 1), datetime.date(2022, 12, 31))
        for group, (size, categories, band) in GROUPS.items():
            for index in range(size):
                self.person(group, index, categories, band, registered_between=before_2023)
        since_2023 = (datetime.date(2023, 1, 1), self.today - datetime.timedelta(days=3))
        later_mix = [
            ([C.SUBSISTENCE_ALLOWANCE], "adult", 30), ([C.LEFT_BEHIND_ELDERLY], "elderly", 18),
            ([C.EMPTY_NEST_ELDERLY], "elderly", 16), ([C.SUBSISTENCE_ALLOWANCE, C.EMPTY_NEST_ELDERLY], "elderly", 6),
            ([C.CHILDREN_IN_DISTRESS], "child", 10), ([C.DISABILITY], "adult", 8),
            ([C.EXTREME_POVERTY], "elderly", 4), ([C.OTHER], "adult", 8),
        ]
        weights = [w for *_, w in later_mix]
        for index in range(LATER_COUNT):
            categories, band, _w = random.Random(f"{SEED}-mix-{index}").choices(later_mix, weights=weights)[0]
            person = self.person("later", index, categories, band, registered_between=since_2023)
            if index % 60 == 7:  # a few have left the registry since
                person["status"] = ClientStatus.CLOSED
                person["close_reason"] = CloseReason.DEATH if band == "elderly" else CloseReason.MOVED_OUT
                person["closed_on"] = min(self.today, person["registered_on"] + datetime.timedelta(
                    days=person["rng"].randrange(60, 500)))
                for membership in person["memberships"]:
                    if membership["end_on"] is None or membership["end_on"] > person["closed_on"]:
                        membership["end_on"] = person["closed_on"]
        return self


# Xun County's own rhythm (动态监测频次), which its stations' staffing can keep: high risk monthly,
# 特困 and children in distress quarterly, everyone else once a year (the demo's visits follow it).
DEMO_INTERVALS = {
    ("", RiskLevel.HIGH): 30,
    (C.EXTREME_POVERTY, ""): 90,
    (C.CHILDREN_IN_DISTRESS, ""): 90,
    (C.SUBSISTENCE_ALLOWANCE, ""): 365,
    (C.DISABILITY, ""): 365,
    (C.LEFT_BEHIND_ELDERLY, ""): 180,
    (C.EMPTY_NEST_ELDERLY, ""): 180,
    (C.OTHER, ""): 365,
}


def _seed_intervals(county):
    for (category, risk_level), days in DEMO_INTERVALS.items():
        VisitInterval.objects.get_or_create(county=county, category=category, risk_level=risk_level,
                                            defaults={"days": days})


def _create(plan):
    """Creates the people who do not exist yet, with memberships, households and assessments."""
    rng = random.Random(SEED + 1)
    existing = set(Client.objects.filter(id_number__in=plan.used_ids).values_list("id_number", flat=True))
    new_people = [p for p in plan.people if p["id_number"] not in existing]
    if not new_people:
        return
    clients = []
    for person in new_people:
        pinyin, initials = name_keys(person["name"])
        clients.append(Client(
            station=person["station"], worker=person["worker"], name=person["name"], name_pinyin=pinyin,
            name_initials=initials, id_number=person["id_number"], gender=idnumbers.gender(person["id_number"]),
            birth_date=person["born"], phone=person["phone"], address=person["address"], village=person["village"],
            registered_on=person["registered_on"], status=person["status"], closed_on=person["closed_on"],
            close_reason=person["close_reason"], next_visit_due=person["registered_on"],
        ))
    Client.objects.bulk_create(clients, batch_size=1000)
    ids = dict(Client.objects.filter(id_number__in=[p["id_number"] for p in new_people])
               .values_list("id_number", "pk"))
    memberships = [
        CategoryMembership(client_id=ids[p["id_number"]], station=p["station"], **m)
        for p in new_people for m in p["memberships"]
    ]
    CategoryMembership.objects.bulk_create(memberships, batch_size=2000)

    # Households: a child in distress living with a parent or grandparent on 低保; some are 困境家庭.
    by_station = {}
    for person in new_people:
        if person["group"] in ("G1", "G2", "G4") and person["status"] == ClientStatus.ACTIVE:
            by_station.setdefault(person["station"].pk, []).append(person)
    children = [p for p in new_people if p["group"] in ("G3", "G7")]
    rng.shuffle(children)
    pairs = []
    for child in children[:240]:
        candidates = by_station.get(child["station"].pk)
        if candidates:
            pairs.append((candidates.pop(rng.randrange(len(candidates))), child))
    households = [
        Household(station=head["station"], address=head["address"], village=head["village"],
                  in_distress=index % 3 == 0,
                  notes="父母外出务工,祖孙共同生活" if index % 3 == 0 else "")
        for index, (head, _child) in enumerate(pairs)
    ]
    households = Household.objects.bulk_create(households)
    members = []
    for household, (head, child) in zip(households, pairs, strict=True):
        elder = head["born"].year < 1975
        members.append((ids[head["id_number"]], household.pk, Relationship.HEAD))
        members.append((ids[child["id_number"]], household.pk, Relationship.GRANDCHILD if elder else Relationship.CHILD))
    to_update = []
    for client_id, household_id, relationship in members:
        to_update.append(Client(pk=client_id, household_id=household_id, relationship=relationship))
    Client.objects.bulk_update(to_update, ["household", "relationship"], batch_size=1000)

    # Needs assessments, mostly low risk; the higher levels set the client's current risk.
    assessments, risky = [], []
    for person in new_people:
        if rng.random() > 0.35:
            continue
        risk = rng.choices([RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW], weights=[6, 24, 70])[0]
        day = person["registered_on"] + datetime.timedelta(days=rng.randrange(5, 40))
        if day > plan.today:
            continue
        assessments.append(Assessment(
            client_id=ids[person["id_number"]], assessed_on=day, assessor=person["worker"], risk_level=risk,
            living_condition=rng.choice(["独居,生活基本自理", "与子女同住,照料不足", "房屋老旧,冬季取暖困难",
                                         "祖孙二人生活,经济来源单一", "行动不便,需要定期照护"]),
            needs=rng.choice(["生活照料", "医疗救助", "心理疏导", "学业辅导", "政策咨询", "临时救助"]),
        ))
        if risk != RiskLevel.LOW:
            risky.append(Client(pk=ids[person["id_number"]], risk_level=risk))
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    Client.objects.bulk_update(risky, ["risk_level"], batch_size=1000)


def _seed_screening(plan, county, workers):
    """A county-wide screening campaign of this year, about two thirds done."""
    year = plan.today.year
    campaign, created = ScreeningCampaign.objects.get_or_create(
        county=county, name=f"{year}年困难群众大排查",
        defaults={"start_on": datetime.date(year, 3, 1), "end_on": datetime.date(year, 12, 31),
                  "notes": "对城乡低保对象、特困人员、困境儿童、残疾人、困境家庭进行全面排查摸底。"},
    )
    if not created:
        return
    stations = list(plan.stations.values())
    campaign.stations.set(stations)
    rng = random.Random(SEED + 2)
    worker_of = {w.station_id: w for w in workers}
    records = []
    covered = Client.objects.filter(station__in=stations, status=ClientStatus.ACTIVE).values_list("pk", "station_id")
    end = min(plan.today, campaign.end_on)
    for client_id, station_id in covered.order_by("pk").iterator():
        if rng.random() > 0.66:
            continue
        found = rng.random() > 0.03
        records.append(ScreeningRecord(
            campaign=campaign, client_id=client_id, screened_on=_random_date(rng, campaign.start_on, end),
            screener=worker_of.get(station_id), result="found" if found else "not_found",
            living_condition=rng.choice(["基本生活有保障", "住房需修缮", "缺少照料", "收入不稳定"]) if found else "",
            risk_level=rng.choices([RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH], weights=[80, 16, 4])[0]
            if found else "",
            needs=rng.choice(["", "", "医疗救助", "临时救助", "生活照料"]) if found else "",
        ))
    ScreeningRecord.objects.bulk_create(records, batch_size=2000)


def seed(context):
    today = timezone.localdate()
    stations = context["stations"]
    county = context["county"]
    _seed_intervals(county)
    plan = _Plan(stations, context.get("workers", []), today).build()
    _create(plan)
    ids = dict(Client.objects.filter(id_number__in=plan.used_ids).values_list("id_number", "pk"))
    groups = {key: [] for key in GROUPS}
    later = []
    for person in plan.people:
        (later if person["group"] == "later" else groups[person["group"]]).append(ids[person["id_number"]])
    context["demo_groups"] = groups
    context["demo_later_clients"] = later
    _seed_screening(plan, county, context.get("workers", []))
