"""The funding part of ``seed_demo``: Xun County (浚县) puts 2 % of the provincial assistance
subsidy and its minors'-protection money into purchased social-work services (about 1.2
million yuan a year), contracts 鹤壁七彩 and 鹤壁牵手 to run the stations they operate, pays in
instalments and evaluates what it bought (seed report, "保障资金支持").

Targets are sized from the records of the covered stations (counted by ``reports.figures``,
the one counting engine), so the contract pages show believable achievement. Every write goes
through ``funding.services``, so the demo obeys the same money rules as the pages.
Idempotent: contracts are looked up by number and built only when missing.
"""

import datetime
from decimal import ROUND_FLOOR, Decimal

from django.utils import timezone

from stations.choices import Role
from stations.models import Staff

from . import services
from .choices import Buyer, ContractStatus, EvaluationStage, Grade, ShareRule, SourceType, TargetKind
from .models import (
    Contract,
    FundingSource,
    Indicator,
    IndicatorCategory,
    IndicatorSystem,
    PaymentInstalment,
    VentureApplication,
    VentureCall,
)

# year: provincial subsidy base (2 % buys services), minors' protection money put in, contracts
YEARS = {
    2023: {"base": 48_000_000, "minors": 240_000, "contracts": {"qicai": 660_000, "qianshou": 540_000}},
    2024: {"base": 50_500_000, "minors": 230_000, "contracts": {"qicai": 680_000, "qianshou": 560_000}},
    2025: {"base": 51_000_000, "minors": 240_000, "contracts": {"qicai": 690_000, "qianshou": 570_000}},
    2026: {"base": 52_000_000, "minors": 250_000, "contracts": {"qicai": 700_000, "qianshou": 560_000}},
}
LOT = {"qicai": ("01", "一标段"), "qianshou": ("02", "二标段")}
# How each contractor's ex-post evaluation comes out (a share of each indicator's maximum).
PROFILE = {"qicai": Decimal("0.93"), "qianshou": Decimal("0.85")}
VARIATION = [Decimal(x) for x in ("0.03", "-0.02", "0.00", "0.04", "-0.05", "0.02", "-0.01", "0.01", "-0.03",
                                  "0.02", "0.00", "-0.02", "0.03")]
TARGET_KINDS = [TargetKind.VISITS, TargetKind.CASEWORK, TargetKind.GROUPWORK, TargetKind.COMMUNITY_ACTIVITIES,
                TargetKind.PEOPLE_SERVED, TargetKind.SUPERVISIONS]

SYSTEM_NAME = "浚县政府购买社会救助服务绩效评价指标体系"
INDICATORS = [
    ("项目管理", 20, [
        ("组织架构与人员配备", 6, "按合同配备驻站社工,持证比例达到要求得满分;每缺1人扣2分。"),
        ("制度建设与执行", 7, "服务、考勤、督导、档案等制度健全并执行得满分;缺一项扣1分。"),
        ("服务档案规范", 7, "服务对象档案、探访记录、个案与小组记录完整规范;抽查不合格每份扣0.5分。"),
    ]),
    ("服务成效", 40, [
        ("探访任务完成率", 12, "按合同探访指标计算完成率,完成率×12;低保、特困、困境儿童按监测周期探访。"),
        ("个案、小组与社区活动完成情况", 12, "个案、小组、社区活动均完成合同指标得满分;每项未完成按比例扣分。"),
        ("服务对象需求回应与资源链接", 8, "需求评估及时,链接资源有记录、有回访;视情况评分。"),
        ("特色品牌建设", 8, "形成“一站一特色”服务品牌并有成效得满分。"),
    ]),
    ("资金管理", 20, [
        ("资金使用合规性", 8, "专款专用,无挤占挪用;发现违规使用不得分。"),
        ("财务核算规范", 6, "单独建账、票据合规、核算清晰得满分。"),
        ("资金支出进度", 6, "按合同进度支出得满分;滞后酌情扣分。"),
    ]),
    ("满意度", 20, [
        ("服务对象满意度", 10, "随机回访服务对象,满意率×10。"),
        ("镇(街道)满意度", 5, "镇(街道)民政所评价。"),
        ("民政局满意度", 5, "县民政局业务科室评价。"),
    ]),
]
FINDINGS = {
    Grade.EXCELLENT: "驻站社工配备到位,探访、个案、小组和社区活动均按合同完成,档案规范;资金专款专用,"
                     "服务对象满意度高。建议继续深化特色品牌建设。",
    Grade.GOOD: "合同主要指标基本完成,服务对象满意度较高;小组工作完成率偏低,个别服务档案记录不够完整。"
                "要求限期整改,完善档案管理。",
    Grade.PASS: "主要指标部分完成,需加强过程管理。",
    Grade.FAIL: "指标完成率低,须整改。",
}


