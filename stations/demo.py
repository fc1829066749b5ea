"""The Xun County (浚县) organisation for ``seed_demo``: regions, bodies, stations, staff.

Every ``seed`` is idempotent: it looks records up by their natural keys and creates only
what is missing, so running the command twice changes nothing.
"""

import datetime

from django.contrib.auth import get_user_model

from .choices import CertificateLevel, OrganisationKind, RegionLevel, Role, ServicePointKind
from .models import Certificate, Organisation, Region, ServicePoint, Staff, Station

DEMO_PASSWORD = "Xunxian@2023"

# (code suffix, town, kind, brand, brand description, operator)
TOWNS = [
    ("001", "浚州街道", "街道", "", "", "qicai"),
    ("002", "黎阳街道", "街道", "", "", "qicai"),
    ("003", "卫溪街道", "街道", "", "", "qianshou"),
    ("004", "伾山街道", "街道", "", "", "qianshou"),
    ("100", "善堂镇", "镇", "", "", "qicai"),
    ("101", "屯子镇", "镇", "", "", "qianshou"),
    ("102", "新镇镇", "镇", "", "", "qicai"),
    ("103", "小河镇", "镇", "五室联动",
     "接待室、个案室、小组活动室、儿童之家、老年活动室五室联动,一站式回应困难群众需求。", "qicai"),
    ("104", "卫贤镇", "镇", "护童微座谈", "每月组织困境儿童、家长与老师围坐座谈,及时发现并回应儿童成长中的困难。", "qianshou"),
    ("105", "王庄镇", "镇", "", "", "qianshou"),
    ("106", "白寺镇", "镇", "爱心小屋", "链接爱心企业和志愿者捐赠物资,困难群众凭积分到爱心小屋兑换生活用品。", "qicai"),
]
STATION_LOGIN = {"小河镇": "xiaohe", "白寺镇": "baisi"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁"
GIVEN = ["静", "丽", "敏", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英",
         "晓燕", "红梅", "建华", "海燕"]
PINYIN_TOWN = {
    "浚州街道": "junzhou", "黎阳街道": "liyang", "卫溪街道": "weixi", "伾山街道": "pishan", "善堂镇": "shantang",
    "屯子镇": "tunzi", "新镇镇": "xinzhen", "小河镇": "xiaohe", "卫贤镇": "weixian", "王庄镇": "wangzhuang",
    "白寺镇": "baisi",
}


def _region(code, name, level, parent=None):
    region, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})
    return region


def _account(username, name, role, organisation, station=None, phone="", active_from=datetime.date(2021, 6, 1)):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=name, is_staff=role == Role.BUREAU_ADMIN)
        user.set_password(DEMO_PASSWORD)
        user.save()
    staff = Staff.objects.filter(user=user).first()
    if staff is None:
        staff = Staff.objects.create(user=user, name=name, role=role, organisation=organisation, station=station,
                                     phone=phone, active_from=active_from)
    return staff


