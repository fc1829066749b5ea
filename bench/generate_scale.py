"""Synthetic data at the scales of PERFORMANCE.md, written in bulk (COPY on PostgreSQL).

    .venv/bin/python bench/generate_scale.py --scale county|city|province [--database-check]

Writes a synthetic province → city → counties → towns tree (its own province code, so the
Xun County demo, if present, stays intact), one station per town, bureaus, guidance centres
and operators per county, station heads and social workers with accounts, registered
clients with valid GB 11643 ID numbers and overlapping, dated category memberships, and three
years of records: visits with a seasonal pattern (Spring Festival and Mid-Autumn peaks, fewer
at weekends), some entered late and some edited, with their workers and campaign tags;
resource links, cases with service notes, groups with sessions and attendance, community
activities, trainings with attendance and supervisions. Then it rebuilds the figures rollup
(``reports.figures.rebuild``) and runs ANALYZE.

Rows get their primary keys here and go in with ``COPY … FROM STDIN`` (psycopg2
``copy_expert``) on PostgreSQL, ``executemany`` elsewhere (the tiny scale the tests use on
SQLite). History rows are not written for generated data, and signals do not run: the
rollup is rebuilt at the end instead. A scale already loaded is left as it is (the command
says so and only re-checks it with ``--database-check``).

``--database-check`` then verifies the loaded data: every ID number's check digit, every
row's station reachable (foreign keys resolve, the station's county is the town's parent),
overlapping categories present, and the rollup reconciled with the raw records (0
differences; skipped with ``--no-reconcile`` when only the cheap checks are wanted).
"""

import os
import sys
from pathlib import Path

if __name__ == "__main__":  # run as a script: Django is set up before the models are imported
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.common import setup_django

    setup_django(os.environ.get("DATABASE_URL"))

import bisect
import csv
import datetime
import io
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from clients import idnumbers
from clients.choices import Category, ClientStatus, CloseReason, RiskLevel, Subtype
from clients.models import CategoryMembership, Client, name_keys
from services.choices import (
    ActivityKind,
    CaseClosureReason,
    CasePlanStatus,
    CaseStage,
    ResourceKind,
    SourceKind,
    VisitKind,
)
from services.models import Activity, CampaignTag, Case, CaseNote, Group, GroupSession, ResourceLink, Visit
from stations.choices import OrganisationKind, RegionLevel, Role
from stations.demo import DEMO_PASSWORD
from stations.models import Organisation, Region, Staff, Station
from training.choices import SupervisionMode
from training.models import Supervision, Training, TrainingAttendance


@dataclass(frozen=True)
class Scale:
    name: str
    province_code: str  # two digits: each scale has its own province, so scales can coexist
    cities: int
    counties_per_city: int
    towns_per_county: int
    workers: int
    clients: int
    visits: int


SCALES = {
    # "tiny" is for the tests (SQLite, a second or two).
    "tiny": Scale("tiny", "62", 1, 1, 3, 9, 300, 1_500),
    "county": Scale("county", "65", 1, 1, 11, 25, 8_000, 20_000),
    "city": Scale("city", "64", 1, 10, 10, 1_000, 200_000, 2_000_000),
    "province": Scale("province", "63", 10, 20, 10, 20_000, 5_000_000, 50_000_000),
}
YEARS = 3
PASSWORD = DEMO_PASSWORD
CHUNK = 50_000

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴"
            "夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN_MALE = ["伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "斌",
              "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "阳", "建国", "建军", "国强", "志强",
              "海涛", "俊杰", "文博", "子轩", "浩然", "宇航", "振华", "德明", "永福", "长顺", "树林", "金山", "玉林",
              "保国", "洪亮", "春生", "秋生", "福贵", "有才", "天佑", "嘉豪", "一鸣", "思远", "明轩", "梓豪", "晨阳"]
GIVEN_FEMALE = ["芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "燕", "萍", "红", "梅", "琳", "雪", "慧", "莉",
                "婷", "颖", "洁", "欣", "悦", "瑶", "琪", "蕾", "薇", "岚", "秀英", "桂英", "秀兰", "玉兰", "桂兰",
                "凤英", "秀珍", "淑珍", "春梅", "海燕", "晓燕", "红梅", "丽娟", "雨涵", "欣怡", "梓涵", "诗涵", "子涵",
                "佳怡", "思琪", "雅琪", "梦琪", "可馨", "语嫣", "若曦", "金花", "翠兰", "玉珍", "素芬", "爱华", "月娥"]
PLACE_A = "青白金石清安永长新东西南北红平和兴太富华德福宁顺丰"
PLACE_B = "山河川泉溪湖林峰桥源塘坪沟岭湾庄堡原城台"
VILLAGE_B = ["村", "村", "村", "社区"]
FINDINGS = [
    "老人身体状况稳定，生活基本能自理，家中整洁。", "房屋漏雨，已登记需求，联系村委协助维修。",
    "孩子学习用品不足，已记录需求。", "慢性病按时服药，血压偏高，提醒按时复诊。", "独居，情绪低落，进行情绪疏导。",
    "低保金按时发放，家庭收支基本平衡。", "冬季取暖设施不足，已反馈镇民政办。", "监护人外出务工，由祖父母照看，照料尚可。",
    "残疾人辅具老化，已联系残联申请更换。", "家中存放过期药品，已协助清理。", "老人行动不便，协助办理高龄补贴。",
    "孩子在校表现良好，与班主任沟通情况。", "电话回访，本人表示近况良好，无新增需求。", "节日慰问，送去米面油等慰问品。",
    "陪同前往镇便民服务中心办理医保报销。", "燃气使用存在安全隐患，已讲解安全知识。", "近期住院治疗，出院后恢复中。",
    "子女长期未联系，老人希望多些陪伴。", "居住环境较差，协调志愿者上门清扫。", "家庭关系紧张，约定下次入户时进行家庭会谈。",
]
NEEDS = ["", "", "", "生活照料", "心理疏导", "学业辅导", "医疗救助", "住房修缮", "就业帮扶", "康复辅具", "政策咨询", "取暖物资"]
CASE_TITLES = ["独居老人照料支持", "困境儿童学业支持", "残疾人社区融入", "家庭关系调适", "低保家庭就业帮扶",
               "留守儿童亲子沟通", "特困老人健康管理", "重病家庭资源链接"]