def _floor_step(value, step):
    return (Decimal(value) / step).to_integral_value(rounding=ROUND_FLOOR) * step


def _target(actual, factor):
    """A round target a little below (factor < 1) or above (factor > 1) what was done."""
    value = Decimal(str(actual)) * Decimal(str(factor))
    for limit, step in [(2000, 100), (500, 50), (100, 10), (50, 5)]:
        if value >= limit:
            return _floor_step(value, step)
    return _floor_step(value, 1)


def _sources(county, year, plan):
    provincial, _created = FundingSource.objects.get_or_create(
        region=county, year=year, name=f"{year}年省级困难群众救助补助资金(购买服务部分)",
        defaults={"source_type": SourceType.PROVINCIAL_ASSISTANCE, "base_amount": Decimal(plan["base"]),
                  "share_rule": ShareRule.PERCENTAGE, "share_percent": Decimal("2"),
                  "document": f"豫财社〔{year - 1}〕下达{year}年困难群众救助补助资金",
                  "notes": "按省级当年下达困难群众救助补助资金总量的2%用于政府购买服务。"},
    )
    minors, _created = FundingSource.objects.get_or_create(
        region=county, year=year, name=f"{year}年未成年人保护资金(整合)",
        defaults={"source_type": SourceType.MINORS_PROTECTION, "base_amount": Decimal(plan["minors"]) * 2,
                  "share_rule": ShareRule.FIXED, "share_fixed_amount": Decimal(plan["minors"]),
                  "notes": "整合未成年人保护资金用于困境儿童关爱服务。"},
    )
    for source in (provincial, minors):
        if source.available_amount != source.compute_available():
            services.funding_source_save(source=source)
    return provincial, minors


def _indicator_system(county):
    system = IndicatorSystem.objects.filter(county=county, name=SYSTEM_NAME).first()
    if system is not None:
        return system
    system = services.indicator_system_save(system=IndicatorSystem(
        county=county, name=SYSTEM_NAME, year=2023,
        description="依据政府购买社会救助服务相关规定制定,事前、事中、事后评价通用;满分100分。"))
    for order, (name, weight, indicators) in enumerate(INDICATORS, start=1):
        category = services.indicator_category_save(
            category=IndicatorCategory(system=system, name=name, weight=Decimal(weight), order=order))
        for position, (indicator, max_score, notes) in enumerate(indicators, start=1):
            services.indicator_save(indicator=Indicator(category=category, name=indicator, max_score=Decimal(max_score),
                                                        scoring_notes=notes, order=position))
    return system


def _scores(system, share):
    scores = {}
    indicators = Indicator.objects.filter(category__system=system).order_by("category__order", "order")
    for index, indicator in enumerate(indicators):
        ratio = min(Decimal("1"), share + VARIATION[index % len(VARIATION)])
        scores[indicator.pk] = (indicator.max_score * ratio * 2).quantize(Decimal("1")) / 2
    return scores


def _counted(station_ids, start, end):
    from reports import figures  # funding sits above the counting engine

    # Raw records: the rollup is rebuilt by the reports demo, which runs after this one.
    return figures.compute(station_ids=station_ids, start=start, end=end, raw=True)