def seed(context):
    henan = _region("410000", "河南省", RegionLevel.PROVINCE)
    hebi = _region("410600", "鹤壁市", RegionLevel.CITY, henan)
    for code, name in [("410602", "鹤山区"), ("410603", "山城区"), ("410611", "淇滨区"), ("410622", "淇县")]:
        _region(code, name, RegionLevel.COUNTY, hebi)
    xunxian = _region("410621", "浚县", RegionLevel.COUNTY, hebi)

    def org(name, short, kind, region, **extra):
        obj, _ = Organisation.objects.get_or_create(
            name=name, defaults={"short_name": short, "kind": kind, "region": region, **extra}
        )
        return obj

    bureau = org("浚县民政局", "浚县民政局", OrganisationKind.BUREAU, xunxian, address="浚县黎阳路", phone="0392-5512345")
    center = org("浚县社会工作服务指导中心", "指导中心", OrganisationKind.CENTER, xunxian, phone="0392-5512346")
    city_bureau = org("鹤壁市民政局", "鹤壁市民政局", OrganisationKind.BUREAU, hebi)
    province_bureau = org("河南省民政厅", "河南省民政厅", OrganisationKind.BUREAU, henan)
    operators = {
        "qicai": org("鹤壁市七彩社会工作服务中心", "鹤壁七彩", OrganisationKind.PROVIDER, hebi,
                     credit_code="52410600MJY000001A", contact="赵七彩", phone="0392-3301001"),
        "qianshou": org("鹤壁市牵手社会工作服务中心", "鹤壁牵手", OrganisationKind.PROVIDER, hebi,
                        credit_code="52410600MJY000002B", contact="钱牵手", phone="0392-3301002"),
    }

    stations = {}
    for index, (suffix, town_name, _kind, brand, brand_text, operator) in enumerate(TOWNS):
        town = _region(f"410621{suffix}", town_name, RegionLevel.TOWN, xunxian)
        station = Station.objects.filter(town=town).first()
        if station is None:
            station = Station(
                name=f"{town_name}社会工作服务站", short_name=town_name.removesuffix("街道").removesuffix("镇") + "站"
                if town_name != "新镇镇" else "新镇站",
                town=town, operator=operators[operator], address=f"浚县{town_name}政府院内",
                phone=f"0392-55{20 + index:02d}000", opened_on=datetime.date(2021, 6, 1) + datetime.timedelta(days=index * 9),
                brand=brand, brand_description=brand_text,
                has_sign=True, has_staff=True, has_mechanism=True, has_process=True, has_project=index % 4 != 3,
                std_construction=True, std_management=True, std_refined=index % 3 != 2, std_professional=index % 2 == 0
                or bool(brand), std_venues=bool(brand) or index % 3 == 0,
            )
            station.save()
        stations[town_name] = station

    _account("admin", "孙建国", Role.BUREAU_ADMIN, bureau, phone="13903920001")
    _account("bureau", "周晓梅", Role.BUREAU_STAFF, bureau, phone="13903920002")
    _account("center", "吴海燕", Role.CENTER_SUPERVISOR, center, phone="13903920003")
    _account("auditor", "郑审计", Role.AUDITOR, bureau, phone="13903920004")
    _account("city", "鹤壁市民政局查询", Role.CITY_VIEWER, city_bureau, phone="13903920005")
    _account("province", "河南省民政厅查询", Role.CITY_VIEWER, province_bureau, phone="13903920006")

    workers = []
    for index, (_, town_name, *_rest, operator) in enumerate(TOWNS):
        station = stations[town_name]
        login = STATION_LOGIN.get(town_name, PINYIN_TOWN[town_name])
        for slot, role in enumerate([Role.STATION_HEAD, Role.SOCIAL_WORKER]):
            n = index * 2 + slot
            name = SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)]
            username = f"{login}_head" if role == Role.STATION_HEAD else login
            staff = _account(username, name, role, operators[operator], station, phone=f"1383922{n:04d}")
            workers.append(staff)
            if n % 3 != 2 and not staff.certificates.exists():
                level = CertificateLevel.INTERMEDIATE if n % 5 == 0 else CertificateLevel.ASSISTANT
                Certificate.objects.create(staff=staff, level=level, number=f"HN2021{n:06d}",
                                           issued_on=datetime.date(2021 + n % 3, 6, 20))
    context.update(bureau=bureau, center=center, city_bureau=city_bureau, province_bureau=province_bureau,
                   operators=operators, stations=stations,
                   workers=workers, county=xunxian)
    context["service_points"] = service_points(stations["小河镇"], XIAOHE_POINTS)
    context["baisi_points"] = service_points(stations["白寺镇"], BAISI_POINTS)


# 小河站's village and community service points (村/社区社工室) of its 五室联动 brand:
# (village code suffix, village or community, kind, liaison, phone)
XIAOHE_POINTS = [
    ("201", "小河村", ServicePointKind.VILLAGE, "王春生", "13839221201"),
    ("202", "孙庄村", ServicePointKind.VILLAGE, "孙秀兰", "13839221202"),
    ("203", "后屯社区", ServicePointKind.COMMUNITY, "刘建华", "13839221203"),
]

# 白寺站's 爱心小屋 in its own village (so every station-scoped model has a record of two stations)
BAISI_POINTS = [("201", "白寺村", ServicePointKind.VILLAGE, "郭玉兰", "13839221301")]


def service_points(station, spec):
    """A station's service points and their villages (created once, looked up by name after)."""
    worker = station.staff.filter(role=Role.SOCIAL_WORKER).order_by("pk").first()
    points = []
    for suffix, village, kind, liaison, phone in spec:
        region = _region(f"{station.town.code}{suffix}", village, RegionLevel.VILLAGE, station.town)
        point = ServicePoint.objects.filter(station=station, name=f"{village}社工室").first()
        if point is None:
            point = ServicePoint.objects.create(
                station=station, name=f"{village}社工室", kind=kind, region=region, address=f"浚县{station.town.name}{village}{'村委会' if kind == ServicePointKind.VILLAGE else '居委会'}",
                opened_on=datetime.date(2024, 3, 1), staff=worker, liaison_name=liaison, liaison_phone=phone)
        points.append(point)
    return points