GROUP_THEMES = ["老年人健康养生小组", "困境儿童成长小组", "残疾人互助小组", "留守儿童阅读小组", "照顾者减压小组",
                "妇女手工技能小组", "青少年防溺水安全小组"]
ACTIVITY_TITLES = [("festival", "春节送温暖"), ("festival", "中秋团圆会"), ("festival", "重阳敬老宴"),
                   ("education", "防诈骗宣传讲座"), ("education", "政策宣讲进村"), ("volunteer", "志愿者清洁家园"),
                   ("culture", "广场舞展演"), ("health", "健康义诊进社区"), ("children", "儿童之家暑期课堂"),
                   ("other", "邻里议事会")]
RESOURCE_ITEMS = [("goods", "米面油慰问品", "enterprise", "爱心企业"), ("cash", "临时救助金", "government", "镇民政办"),
                  ("goods", "冬衣棉被", "charity_fund", "慈善总会"), ("service", "上门理发服务", "volunteers", "志愿者协会"),
                  ("goods", "学习用品", "donor", "爱心人士"), ("service", "康复训练服务", "other", "康复中心")]
TRAINING_TOPICS = ["社会工作伦理与价值观", "个案管理实务", "小组工作方法", "社区活动策划", "困境儿童关爱保护",
                   "老年人需求评估", "社会救助政策解读", "服务记录规范书写", "危机干预技巧", "资源链接与整合"]
TAGS = [("五社联动", "社区、社会组织、社会工作者、社区志愿者、社会慈善资源联动"), ("千站暖万家", "社工站冬春关爱行动")]
# Visits per month of the year, relative: Spring Festival (Jan/Feb) and Mid-Autumn/National Day
# (Sep/Oct) peaks, a summer dip (farm work, heat).
MONTH_WEIGHT = {1: 1.5, 2: 1.35, 3: 1.0, 4: 0.95, 5: 0.95, 6: 0.9, 7: 0.75, 8: 0.8, 9: 1.3, 10: 1.15, 11: 1.0, 12: 1.1}
# Category mixes (overlapping) with their share of clients and the birth years that fit.
SA, EP, CD, DI, LB, EN, OT = (Category.SUBSISTENCE_ALLOWANCE, Category.EXTREME_POVERTY, Category.CHILDREN_IN_DISTRESS,
                              Category.DISABILITY, Category.LEFT_BEHIND_ELDERLY, Category.EMPTY_NEST_ELDERLY,
                              Category.OTHER)
MIXES = [
    ((SA,), 0.48, "adult"), ((SA, DI), 0.06, "adult"), ((SA, CD), 0.06, "child"), ((SA, OT), 0.11, "adult"),
    ((EP, DI), 0.03, "elderly"), ((EP,), 0.05, "elderly"), ((CD,), 0.08, "child"), ((OT,), 0.03, "adult"),
    ((LB,), 0.04, "elderly"), ((EN,), 0.03, "elderly"), ((SA, EN), 0.02, "elderly"), ((DI,), 0.01, "adult"),
]
BIRTH_YEARS = {"child": (2009, 2023), "elderly": (1935, 1963), "adult": (1950, 2000)}
VISIT_WEIGHT = {EP: 2.0, CD: 1.5, LB: 1.3, EN: 1.3}