def _contract(context, system, county, year, key, amount, provincial, minors, recorder, today):
    number, lot = LOT[key]
    code = f"XXGM-{year}-{number}"
    if Contract.objects.filter(code=code).exists():
        return
    operator = context["operators"][key]
    stations = sorted((s for s in context["stations"].values() if s.operator_id == operator.pk), key=lambda s: s.pk)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    finished = end < today
    contract = services.contract_create(
        county=county, year=year, code=code, name=f"{year}年浚县镇(街道)社会工作服务站运营项目({lot})",
        contractor=operator, amount=Decimal(amount), start_on=start, end_on=end,
        signed_on=datetime.date(year - 1, 12, 20),
        status=ContractStatus.COMPLETED if finished else ContractStatus.ACTIVE,
        notes=f"承接{'、'.join(s.short_name for s in stations)}的运营与服务。", stations=stations,
    )
    # The split: the provincial subsidy pays most, the minors' money the rest.
    share = provincial.available_amount / (provincial.available_amount + minors.available_amount)
    left = provincial.available_amount - services.source_contracted(provincial)
    from_provincial = min(left, _floor_step(contract.amount * share, 1000), contract.amount)
    if key == "qianshou":  # the last contract of the year takes what the provincial part has left
        from_provincial = min(left, contract.amount)
    provincial_part = services.contract_allocate(contract=contract, source=provincial, amount=from_provincial)
    minors_part = services.contract_allocate(contract=contract, source=minors,
                                             amount=contract.amount - from_provincial)

    # Targets: from the year's records when it is over, else from last year's.
    ids = [s.pk for s in stations]
    if finished:
        reference = _counted(ids, start, end)
        factors = {kind: Decimal("0.95") for kind in TARGET_KINDS}
        if key == "qianshou":
            factors[TargetKind.GROUPWORK] = Decimal("1.25")  # one target missed, as in its evaluation
    else:
        reference = _counted(ids, datetime.date(year - 1, 1, 1), datetime.date(year - 1, 12, 31))
        factors = {kind: Decimal("1.0") for kind in TARGET_KINDS}
    for kind in TARGET_KINDS:
        if reference[kind]:
            services.contract_target_set(contract=contract, kind=kind, value=max(_target(reference[kind], factors[kind]), 1))

    half = (contract.amount / 2).quantize(Decimal("1"))
    first = services.instalment_save(instalment=PaymentInstalment(
        contract=contract, funding=provincial_part, number=1, amount=half, due_on=datetime.date(year, 3, 31),
        condition="合同签订后拨付首期"))
    second = services.instalment_save(instalment=PaymentInstalment(
        contract=contract, funding=minors_part, number=2, amount=minors_part.amount, due_on=datetime.date(year, 7, 31),
        condition="事中评估合格后拨付", requires_evaluation=True, required_stage=EvaluationStage.DURING))
    last = services.instalment_save(instalment=PaymentInstalment(
        contract=contract, funding=provincial_part, number=3, amount=provincial_part.amount - half,
        due_on=datetime.date(year + 1, 1, 31), condition="事后绩效评价合格后拨付尾款",
        requires_evaluation=True, required_stage=EvaluationStage.AFTER))

    def pay(instalment, day, voucher):
        if day <= today:
            services.instalment_pay(instalment=instalment, paid_on=day, voucher=voucher)

    def evaluate(stage, day, share, evaluator):
        if day <= today:
            services.evaluation_record(
                contract=contract, system=system, stage=stage, evaluated_on=day, evaluator=evaluator,
                findings=FINDINGS[services.grade_for(share * 100)], scores=_scores(system, share),
                recorded_by=recorder)

    pay(first, datetime.date(year, 3, 20), f"XX{year}03{number}")
    evaluate(EvaluationStage.DURING, datetime.date(year, 7, 15), PROFILE[key] - Decimal("0.02"),
             "浚县社会工作服务指导中心")
    pay(second, datetime.date(year, 7, 25), f"XX{year}07{number}")
    evaluate(EvaluationStage.AFTER, datetime.date(year + 1, 1, 20), PROFILE[key], "浚县民政局绩效评价工作组(第三方评估)")
    pay(last, datetime.date(year + 1, 2, 5), f"XX{year + 1}02{number}")


