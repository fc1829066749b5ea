"""The year's summary paragraph in Chinese, in the style of the bureau's own reports:

    2023年,社工指导中心组织开展主题培训12场次,累计120个学时;……11个镇(街道)社会工作服务站
    服务探访已建档服务对象5665次,其中低保4139人、特困373人……链接资源金额为6.5万元;……
    服务困难群众总计2.2万余人。

It is written from a figures dict of ``reports.figures`` (SPEC §3) and nothing else. The
paragraph is Chinese whatever the interface language: it goes into the county's Word report.
"""

from decimal import ROUND_FLOOR, Decimal

from clients.choices import Category

# Category names as the bureau writes them in reports.
CATEGORY_NAMES = {
    Category.SUBSISTENCE_ALLOWANCE: "低保",
    Category.EXTREME_POVERTY: "特困",
    Category.CHILDREN_IN_DISTRESS: "困境儿童",
    Category.DISABILITY: "残疾人",
    Category.LEFT_BEHIND_ELDERLY: "留守老人",
    Category.EMPTY_NEST_ELDERLY: "空巢老人",
    Category.OTHER: "其他困难群体",
}
# The order of the seed's sentence; the two elderly categories follow when there are any.
CATEGORY_ORDER = [
    Category.SUBSISTENCE_ALLOWANCE, Category.EXTREME_POVERTY, Category.CHILDREN_IN_DISTRESS, Category.DISABILITY,
    Category.LEFT_BEHIND_ELDERLY, Category.EMPTY_NEST_ELDERLY, Category.OTHER,
]
TEN_THOUSAND = Decimal(10000)


def plain_number(value) -> str:
    """120 → "120", 7.5 → "7.5", 120.0 → "120": no thousands separators, no trailing zeros."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def in_wan(value, unit: str) -> str:
    """A large quantity the way the bureau writes it: 65000 → "6.5万元", 22400 → "2.2万余人",
    120000 → "12万元", 9876 → "9876人". Below 10,000 the exact number; from 10,000 on, in
    万 to one decimal, with 余 when the exact figure is higher than the rounded one."""
    number = Decimal(str(value))
    if number < TEN_THOUSAND:
        return f"{plain_number(number)}{unit}"
    wan = (number / TEN_THOUSAND).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    more = "余" if wan * TEN_THOUSAND < number else ""
    return f"{plain_number(wan)}万{more}{unit}"


def _join(clauses):
    return ",".join(clause for clause in clauses if clause)


def annual_summary(*, year: int, values: dict, station_name: str | None = None) -> str:
    """The summary paragraph for ``year`` from the figures ``values`` of one scope.

    ``station_name`` narrows the wording to one station; otherwise the paragraph speaks of
    the scope's 镇(街道)社会工作服务站."""
    sentences = []

    county = station_name is None
    workforce = []
    if values["trainings"]:
        workforce.append(
            f"{'组织开展主题' if county else '参加'}培训{values['trainings']}场次,"
            f"累计{plain_number(values['training_hours'])}个学时"
        )
    if values["supervisions"]:
        workforce.append(
            f"{'开展' if county else '接受'}督导{values['supervisions']}次,"
            f"累计督导时长{plain_number(values['supervision_hours'])}小时"
        )
    if values["station_evaluations"]:
        workforce.append(
            f"{'开展' if county else '接受'}社工站评估{values['station_evaluations']}次,以评促建、以评促改"
        )
    if workforce:
        sentences.append(f"{year}年,{'社工指导中心' if county else station_name}" + ";".join(workforce) + "。")

    subject = f"{values['stations']}个镇(街道)社会工作服务站" if county else station_name
    lead = "" if workforce else f"{year}年,"
    services = [f"{lead}{subject}服务探访已建档服务对象{values['visits']}次"]
    by_category = values["visited_clients_by_category"]
    categories = [
        f"{CATEGORY_NAMES[c]}{by_category[c.value]}人" for c in CATEGORY_ORDER if by_category.get(c.value)
    ]
    if categories:
        services.append("其中" + "、".join(categories))
    services.append(f"链接资源金额为{in_wan(values['resources_linked_amount'], '元')}")
    activities = _join([
        f"个案工作开展{values['casework']}个",
        f"小组工作开展{values['groupwork']}个",
        f"社区活动开展{values['community_activities']}场",
        f"服务困难群众总计{in_wan(values['people_served'], '人')}",
    ])
    sentences.append(_join(services) + ";" + activities + "。")
    return "".join(sentences)