class Writer:
    """Buffers rows per table and writes them with COPY (PostgreSQL) or executemany."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.postgres = connection.vendor == "postgresql"
        self.buffers = {}
        self.counts = {}
        self.seconds = {}  # time spent writing, per table
        self.next_ids = {}

    def next_id(self, model_or_table):
        table = model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table
        if table not in self.next_ids:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")
                self.next_ids[table] = (cursor.fetchone()[0] or 0) + 1
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table, columns, row):
        buffer = self.buffers.get(table)
        if buffer is None:
            buffer = self.buffers[table] = (tuple(columns), [])
        buffer[1].append(row)
        if len(buffer[1]) >= CHUNK:
            self.flush(table)

    def flush(self, table=None):
        tables = [table] if table else list(self.buffers)
        for name in tables:
            columns, rows = self.buffers.get(name, ((), []))
            if not rows:
                continue
            began = time.monotonic()
            with transaction.atomic(), connection.cursor() as cursor:
                if self.postgres:
                    # CSV through the C writer; None goes out as "" and FORCE_NULL makes it NULL
                    # in the columns that hold one (never text columns here).
                    buffer = io.StringIO()
                    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
                    nulls = [columns[i] for i in range(len(columns)) if any(row[i] is None for row in rows)]
                    force = f", FORCE_NULL ({', '.join(nulls)})" if nulls else ""
                    buffer.seek(0)
                    cursor.cursor.copy_expert(
                        f"COPY {name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{force})", buffer)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})",
                                       [tuple(map(self._plain, row)) for row in rows])
            self.counts[name] = self.counts.get(name, 0) + len(rows)
            self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - began
            rows.clear()

    @staticmethod
    def _plain(value):
        """A value the SQLite driver stores the way Django does (choices as text, UTC datetimes)."""
        if isinstance(value, str) and type(value) is not str:
            return str(value)
        if isinstance(value, datetime.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        return value

    def reset_sequences(self):
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for table in self.counts:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"COALESCE((SELECT MAX(id) FROM {table}), 1))")


def _table(model):
    return model._meta.db_table


def _through(model, field):
    return model._meta.get_field(field).remote_field.through._meta.db_table


class Generator:
    def __init__(self, scale, stdout, seed=20231):
        self.scale = scale
        self.rng = random.Random(seed)
        self.out = stdout
        self.w = Writer(stdout)
        self.today = timezone.localdate()
        self.start = datetime.date(self.today.year - YEARS, self.today.month, 1)
        self.now = timezone.now()
        # Local working hours; a fixed offset is exact for Asia/Shanghai (no DST since 1991) and
        # much cheaper than a zone lookup per row.
        self.tz = datetime.timezone(timezone.localtime(self.now).utcoffset())
        self.names = {}
        self.started = time.monotonic()

    def say(self, text):
        self.out.write(f"[{time.monotonic() - self.started:6.1f}s] {text}")

    # --- helpers -------------------------------------------------------------------------
    def at(self, day, hour=None):
        """An aware datetime on ``day`` during working hours (never in the future)."""
        hour = int(self.rng.random() * 11) + 8 if hour is None else hour
        moment = datetime.datetime(day.year, day.month, day.day, hour, int(self.rng.random() * 60), tzinfo=self.tz)
        return moment if moment < self.now else self.now

    def name(self, male):
        rng = self.rng
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
        keys = self.names.get(name)
        if keys is None:
            keys = self.names[name] = name_keys(name)
        return name, keys

    def day_between(self, first, last):
        if last <= first:
            return first
        return first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1))

    # --- organisation ----------------------------------------------------------------------
    def organisation(self):
        s, rng = self.scale, self.rng
        pc = s.province_code
        combos = [a + b for a in PLACE_A for b in PLACE_B]
        rng.shuffle(combos)
        province, _ = Region.objects.get_or_create(
            code=f"{pc}0000", defaults={"name": f"{combos.pop()}省", "level": RegionLevel.PROVINCE})
        self.province = province
        self.counties, self.stations, self.cities = [], [], []
        hasher = make_password(PASSWORD)
        self.password_hash = hasher
        user_table = _table(get_user_model())
        provider_of = {}
        for c in range(1, s.cities + 1):
            city = Region.objects.create(code=f"{pc}{c:02d}00", name=f"{combos.pop()}市", level=RegionLevel.CITY,
                                         parent=province)
            self.cities.append(city)
            city_bureau = Organisation.objects.create(name=f"{city.name}民政局", short_name=f"{city.name}民政局",
                                                      kind=OrganisationKind.BUREAU, region=city)
            self.user(f"scale_{s.name}_city{c}", f"{city.name}民政局查询", Role.CITY_VIEWER, city_bureau)
            for k in range(1, s.counties_per_city + 1):
                county = Region.objects.create(code=f"{pc}{c:02d}{k:02d}", name=f"{combos.pop()}县",
                                               level=RegionLevel.COUNTY, parent=city)
                self.counties.append(county)
                bureau = Organisation.objects.create(name=f"{county.name}民政局", short_name=f"{county.name}民政局",
                                                     kind=OrganisationKind.BUREAU, region=county)
                center = Organisation.objects.create(
                    name=f"{county.name}社会工作服务指导中心", short_name=f"{county.name}指导中心",
                    kind=OrganisationKind.CENTER, region=county)
                provider = Organisation.objects.create(
                    name=f"{city.name}{county.name}启航社会工作服务中心", short_name=f"{county.name}启航",
                    kind=OrganisationKind.PROVIDER, region=county)
                provider_of[county.pk] = provider
                county.center_org = center
                suffix = f"{c}_{k}"
                self.user(f"scale_{s.name}_bureau{suffix}", f"{county.name}民政局", Role.BUREAU_STAFF, bureau)
                county.supervisor = self.user(f"scale_{s.name}_center{suffix}", f"{county.name}督导",
                                              Role.CENTER_SUPERVISOR, center)
                towns = []
                for t in range(1, s.towns_per_county + 1):
                    kind = "街道" if t <= 2 else "镇"
                    town = Region(code=f"{county.code}{t:03d}", name=f"{combos[-t]}{kind}", level=RegionLevel.TOWN,
                                  parent=county)
                    town.base_name = combos[-t]
                    towns.append(town)
                Region.objects.bulk_create(towns)
                for t, town in enumerate(towns):
                    station = Station(
                        name=f"{county.name}{town.name}社会工作服务站", short_name=f"{town.base_name}站",
                        town=town, county=county, operator=provider, address=f"{county.name}{town.name}政府院内",
                        phone=f"0951-{rng.randint(1000000, 9999999)}",
                        opened_on=datetime.date(self.today.year - YEARS - 1, 3, 1) + datetime.timedelta(days=t * 7),
                        has_sign=True, has_staff=True, has_mechanism=True, has_process=True, has_project=t % 4 != 3,
                        std_construction=True, std_management=True, std_refined=t % 3 != 2,
                        std_professional=t % 2 == 0, std_venues=t % 3 == 0,
                    )
                    station.save()
                    station.county_obj = county
                    self.stations.append(station)
        self.say(f"{len(self.counties)} counties, {len(self.stations)} stations")
        # Workers: a head and social workers per station, spread evenly.
        per, extra = divmod(s.workers, len(self.stations))
        self.station_staff = {}
        users, staff_rows = [], []
        for index, station in enumerate(self.stations):
            count = max(2, per + (1 if index < extra else 0))
            ids = []
            for slot in range(count):
                male = rng.random() < 0.35
                name, _keys = self.name(male)
                user_id = self.w.next_id(user_table)
                staff_id = self.w.next_id(Staff)
                username = f"scale_{s.name}_w{station.pk}_{slot}"
                users.append((user_id, username, name))
                role = Role.STATION_HEAD if slot == 0 else Role.SOCIAL_WORKER
                staff_rows.append((staff_id, user_id, name, role, provider_of[station.county_id].pk, station.pk,
                                   f"139{rng.randint(10000000, 99999999)}", station.opened_on, None))
                ids.append((staff_id, user_id))
            self.station_staff[station.pk] = ids
        for user_id, username, name in users:
            self.w.add(user_table, ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
                                    "is_staff", "is_active", "date_joined"],
                       (user_id, hasher, False, username, name, "", "", False, True, self.now))
        self.w.flush()
        for row in staff_rows:
            self.w.add(_table(Staff), ["id", "user_id", "name", "role", "organisation_id", "station_id", "phone",
                                       "active_from", "active_to"], row)
        self.w.flush()
        self.say(f"{len(staff_rows)} station staff with accounts")
        self.tags = [CampaignTag.objects.get_or_create(name=n, defaults={"description": d})[0].pk for n, d in TAGS]

    def user(self, username, name, role, organisation, station=None):
        User = get_user_model()
        user = User.objects.create(username=username, first_name=name, password=self.password_hash)
        return Staff.objects.create(user=user, name=name, role=role, organisation=organisation, station=station,
                                    active_from=datetime.date(self.today.year - YEARS - 1, 1, 1))

    # --- clients -----------------------------------------------------------------------------
    def clients(self):
        s, rng, w = self.scale, self.rng, self.w
        cum, total = [], 0.0
        for _mix, share, _band in MIXES:
            total += share
            cum.append(total)
        per, extra = divmod(s.clients, len(self.stations))
        seen_ids = set()
        self.pool = {}      # station id -> (client ids with repeats by visit weight)
        self.window = {}    # client id -> (first, last) day it may be visited
        self.holds = {}     # client id -> categories (for case/group picks)
        client_cols = ["id", "station_id", "relationship", "worker_id", "name", "name_pinyin", "name_initials",
                       "id_number", "gender", "birth_date", "phone", "address", "village", "registered_on", "status",
                       "closed_on", "close_reason", "close_note", "risk_level", "last_visit_on", "next_visit_due",
                       "created_at", "updated_at"]
        member_cols = ["id", "client_id", "station_id", "category", "subtype", "disability_type", "disability_grade",
                       "start_on", "end_on"]
        span = (self.today - self.start).days
        memberships = 0
        for index, station in enumerate(self.stations):
            count = per + (1 if index < extra else 0)
            county_code = station.county_obj.code
            staff = self.station_staff[station.pk]
            pool = []
            villages = [f"{a}{b}{rng.choice(VILLAGE_B)}" for a, b in zip(
                rng.sample(PLACE_A, 8), rng.sample(PLACE_B, 8), strict=True)]
            for _ in range(count):
                mix, _share, band = MIXES[bisect.bisect_left(cum, rng.random() * total)]
                low, high = BIRTH_YEARS[band]
                if band == "child":  # under 18 today
                    born = self.day_between(max(datetime.date(low, 1, 1), self.today.replace(year=self.today.year - 17)),
                                            self.today.replace(year=self.today.year - 1))
                else:
                    born = self.day_between(datetime.date(low, 1, 1), datetime.date(high, 12, 28))
                male = rng.random() < 0.5
                number = idnumbers.generate(rng, born=born, male=male, area=county_code)
                while number in seen_ids:
                    number = idnumbers.generate(rng, born=born, male=male, area=county_code)
                seen_ids.add(number)
                name, (pinyin, initials) = self.name(male)
                client_id = w.next_id(Client)
                # 80 % registered before the three years, the rest during them (new people).
                if rng.random() < 0.8:
                    registered = self.day_between(datetime.date(self.start.year - 3, 1, 1), self.start)
                else:
                    registered = self.start + datetime.timedelta(days=rng.randrange(span))
                registered = max(registered, born)
                status, closed_on, reason = ClientStatus.ACTIVE, None, ""
                roll = rng.random()
                if roll < 0.03:  # died or moved out during the three years
                    status = ClientStatus.CLOSED
                    closed_on = self.day_between(max(registered, self.start) + datetime.timedelta(days=60), self.today)
                    reason = CloseReason.DEATH if band == "elderly" else CloseReason.MOVED_OUT
                created = self.at(registered)
                w.add(_table(Client), client_cols, (
                    client_id, station.pk, "", rng.choice(staff)[0], name, pinyin, initials, number,
                    "M" if male else "F", born, f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
                    f"{station.town.name}{rng.choice(villages)}{rng.randint(1, 60)}号", rng.choice(villages),
                    registered, status, closed_on, reason, "", rng.choice([RiskLevel.LOW] * 6 + [RiskLevel.MEDIUM] * 3
                                                                            + [RiskLevel.HIGH]),
                    None, None, created, created))
                weight = 1.0
                for category in mix:
                    start_on = registered if rng.random() < 0.7 else self.day_between(
                        registered - datetime.timedelta(days=900), registered)
                    start_on = max(start_on, born)
                    end_on = None
                    # Some people leave 低保 during the three years (income rose): dated memberships.
                    if category == SA and rng.random() < 0.06:
                        end_on = self.day_between(max(start_on, self.start), self.today - datetime.timedelta(days=1))
                    if closed_on and end_on is None:
                        end_on = closed_on
                    subtype = ""
                    if category == SA:
                        subtype = Subtype.RURAL if rng.random() < 0.7 else Subtype.URBAN
                    elif category == EP:
                        subtype = Subtype.DISPERSED if rng.random() < 0.8 else Subtype.CENTRALISED
                    elif category == CD:
                        subtype = rng.choice([Subtype.ORPHAN, Subtype.UNSUPPORTED, Subtype.ILL_OR_DISABLED,
                                              Subtype.OTHER])
                    disability = (rng.choice(["physical", "visual", "hearing", "intellectual", "mental"]),
                                  rng.randint(1, 4)) if category == DI else ("", None)
                    w.add(_table(CategoryMembership), member_cols, (
                        w.next_id(CategoryMembership), client_id, station.pk, category, subtype, disability[0],
                        disability[1],
                        start_on, end_on))
                    memberships += 1
                    weight = max(weight, VISIT_WEIGHT.get(category, 1.0))
                pool.extend([client_id] * int(weight * 2))
                self.window[client_id] = (max(registered, self.start), closed_on or self.today)
                self.holds[client_id] = mix
            self.pool[station.pk] = pool
        w.flush()
        self.say(f"{s.clients:,} clients, {memberships:,} category memberships")

    # --- visits ------------------------------------------------------------------------------
    def visits(self):
        s, rng, w = self.scale, self.rng, self.w
        days, cum, total = [], [], 0.0
        day = self.start
        while day <= self.today:
            weight = MONTH_WEIGHT[day.month] * (0.35 if day.weekday() >= 5 else 1.0)
            total += weight
            days.append(day)
            cum.append(total)
            day += datetime.timedelta(days=1)
        visit_cols = ["id", "station_id", "client_id", "visited_on", "kind", "findings", "needs", "need_kinds",
                      "risk_level", "follow_up_on", "outing", "created_by_id", "created_at", "updated_at"]
        worker_cols = ["id", "visit_id", "staff_id"]
        tag_cols = ["id", "visit_id", "campaigntag_id"]
        link_cols = ["id", "station_id", "linked_on", "kind", "description", "value", "source_kind", "source_name",
                     "client_id", "visit_id", "created_at"]
        visit_table, worker_table, tag_table = _table(Visit), _through(Visit, "workers"), _through(Visit, "tags")
        link_table = _table(ResourceLink)
        per, extra = divmod(s.visits, len(self.stations))
        self.last_visit = {}
        late = edited = links = 0
        now = self.now
        for index, station in enumerate(self.stations):
            count = per + (1 if index < extra else 0)
            pool = self.pool[station.pk]
            staff = self.station_staff[station.pk]
            picks = rng.choices(days, cum_weights=cum, k=count)
            for visited in picks:
                for _try in range(4):
                    client = pool[int(rng.random() * len(pool))]
                    first, last = self.window[client]
                    if first <= visited <= last:
                        break
                else:
                    visited = self.day_between(first, last)
                month = visited.month
                roll = rng.random()
                if month in (1, 2, 9) and roll < 0.25:
                    kind = VisitKind.FESTIVAL_GREETING
                elif roll < 0.62:
                    kind = VisitKind.HOME_VISIT
                elif roll < 0.9:
                    kind = VisitKind.PHONE_CALL
                else:
                    kind = VisitKind.ACCOMPANIMENT
                visit_id = w.next_id(visit_table)
                worker, user_id = staff[int(rng.random() * len(staff))]
                # Entry delay: most the same day, some days later, some weeks later (late entry
                # into a month the rollup had already counted).
                roll = rng.random()
                if roll < 0.8:
                    delay = 0
                elif roll < 0.95:
                    delay = rng.randint(1, 7)
                else:
                    delay = rng.randint(15, 60)
                    late += 1
                created = self.at(visited + datetime.timedelta(days=delay))
                updated = created
                if rng.random() < 0.04:  # edited afterwards
                    updated = min(created + datetime.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8)), now)
                    edited += 1
                risk = rng.choice(["low", "medium", "high"]) if rng.random() < 0.06 else ""
                follow = visited + datetime.timedelta(days=rng.randint(14, 60)) if rng.random() < 0.1 else None
                w.add(visit_table, visit_cols, (
                    visit_id, station.pk, client, visited, kind, rng.choice(FINDINGS), rng.choice(NEEDS), "[]", risk,
                    follow, "", user_id, created, updated))
                w.add(worker_table, worker_cols, (w.next_id(worker_table), visit_id, worker))
                if rng.random() < 0.3:
                    other = staff[int(rng.random() * len(staff))][0]
                    if other != worker:
                        w.add(worker_table, worker_cols, (w.next_id(worker_table), visit_id, other))
                if rng.random() < 0.08:
                    w.add(tag_table, tag_cols, (w.next_id(tag_table), visit_id, self.tags[int(rng.random() * 2)]))
                if kind == VisitKind.FESTIVAL_GREETING or rng.random() < 0.02:
                    kind_r, description, source_kind, source = RESOURCE_ITEMS[int(rng.random() * len(RESOURCE_ITEMS))]
                    w.add(link_table, link_cols, (
                        w.next_id(link_table), station.pk, visited, kind_r, description,
                        Decimal(rng.randint(50, 1500)).quantize(Decimal("0.01")), source_kind, source, client,
                        visit_id, created))
                    links += 1
                if visited > self.last_visit.get(client, datetime.date.min):
                    self.last_visit[client] = visited
            if index % 10 == 9:
                self.say(f"visits: {index + 1} of {len(self.stations)} stations")
        w.flush()
        self.say(f"{s.visits:,} visits ({late:,} entered 15-60 days late, {edited:,} edited), {links:,} resource links")
        # Dynamic monitoring fields from the visits just written.
        rows = [(client, last, last + datetime.timedelta(days=90 if self.holds[client][0] == SA else 30))
                for client, last in self.last_visit.items()]
        with transaction.atomic(), connection.cursor() as cursor:
            if self.w.postgres:
                cursor.execute("CREATE TEMP TABLE scale_last (id bigint, last date, due date) ON COMMIT DROP")
                text = "".join(f"{c}\t{a}\t{b}\n" for c, a, b in rows)
                cursor.cursor.copy_expert("COPY scale_last FROM STDIN", io.StringIO(text))
                cursor.execute("UPDATE clients_client c SET last_visit_on = s.last, next_visit_due = s.due "
                               "FROM scale_last s WHERE c.id = s.id")
            else:
                cursor.executemany("UPDATE clients_client SET last_visit_on = %s, next_visit_due = %s WHERE id = %s",
                                   [(a, b, c) for c, a, b in rows])

    # --- casework, groups, activities, training ---------------------------------------------
    def services(self):
        rng, w = self.rng, self.w
        years = YEARS
        scale_factor = max(1, self.scale.clients // len(self.stations) // 400)  # bigger stations do more
        n_cases = n_notes = n_groups = n_sessions = n_activities = 0
        case_cols = ["id", "station_id", "title", "intake_on", "stage", "manager_id", "problem", "goals", "closed_on",
                     "closure_reason", "closure_note", "plan_status", "requested_closure_reason", "requested_closure_note",
                     "created_at", "updated_at"]
        note_cols = ["id", "case_id", "noted_on", "author_id", "text", "created_at"]
        group_cols = ["id", "station_id", "theme", "goals", "leader_id", "planned_sessions", "created_on", "created_at"]
        session_cols = ["id", "group_id", "number", "held_on", "topic", "attendance_count", "notes"]
        activity_cols = ["id", "station_id", "held_on", "title", "kind", "location", "participant_count", "highlight",
                         "created_at"]
        link_cols = ["id", "station_id", "linked_on", "kind", "description", "value", "source_kind", "source_name",
                     "case_id", "activity_id", "created_at"]
        case_clients, group_members = _through(Case, "clients"), _through(Group, "members")
        attendees, participants = _through(GroupSession, "attendees"), _through(Activity, "participants")
        activity_workers, activity_tags = _through(Activity, "workers"), _through(Activity, "tags")
        span = (self.today - self.start).days
        for station in self.stations:
            staff = [sid for sid, _uid in self.station_staff[station.pk]]
            clients = self.pool[station.pk]
            for _ in range(6 * years * scale_factor):  # cases
                case_id = w.next_id(Case)
                intake = self.start + datetime.timedelta(days=rng.randrange(span))
                closed = intake + datetime.timedelta(days=rng.randint(60, 300))
                is_closed = closed < self.today
                stage = CaseStage.CLOSED if is_closed else rng.choice(
                    [CaseStage.ASSESSMENT, CaseStage.PLANNING, CaseStage.INTERVENTION, CaseStage.EVALUATION])
                manager = rng.choice(staff)
                title = rng.choice(CASE_TITLES)
                w.add(_table(Case), case_cols, (
                    case_id, station.pk, title, intake, stage, manager, "服务对象面临多重困难，需要持续跟进。",
                    "改善生活状况，增强社会支持。", closed if is_closed else None,
                    CaseClosureReason.GOALS_MET if is_closed else "", "目标基本达成，结案。" if is_closed else "",
                    # 介入 and later need an approved plan (issue 16)
                    CasePlanStatus.DRAFT if stage in (CaseStage.ASSESSMENT, CaseStage.PLANNING)
                    else CasePlanStatus.APPROVED, "", "",
                    self.at(intake), self.at(closed if is_closed else intake)))
                members = set(rng.sample(clients, min(len(clients), rng.randint(1, 2))))
                for client in members:
                    w.add(case_clients, ["id", "case_id", "client_id"], (w.next_id(case_clients), case_id, client))
                last = closed if is_closed else self.today
                for _n in range(rng.randint(3, 8)):
                    noted = self.day_between(intake, last)
                    w.add(_table(CaseNote), note_cols, (
                        w.next_id(CaseNote), case_id, noted, manager, "入户面谈，了解近况并调整服务计划。", self.at(noted)))
                    n_notes += 1
                n_cases += 1
            for _ in range(2 * years * scale_factor):  # groups
                group_id = w.next_id(Group)
                first = self.start + datetime.timedelta(days=rng.randrange(span))
                sessions = rng.randint(4, 8)
                w.add(_table(Group), group_cols, (
                    group_id, station.pk, rng.choice(GROUP_THEMES), "增进互助，提升能力。", rng.choice(staff), sessions,
                    first, self.at(first)))
                members = sorted(set(rng.sample(clients, min(len(clients), rng.randint(6, 12)))))
                for client in members:
                    w.add(group_members, ["id", "group_id", "client_id"], (w.next_id(group_members), group_id, client))
                for number in range(1, sessions + 1):
                    held = first + datetime.timedelta(days=7 * (number - 1))
                    if held > self.today:
                        break
                    session_id = w.next_id(GroupSession)
                    present = [c for c in members if rng.random() < 0.8]
                    w.add(_table(GroupSession), session_cols, (
                        session_id, group_id, number, held, f"第{number}节", len(present) + rng.randint(0, 6), ""))
                    for client in present:
                        w.add(attendees, ["id", "groupsession_id", "client_id"],
                              (w.next_id(attendees), session_id, client))
                    n_sessions += 1
                n_groups += 1
            for _ in range(12 * years * scale_factor):  # community activities
                activity_id = w.next_id(Activity)
                held = self.start + datetime.timedelta(days=rng.randrange(span))
                kind, title = rng.choice(ACTIVITY_TITLES)
                w.add(_table(Activity), activity_cols, (
                    activity_id, station.pk, held, title, ActivityKind(kind), f"{station.town.name}文化广场",
                    rng.randint(15, 150), "", self.at(held)))
                for client in set(rng.sample(clients, min(len(clients), rng.randint(0, 8)))):
                    w.add(participants, ["id", "activity_id", "client_id"], (w.next_id(participants), activity_id, client))
                for worker in set(rng.sample(staff, min(len(staff), 2))):
                    w.add(activity_workers, ["id", "activity_id", "staff_id"],
                          (w.next_id(activity_workers), activity_id, worker))
                if rng.random() < 0.3:
                    w.add(activity_tags, ["id", "activity_id", "campaigntag_id"],
                          (w.next_id(activity_tags), activity_id, rng.choice(self.tags)))
                if rng.random() < 0.25:
                    w.add(_table(ResourceLink), link_cols, (
                        w.next_id(ResourceLink), station.pk, held, ResourceKind.GOODS, "活动物资", Decimal(
                            rng.randint(200, 5000)).quantize(Decimal("0.01")), SourceKind.ENTERPRISE, "爱心企业", None,
                        activity_id, self.at(held)))
                n_activities += 1
        w.flush()
        self.say(f"{n_cases:,} cases with {n_notes:,} notes, {n_groups:,} groups with {n_sessions:,} sessions, "
                 f"{n_activities:,} activities")

    def training(self):
        rng, w = self.rng, self.w
        training_cols = ["id", "county_id", "topic", "held_on", "hours", "format", "organiser_id", "location", "content",
                         "created_at"]
        supervision_cols = ["id", "station_id", "supervised_on", "hours", "supervisor_staff_id", "mode", "topic",
                            "findings", "advice", "follow_up", "follow_up_on", "follow_up_done", "created_at"]
        supervision_workers = _through(Supervision, "workers")
        attendance = _table(TrainingAttendance)
        span = (self.today - self.start).days
        by_county = {}
        for station in self.stations:
            by_county.setdefault(station.county_id, []).extend(sid for sid, _u in self.station_staff[station.pk])
        n_trainings = n_supervisions = 0
        for county in self.counties:
            staff = by_county[county.pk]
            for _ in range(12 * YEARS):
                training_id = w.next_id(Training)
                held = self.start + datetime.timedelta(days=rng.randrange(span))
                w.add(_table(Training), training_cols, (
                    training_id, county.pk, rng.choice(TRAINING_TOPICS), held,
                    Decimal(rng.choice(["2.0", "3.0", "4.0", "6.0", "8.0"])), "in_person", county.center_org.pk,
                    f"{county.name}社会工作服务指导中心", "专题讲授与案例研讨。", self.at(held)))
                for staff_id in rng.sample(staff, max(1, int(len(staff) * 0.6))):
                    w.add(attendance, ["id", "training_id", "staff_id"], (w.next_id(attendance), training_id, staff_id))
                n_trainings += 1
        for station in self.stations:
            staff = [sid for sid, _u in self.station_staff[station.pk]]
            supervisor = station.county_obj.supervisor.pk
            for _ in range(6 * YEARS):
                supervision_id = w.next_id(Supervision)
                day = self.start + datetime.timedelta(days=rng.randrange(span))
                w.add(_table(Supervision), supervision_cols, (
                    supervision_id, station.pk, day, Decimal(rng.choice(["1.0", "1.5", "2.0", "3.0"])), supervisor,
                    rng.choice(list(SupervisionMode)), "服务记录与个案督导", "服务记录较规范，个别记录需补充需求评估。",
                    "加强需求评估，规范结案流程。", "", None, False, self.at(day)))
                for staff_id in set(rng.sample(staff, min(len(staff), 3))):
                    w.add(supervision_workers, ["id", "supervision_id", "staff_id"],
                          (w.next_id(supervision_workers), supervision_id, staff_id))
                n_supervisions += 1
        w.flush()
        self.say(f"{n_trainings:,} trainings, {n_supervisions:,} supervisions")

    BIG_TABLES = [Client, CategoryMembership, Visit, ResourceLink, ("services_visit_workers",),
                  ("services_visit_tags",)]

    def _secondary_indexes(self):
        """(table, name, definition) of the big tables' indexes that back no constraint."""
        tables = [t[0] if isinstance(t, tuple) else _table(t) for t in self.BIG_TABLES]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes i WHERE schemaname = current_schema() "
                "AND tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [tables])
            return cursor.fetchall()

    def run(self):
        with transaction.atomic():
            self.organisation()
        indexes = self._secondary_indexes() if self.w.postgres else []
        if indexes:
            # Building an index once over sorted data is much cheaper than maintaining it row by
            # row during the load: drop the secondary indexes, load, create them again.
            with connection.cursor() as cursor:
                for _table_name, name, _definition in indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
            self.say(f"dropped {len(indexes)} secondary indexes of the big tables for the load")
        try:
            self._load()
        finally:
            if indexes:
                with connection.cursor() as cursor:
                    cursor.execute("SET maintenance_work_mem = '256MB'")
                    for _table_name, _name, definition in indexes:
                        cursor.execute(definition)
                self.say(f"created the {len(indexes)} indexes again")

    def _load(self):
        if self.w.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
                # Bulk load: foreign-key triggers off for this session (the rows are built
                # consistent here; --database-check verifies every row reaches its station).
                cursor.execute("SET session_replication_role = replica")
        self.clients()
        self.visits()
        self.services()
        self.training()
        if self.w.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        self.w.reset_sequences()
        self.say("rows written (seconds spent writing): " + ", ".join(
            f"{t} {n:,} ({self.w.seconds[t]:.1f} s)" for t, n in sorted(self.w.counts.items())))