def seed(context):
    county = context["county"]
    today = timezone.localdate()
    system = _indicator_system(county)
    recorder = Staff.objects.filter(organisation=context["center"], role=Role.CENTER_SUPERVISOR).select_related(
        "user").order_by("pk").first()
    for year, plan in YEARS.items():
        if year > today.year:
            continue
        provincial, minors = _sources(county, year, plan)
        for key, amount in plan["contracts"].items():
            _contract(context, system, county, year, key, amount, provincial, minors,
                      recorder.user if recorder else None, today)
    context["indicator_system"] = system
    if today.year >= VENTURE_YEAR:
        _womens_federation_contract(context, county, today)
        _venture_call(context, county, today)


# --- issue 20: another buyer, and a 公益创投 call (both after 2023: its figures stay the seed's) ---

VENTURE_YEAR = 2026
VENTURE_TITLE = f"{VENTURE_YEAR}年鹤壁市社区公益创投大赛(浚县赛区)"


def _womens_federation_contract(context, county, today):
    code = f"XXFL-{VENTURE_YEAR}-01"
    if Contract.objects.filter(code=code).exists():
        return
    source, _created = FundingSource.objects.get_or_create(
        region=county, year=VENTURE_YEAR, name=f"{VENTURE_YEAR}年县妇联巾帼关爱专项资金",
        defaults={"source_type": SourceType.FISCAL_SPECIAL, "base_amount": Decimal("150000"),
                  "share_rule": ShareRule.FIXED, "share_fixed_amount": Decimal("120000"),
                  "notes": "县妇联购买困境妇女儿童关爱服务。"})
    stations = sorted((s for s in context["stations"].values() if s.short_name in {"卫贤站", "王庄站"}),
                      key=lambda s: s.pk)
    contract = services.contract_create(
        county=county, year=VENTURE_YEAR, code=code, name=f"{VENTURE_YEAR}年浚县“巾帼守护”困境妇女儿童关爱项目",
        buyer=Buyer.WOMENS_FEDERATION, contractor=context["operators"]["qianshou"], amount=Decimal("120000"),
        start_on=datetime.date(VENTURE_YEAR, 3, 1), end_on=datetime.date(VENTURE_YEAR, 12, 31),
        signed_on=datetime.date(VENTURE_YEAR, 2, 20), status=ContractStatus.ACTIVE,
        notes="县妇联购买、鹤壁牵手承接,在卫贤站、王庄站开展困境妇女儿童关爱服务。", stations=stations)
    part = services.contract_allocate(contract=contract, source=source, amount=Decimal("120000"))
    first = services.instalment_save(instalment=PaymentInstalment(
        contract=contract, funding=part, number=1, amount=Decimal("60000"),
        due_on=datetime.date(VENTURE_YEAR, 3, 31), condition="合同签订后拨付首期"))
    if datetime.date(VENTURE_YEAR, 3, 25) <= today:
        services.instalment_pay(instalment=first, paid_on=datetime.date(VENTURE_YEAR, 3, 25),
                                voucher=f"FL{VENTURE_YEAR}0301")


# applicant (an organisation key or a partner name), title, theme, requested, reviews (bureau, center, expert)
VENTURE_APPLICATIONS = [
    ("浚县阳光助残服务中心", "“阳光同行”残疾人居家康复与辅助就业项目", "助残服务", Decimal("180000"), (92, 88, 90)),
    ("浚县夕阳红助老协会", "“夕阳暖心”留守老人助餐与心理慰藉项目", "为老服务", Decimal("150000"), (85, 83, 86)),
    ("qicai", "“七彩童伴”困境儿童课后陪伴项目", "儿童关爱", Decimal("200000"), (80, 78, 82)),
    ("qianshou", "“牵手邻里”社区互助网络建设项目", "社区治理", Decimal("120000"), (72, 70, 75)),
]


