"""The two evaluation schemes every county starts with: the 五有/五化 standard of 河南省
《社会工作服务站建设标准与管理规范》 (100 points) and a 1000-point scheme with star ratings
of the kind provinces use. Counties add their own in the admin. Created by migration 0003 and,
when missing (a test database flushed after migrating), by the demo."""

from decimal import Decimal

FIVE = (
    "河南省社工站“五有五化”建设评估（百分制）",
    "对照《河南省社会工作服务站建设标准与管理规范》，逐项评估“五有”（有牌子、有人员、有机制、有流程、有项目）"
    "和“五化”（建设规范化、管理制度化、服务精细化、服务专业化、阵地多元化）落实情况，每项10分。",
    [
        ("五有", "有牌子", "统一标识牌、服务指南和公示栏上墙", ""),
        ("五有", "有人员", "专职社工不少于2名，持证上岗并参加继续教育", "trainings"),
        ("五有", "有机制", "建立例会、督导、转介、考核等工作机制", "supervisions"),
        ("五有", "有流程", "接案、走访、个案、结案等服务流程清晰并有台账", ""),
        ("五有", "有项目", "有稳定的服务项目和社区活动", "activities"),
        ("五化", "建设规范化", "场所、标识、功能分区符合建设标准", ""),
        ("五化", "管理制度化", "制度上墙、档案完整、按时报送月报", ""),
        ("五化", "服务精细化", "困难群众分类建档、定期探访、动态监测", "visits"),
        ("五化", "服务专业化", "运用个案、小组等专业方法开展服务", "cases"),
        ("五化", "阵地多元化", "依托村（社区）、养老、儿童之家等多元阵地开展小组和活动", "groups"),
    ],
    [("90", "优秀"), ("80", "良好"), ("60", "合格"), ("0", "不合格")],
    Decimal("10"),
)

THOUSAND = (
    "社工站星级评估（千分制）",
    "千分制星级评估：阵地建设150分、队伍建设200分、制度建设150分、服务开展350分、服务成效150分；"
    "900分以上为五星，800分以上四星，700分以上三星，600分以上二星，500分以上一星。",
    [
        ("阵地建设", "场所面积与功能分区", "独立办公和服务场所，功能分区合理", "", 60),
        ("阵地建设", "标识标牌", "统一标识、服务公示规范", "", 40),
        ("阵地建设", "设施设备", "办公、档案、活动设备齐全", "", 50),
        ("队伍建设", "专职社工配备", "专职社工人数达标且稳定", "", 60),
        ("队伍建设", "持证比例", "持证社工占比", "", 50),
        ("队伍建设", "继续教育与培训", "社工参加培训学时", "trainings", 50),
        ("队伍建设", "督导支持", "接受专业督导的次数和质量", "supervisions", 40),
        ("制度建设", "岗位职责与工作制度", "制度健全并上墙", "", 50),
        ("制度建设", "服务流程与档案管理", "服务档案完整规范", "", 60),
        ("制度建设", "信息公开与台账", "月报按时报送，台账清晰", "", 40),
        ("服务开展", "困难群众走访探访", "分类探访覆盖率和频次", "visits", 100),
        ("服务开展", "个案工作", "个案数量与专业规范", "cases", 80),
        ("服务开展", "小组工作", "小组节次与成效", "groups", 60),
        ("服务开展", "社区活动", "社区活动场次与参与人次", "activities", 60),
        ("服务开展", "资源链接", "链接资源的数量和金额", "resources", 50),
        ("服务成效", "服务对象满意度", "抽样回访满意度", "", 60),
        ("服务成效", "特色品牌", "形成“一站一特色”服务品牌", "", 50),
        ("服务成效", "宣传与案例", "优秀案例、宣传报道", "", 40),
    ],
    [("900", "★★★★★ 五星"), ("800", "★★★★ 四星"), ("700", "★★★ 三星"), ("600", "★★ 二星"), ("500", "★ 一星"),
     ("0", "未定星")],
    None,
)


def create_missing(Scheme, Item, Band):
    """Create the standard schemes that do not exist (by name), with their items and rating
    bands; an existing scheme is left as it is. Called with the historical models by the
    migration and with the real ones by the demo (``training.demo``)."""
    for name, description, items, bands, flat in (FIVE, THOUSAND):
        scheme, created = Scheme.objects.get_or_create(name=name, defaults={"description": description})
        if not created:
            continue
        for order, row in enumerate(items, start=1):
            category, title, criteria, evidence = row[:4]
            max_score = flat if flat is not None else Decimal(row[4])
            Item.objects.create(scheme=scheme, order=order, category=category, title=title, criteria=criteria,
                                evidence=evidence, max_score=max_score)
        for min_score, label in bands:
            Band.objects.create(scheme=scheme, min_score=Decimal(min_score), label=label)