def analyze():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def vacuum_rollup():
    """Set the visibility map of the rollup just written, as autovacuum would on a live system:
    the list behind a category figure reads ``reports_visitedclient`` by an index-only scan,
    which otherwise visits the heap for each of its rows (make bench, row crawl_worst_page).
    The registry's lists read the clients and their memberships the same way (the worklist's
    summaries and who holds a category today: ``client_monitoring_idx``, ``membership_period_idx``),
    and a period's visits are counted from ``visit_station_date_idx`` (the people-served page:
    24 ms for a county-year without the visibility map, 6 ms with it; VACUUM takes 1 s)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:  # (a test's transaction: no VACUUM)
        with connection.cursor() as cursor:
            for table in ("reports_visitedclient", "reports_evervisitedclient", "clients_client",
                          "clients_categorymembership", "services_visit"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def database_check(scale, stdout, reconcile=True):
    """Cheap validity checks of the loaded scale; returns a list of problems (empty: valid)."""
    problems = []
    province = Region.objects.get(code=f"{scale.province_code}0000")
    stations = Station.objects.filter(county__parent__parent=province)
    station_ids = set(stations.values_list("pk", flat=True))
    bad_tree = stations.exclude(town__parent=F("county")).count()
    if bad_tree:
        problems.append(f"{bad_tree} stations whose county is not their town's parent")
    clients = Client.objects.filter(station__in=station_ids)
    bad_ids = sum(1 for number in clients.values_list("id_number", flat=True).iterator(chunk_size=20000)
                  if not idnumbers.is_valid(number))
    if bad_ids:
        problems.append(f"{bad_ids} invalid ID numbers")
    overlapping = (CategoryMembership.objects.filter(client__station__in=station_ids).values("client")
                   .annotate(n=Count("id")).filter(n__gt=1).count())
    if not overlapping:
        problems.append("no client holds two categories")
    # Every row reaches a station of the scale, and its client is at the same station.
    with connection.cursor() as cursor:
        for label, sql in [
            ("visits without a station", "SELECT COUNT(*) FROM services_visit v LEFT JOIN stations_station s "
                                         "ON s.id = v.station_id WHERE s.id IS NULL"),
            ("visits at another station than their client's", "SELECT COUNT(*) FROM services_visit v JOIN "
             "clients_client c ON c.id = v.client_id WHERE c.station_id <> v.station_id"),
            ("category memberships at another station than their client's", "SELECT COUNT(*) FROM "
             "clients_categorymembership m JOIN clients_client c ON c.id = m.client_id WHERE c.station_id <> m.station_id"),
            ("clients without a station", "SELECT COUNT(*) FROM clients_client c LEFT JOIN stations_station s "
                                          "ON s.id = c.station_id WHERE s.id IS NULL"),
            ("case notes without a case", "SELECT COUNT(*) FROM services_casenote n LEFT JOIN services_case c "
                                          "ON c.id = n.case_id WHERE c.id IS NULL"),
            ("group sessions without a group", "SELECT COUNT(*) FROM services_groupsession g LEFT JOIN "
                                               "services_group p ON p.id = g.group_id WHERE p.id IS NULL"),
            ("visit workers of another station", "SELECT COUNT(*) FROM services_visit_workers vw JOIN services_visit v "
             "ON v.id = vw.visit_id JOIN stations_staff st ON st.id = vw.staff_id WHERE st.station_id <> v.station_id"),
            ("visits in the future", "SELECT COUNT(*) FROM services_visit WHERE visited_on > %s"),
        ]:
            cursor.execute(sql, [timezone.localdate()] if "%s" in sql else [])
            count = cursor.fetchone()[0]
            if count:
                problems.append(f"{count} {label}")
    if reconcile:
        from reports import figures

        differences = figures.reconcile()
        if differences:
            problems.append(f"{len(differences)} differences between the rollup and the raw records")
    for problem in problems:
        stdout.write(f"PROBLEM: {problem}")
    return problems


def loaded_visits(scale):
    """Visits of the scale's stations if it is loaded, else None."""
    province = Region.objects.filter(code=f"{scale.province_code}0000").first()
    if province is None:
        return None
    return Visit.objects.filter(station__county__parent__parent=province).count()