def _venture_call(context, county, today):
    from django.contrib.auth import get_user_model

    from training.models import Expert

    if VentureCall.objects.filter(county=county, title=VENTURE_TITLE).exists():
        return
    opens, closes = datetime.date(VENTURE_YEAR, 3, 1), datetime.date(VENTURE_YEAR, 4, 15)
    if closes + datetime.timedelta(days=45) > today:
        return  # (a demo loaded before the call's results: no call yet)
    city = county.parent
    source, _created = FundingSource.objects.get_or_create(
        region=city, year=VENTURE_YEAR, name=f"{VENTURE_YEAR}年鹤壁市公益创投资金",
        defaults={"source_type": SourceType.VENTURE_PHILANTHROPY, "base_amount": Decimal("2000000"),
                  "share_rule": ShareRule.FIXED, "share_fixed_amount": Decimal("2000000"),
                  "notes": "市级公益创投资金,每年200万元,扶持社会组织开展社区公益项目。"})
    call = services.venture_call_save(call=VentureCall(
        county=county, source=source, title=VENTURE_TITLE, year=VENTURE_YEAR, budget=Decimal("400000"),
        opens_on=opens, closes_on=closes, themes="为老服务\n儿童关爱\n助残服务\n社区治理"))
    services.venture_call_transition(call=call, action="open")
    if "partners" not in context:  # (run without the partners part: its ledger is idempotent)
        from partners import demo as partners_demo

        partners_demo.seed(context)
    partners = context["partners"]
    applications = []
    for index, (applicant, title, theme, amount, scores) in enumerate(VENTURE_APPLICATIONS):
        application = VentureApplication(
            call=call, project_title=title, theme=theme, amount_requested=amount,
            submitted_on=opens + datetime.timedelta(days=10 + index * 5),
            summary=f"{title}:面向浚县{theme}需求,整合社区与志愿者资源,开展为期一年的服务。")
        if applicant in context["operators"]:
            application.organisation = context["operators"][applicant]
        else:
            application.partner = partners[applicant]
        applications.append((services.venture_application_save(application=application), scores))
    services.venture_call_transition(call=call, action="close")
    users = get_user_model().objects.filter(username__in=["bureau", "center"]).order_by("username")
    users = {u.username: u for u in users}
    expert = Expert.objects.filter(county=county).order_by("pk").first()
    review_day = closes + datetime.timedelta(days=10)
    for application, (bureau_score, center_score, expert_score) in applications:
        for reviewer, score in ((users.get("bureau"), bureau_score), (users.get("center"), center_score)):
            if reviewer is not None:
                services.venture_review_record(application=application, score=Decimal(score), reviewer=reviewer,
                                               reviewed_on=review_day, comment="需求明确,方案可行。",
                                               recorded_by=reviewer)
        if expert is not None:
            services.venture_review_record(application=application, score=Decimal(expert_score), expert=expert,
                                           reviewed_on=review_day, comment="建议细化服务指标。",
                                           recorded_by=users.get("center"))
    funded, _scores = applications[0]
    awarded_on = closes + datetime.timedelta(days=30)
    project = services.venture_award(application=funded, amount=Decimal("160000"), awarded_on=awarded_on)
    services.venture_call_transition(call=call, action="announce")
    first = services.venture_milestone_add(project=project, title="完成服务对象需求评估与建档",
                                           due_on=awarded_on + datetime.timedelta(days=30))
    services.venture_milestone_done(milestone=first, done_on=awarded_on + datetime.timedelta(days=25),
                                    evidence="完成42名残疾人需求评估,建立服务档案42份。")
    services.venture_milestone_add(project=project, title="开展居家康复服务不少于300人次",
                                   due_on=datetime.date(VENTURE_YEAR, 11, 30))
    payment = services.venture_payment_add(project=project, amount=Decimal("80000"),
                                           due_on=awarded_on + datetime.timedelta(days=15))
    services.venture_payment_pay(payment=payment, paid_on=awarded_on + datetime.timedelta(days=14))
    services.venture_payment_add(project=project, amount=Decimal("80000"), due_on=datetime.date(VENTURE_YEAR + 1, 1, 31))