class Command(BaseCommand):
    help = "Generate synthetic data at county, city or province scale (PERFORMANCE.md) and build the rollup."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="county")
        parser.add_argument("--database-check", action="store_true",
                            help="Check the loaded data: ID check digits, categories, stations reachable, "
                                 "rollup reconciled.")
        parser.add_argument("--no-reconcile", action="store_true", help="With --database-check: skip reconciliation.")
        parser.add_argument("--seed", type=int, default=20231)

    def handle(self, *args, scale, database_check=False, no_reconcile=False, seed=20231, **options):
        spec = SCALES[scale]
        existing = loaded_visits(spec)
        if existing is not None:
            if existing < spec.visits:
                raise CommandError(f"The {scale} scale is partly loaded ({existing:,} of {spec.visits:,} visits); "
                                   "load it into an empty database.")
            self.stdout.write(f"The {scale} scale is already loaded ({existing:,} visits); nothing written.")
        else:
            started = time.monotonic()
            generator = Generator(spec, self.stdout, seed=seed)
            generator.run()
            loaded = time.monotonic() - started
            from reports import figures

            analyze()
            before = time.monotonic()
            figures.rebuild(stdout=self.stdout)
            rollup = time.monotonic() - before
            analyze()
            vacuum_rollup()
            self.stdout.write(self.style.SUCCESS(
                f"{scale}: loaded in {loaded:.1f} s, rollup rebuilt in {rollup:.1f} s, "
                f"total {time.monotonic() - started:.1f} s ({connection.vendor})."))
        if database_check:
            problems = globals()["database_check"](spec, self.stdout, reconcile=not no_reconcile)
            if problems:
                raise CommandError(f"{len(problems)} problems in the generated data.")
            self.stdout.write(self.style.SUCCESS("Database check: valid."))


def run(scale="county", *, database_check=False, no_reconcile=False, seed=20231, stdout=None):
    """Load ``scale`` into the configured database (what ``make bench`` and the tests call)."""
    Command(stdout=stdout).handle(scale=scale, database_check=database_check, no_reconcile=no_reconcile, seed=seed)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Load a synthetic scale (docs/scaling.md).")
    Command().add_arguments(parser)
    args = parser.parse_args()
    run(args.scale, database_check=args.database_check, no_reconcile=args.no_reconcile, seed=args.seed)
