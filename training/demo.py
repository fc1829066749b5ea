"""Xun County's workforce growth for ``seed_demo``: trainings, supervision, station
evaluations, incentives and the case competition.

2023 matches the seed exactly: 12 thematic trainings of 120 hours in all; 65 supervision
sessions of 145 hours by provincial and city experts and Hebi's "社工之星"; an evaluation of
every station (以评促改) with rectification items; the first county case competition with
11 stations entered and 5 commended. Then believable records from 2024 to today.

Idempotent: every record is looked up by its natural key; the random draws happen in the
same order on every run, whatever already exists.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from stations.choices import CertificateLevel, Role
from stations.models import Certificate, Staff

from . import schemes, services
from .choices import (
    AwardLevel,
    EntitlementKind,
    ExpertKind,
    PayoutStatus,
    RectificationStatus,
    SupervisionMode,
)
from .models import (
    CompetitionEvent,
    Entitlement,
    EvaluationItem,
    EvaluationScheme,
    Expert,
    IncentivePolicy,
    JudgeScore,
    RatingBand,
    RectificationItem,
    StationEvaluation,
    Submission,
    Supervision,
    Training,
    TuitionClaim,
)

FIVE_SCHEME = schemes.FIVE[0]
THOUSAND_SCHEME = schemes.THOUSAND[0]

EXPERTS = [
    ("李卫东", ExpertKind.PROVINCIAL, "河南省社会工作协会", "高级社会工作师"),
    ("王秀兰", ExpertKind.PROVINCIAL, "郑州大学社会工作系", "副教授"),
    ("张宏伟", ExpertKind.PROVINCIAL, "河南师范大学社会事业学院", "教授"),
    ("赵敏", ExpertKind.CITY, "鹤壁市社会工作协会", "社会工作师"),
    ("刘建军", ExpertKind.CITY, "鹤壁职业技术学院", "讲师"),
    ("陈晓燕", ExpertKind.SOCIAL_WORK_STAR, "鹤壁市七彩社会工作服务中心", "鹤壁市“社工之星”"),
    ("杨磊", ExpertKind.SOCIAL_WORK_STAR, "鹤壁市牵手社会工作服务中心", "鹤壁市“社工之星”"),
]

# 2023: 12 thematic trainings, 120 hours (the seed's figures).
TRAININGS_2023 = [
    ("2023-02-16", "社会救助政策与社工站职责专题培训", 12, "李卫东"),
    ("2023-03-09", "困难群众走访探访规范与服务记录", 8, "赵敏"),
    ("2023-04-13", "个案工作方法与个案记录撰写", 10, "王秀兰"),
    ("2023-05-11", "小组工作设计与带领技巧", 12, "张宏伟"),
    ("2023-06-08", "困境儿童关爱保护与“护童”服务", 8, "陈晓燕"),
    ("2023-07-13", "社区活动策划与资源链接", 10, "刘建军"),
    ("2023-08-10", "老年人服务与居家探访安全", 12, "杨磊"),
    ("2023-09-07", "“五社联动”机制与社区治理", 10, "李卫东"),
    ("2023-10-12", "社会工作伦理与服务对象隐私保护", 8, "王秀兰"),
    ("2023-11-09", "社工站标准化建设与评估指标解读", 10, "赵敏"),
    ("2023-11-30", "助理社会工作师、社会工作师考前辅导", 12, "张宏伟"),
    ("2023-12-14", "年度服务总结与优秀案例撰写", 8, "陈晓燕"),
]
LATER_TOPICS = [
    "动态监测与困难群众分类探访", "个案管理与转介", "儿童之家服务设计", "“千站暖万家”行动经验交流",
    "心理急救与危机干预", "社区慈善基金与资源链接", "小组工作进阶：支持性小组", "社工站月报与台账规范",
    "残疾人服务与无障碍", "留守老人关爱服务", "社会工作督导技巧", "公益创投项目申报与管理",
    "服务对象信息安全与隐私保护", "社工站品牌建设", "家庭社会工作方法", "政策解读：社会救助新规",
]
SUPERVISION_TOPICS = [
    "个案评估与服务计划", "走访记录规范", "小组方案设计", "社区活动复盘", "困境儿童个案研讨",
    "特困人员探访重点", "社工站台账梳理", "资源链接与慈善项目", "服务对象需求评估", "社工压力与自我照顾",
]
FINDINGS = [
    "走访记录较完整，但需求评估部分填写简略。", "个案计划目标不够具体，缺少可衡量指标。",
    "小组活动组织有序，参与者反馈积极。", "台账分类清楚，月报按时报送。", "部分困境儿童探访间隔偏长。",
    "社区活动宣传到位，但服务对象参与比例偏低。", "资源链接渠道单一，主要依赖镇政府。",
]
ADVICE = [
    "按“一人一档”补全需求评估，下月督导时复查。", "个案目标按SMART原则重写，并与服务对象确认。",
    "小组结束后做好前后测评估，总结成效。", "继续保持，整理优秀做法在全县交流。",
    "困境儿童按月探访，建立提醒清单。", "活动前通过网格员定向邀请困难群众参加。",
    "对接社区慈善基金和爱心企业，拓宽资源渠道。",
]
RECTIFICATIONS = [
    "补全困难群众需求评估档案", "规范个案记录并补齐结案评估", "完善服务流程公示上墙",
    "建立困境儿童月度探访提醒清单", "增加小组工作节次并做前后测", "整理资源链接台账",
    "组织未达学时的社工参加继续教育", "更新服务指南和公示栏",
]
CASE_TITLES = [
    "陪伴与赋能：一名留守儿童的成长故事", "从“独居”到“邻里守望”：空巢老人个案", "重病重残儿童家庭的资源链接",
    "特困老人的居家安全改善", "残疾青年的就业支持", "困境家庭的亲子关系修复", "低保家庭学生的学业支持",
    "失独老人的哀伤辅导", "事实无人抚养儿童的监护落实", "精神障碍患者的社区融入", "“爱心小屋”积分兑换的故事",
]


def _d(text):
    return datetime.date.fromisoformat(text)


def _weekday(day):
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _experts(county):
    result = {}
    for name, kind, affiliation, title in EXPERTS:
        expert, _created = Expert.objects.get_or_create(
            county=county, name=name, defaults={"kind": kind, "affiliation": affiliation, "title": title}
        )
        result[name] = expert
    return result


def _training(county, organiser, held_on, topic, hours, experts, attendees, trainers=()):
    training = Training.objects.filter(county=county, held_on=held_on, topic=topic).first()
    if training is not None:
        return training
    training = Training(county=county, held_on=held_on, topic=topic, hours=Decimal(hours), organiser=organiser,
                        location="浚县社会工作服务指导中心培训室",
                        content=f"围绕“{topic}”开展专题授课、案例研讨和分组演练。")
    return services.training_save(training=training, attendees=attendees, trainers=trainers,
                                  expert_trainers=experts)


def _seed_trainings(rng, county, center_org, experts, workers, supervisor, today):
    expert_list = list(experts.values())
    # 2023: almost everyone attends the thematic trainings
    for day, topic, hours, trainer in TRAININGS_2023:
        attendees = [w for w in workers if rng.random() < 0.9]
        _training(county, center_org, _d(day), topic, hours, [experts[trainer]], attendees)
    # 2024 to today: fewer, shorter sessions; each worker comes at their own rate, so some fall behind
    rate = {w.pk: 0.25 + 0.7 * rng.random() for w in workers}
    for year, count in [(2024, 10), (2025, 9), (2026, 9)]:
        months = sorted(rng.sample(range(1, 13), count))
        for index, month in enumerate(months):
            day = _weekday(datetime.date(year, month, rng.randint(5, 25)))
            topic = LATER_TOPICS[(year * 7 + index) % len(LATER_TOPICS)]
            hours = rng.choice([4, 6, 6, 8])
            trainer = rng.choice(expert_list)
            internal = rng.random() < 0.3
            attendees = [w for w in workers if rng.random() < rate[w.pk]]
            if day > today:
                continue
            _training(county, center_org, day, topic, hours, [] if internal else [trainer], attendees,
                      trainers=[supervisor] if internal else [])


def _supervision_hours_2023(rng):
    # 25 × 2 h + 20 × 2.5 h + 10 × 3 h + 10 × 1.5 h = 145 h over 65 sessions (the seed's figures)
    hours = [Decimal("2")] * 25 + [Decimal("2.5")] * 20 + [Decimal("3")] * 10 + [Decimal("1.5")] * 10
    rng.shuffle(hours)
    return hours


def _supervision(station, day, hours, mode, expert, staff, topic, workers, follow_up_on, done):
    lookup = {"station": station, "supervised_on": day}
    existing = Supervision.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    index = (day.toordinal() + station.pk) % len(FINDINGS)
    supervision = Supervision(
        station=station, supervised_on=day, hours=hours, mode=mode, supervisor_expert=expert,
        supervisor_staff=staff, topic=topic, findings=FINDINGS[index], advice=ADVICE[index],
        follow_up="下次督导复查落实情况。" if follow_up_on else "", follow_up_on=follow_up_on, follow_up_done=done,
    )
    return services.supervision_save(supervision=supervision, workers=workers)


def _seed_supervisions(rng, stations, experts, station_workers, supervisor, today):
    outside = list(experts.values())
    offline = [SupervisionMode.ON_SITE] * 5 + [SupervisionMode.ONE_TO_ONE] * 3 + [SupervisionMode.GROUP] * 2
    # 2023: 65 offline sessions, six at ten stations and five at the eleventh
    hours = _supervision_hours_2023(rng)
    plan = []
    for index, station in enumerate(stations):
        for slot in range(5 if index == len(stations) - 1 else 6):
            plan.append((station, slot))
    for (station, slot), h in zip(plan, hours, strict=True):
        month = 2 + slot * 2 if slot < 5 else 12
        day = _weekday(datetime.date(2023, min(month, 12), 3 + (station.pk * 2 + slot) % 22))
        if slot == 5:
            day = _weekday(datetime.date(2023, 11, 6 + station.pk % 18))
        mode = rng.choice(offline)
        expert = rng.choice(outside)
        topic = rng.choice(SUPERVISION_TOPICS)
        workers = station_workers[station.pk]
        if mode == SupervisionMode.ONE_TO_ONE:
            workers = workers[:1]
        _supervision(station, day, h, mode, expert, None, topic, workers, day + datetime.timedelta(days=30), True)
    # 2024 to today: about five a year per station, some online or by the center's own supervisor
    modes = offline + [SupervisionMode.ONLINE] * 2
    for year in (2024, 2025, 2026):
        for station in stations:
            for month in sorted(rng.sample(range(1, 13), 5)):
                day = _weekday(datetime.date(year, month, 4 + (station.pk * 3 + month) % 20))
                mode = rng.choice(modes)
                internal = rng.random() < 0.25
                expert = None if internal else rng.choice(outside)
                h = Decimal(rng.choice(["1.5", "2", "2", "2.5", "3"]))
                topic = rng.choice(SUPERVISION_TOPICS)
                follow = day + datetime.timedelta(days=30)
                done = follow < today - datetime.timedelta(days=20) or rng.random() < 0.5
                workers = station_workers[station.pk]
                if mode == SupervisionMode.ONE_TO_ONE:
                    workers = workers[-1:]
                if day > today:
                    continue
                _supervision(station, day, h, mode, expert, supervisor if internal else None, topic, workers,
                             follow, done)


def _scores(rng, scheme, strength):
    scores = {}
    for item in scheme.items.all():
        share = min(1.0, max(0.4, strength + rng.uniform(-0.12, 0.08)))
        scores[item.pk] = (Decimal(round(float(item.max_score) * share * 2) / 2), "")
    return scores


def _evaluation(station, scheme, day, start, end, scores, evaluators, findings):
    existing = StationEvaluation.objects.filter(station=station, scheme=scheme, evaluated_on=day).first()
    if existing is not None:
        return existing
    evaluation = StationEvaluation(station=station, scheme=scheme, evaluated_on=day, period_start=start,
                                   period_end=end, evaluators=evaluators, findings=findings)
    return services.evaluation_save(evaluation=evaluation, scores=scores)


def _rectify(evaluation, description, owner, deadline, status, done_on, note=""):
    item = RectificationItem.objects.filter(evaluation=evaluation, description=description).first()
    if item is not None:
        return item
    return services.rectification_save(item=RectificationItem(
        evaluation=evaluation, description=description, owner=owner, deadline=deadline, status=status,
        done_on=done_on, note=note,
    ))


def _seed_evaluations(rng, stations, station_workers, today):
    five = EvaluationScheme.objects.prefetch_related("items", "bands").get(name=FIVE_SCHEME)
    thousand = EvaluationScheme.objects.prefetch_related("items", "bands").get(name=THOUSAND_SCHEME)
    strength = {s.pk: 0.68 + 0.25 * rng.random() for s in stations}
    rounds = [
        (five, 2023, _d("2023-01-01"), _d("2023-11-30"), "指导中心 吴海燕；市级专家 赵敏"),
        (thousand, 2024, _d("2024-01-01"), _d("2024-11-30"), "指导中心 吴海燕；省级专家 李卫东"),
        (thousand, 2025, _d("2025-01-01"), _d("2025-11-30"), "指导中心 吴海燕；省级专家 王秀兰"),
        (five, 2026, _d("2026-01-01"), _d("2026-06-30"), "指导中心 吴海燕"),
    ]
    for scheme, year, start, end, evaluators in rounds:
        for index, station in enumerate(stations):
            if year == 2026:
                day = _weekday(datetime.date(2026, 7, 6 + index))
            else:
                day = _weekday(datetime.date(year, 12, 4 + index))
            level = min(strength[station.pk] + (year - 2023) * 0.03, 0.97)
            picks = rng.sample(RECTIFICATIONS, 2 + (index % 2))
            status_draw = [rng.random() for _ in picks]
            scores = _scores(rng, scheme, level)
            if day > today:
                continue
            evaluation = _evaluation(
                station, scheme, day, start, end, scores, evaluators,
                f"{station.short_name}{year}年度评估：阵地和队伍基本达标，服务记录需进一步规范。",
            )
            owner = station_workers[station.pk][0] if station_workers[station.pk] else None
            for number, (description, draw) in enumerate(zip(picks, status_draw, strict=True)):
                deadline = day + datetime.timedelta(days=90 + 30 * number)
                if deadline < today - datetime.timedelta(days=60) and draw < 0.8:
                    status, done_on = RectificationStatus.DONE, deadline - datetime.timedelta(days=10)
                elif deadline < today and draw < 0.5:
                    status, done_on = RectificationStatus.DONE, min(deadline, today)
                elif draw < 0.75:
                    status, done_on = RectificationStatus.IN_PROGRESS, None  # overdue once the deadline passes
                else:
                    status, done_on = RectificationStatus.OPEN, None
                _rectify(evaluation, description, owner, deadline, status, done_on,
                         "已制定整改方案，正在落实。" if status == RectificationStatus.IN_PROGRESS else "")


def _seed_competitions(rng, county, stations, station_workers, experts, today):
    from services.models import Case

    events = [
        ("浚县首届乡镇（街道）社会工作服务站成果展示暨社工服务案例大赛", _d("2023-12-21"), 2023),
        ("浚县第二届社工服务案例大赛", _d("2024-12-19"), 2024),
        ("浚县第三届社工服务案例大赛", _d("2025-12-18"), 2025),
    ]
    judges = ["李卫东", "王秀兰", "赵敏"]
    awards = [AwardLevel.FIRST, AwardLevel.SECOND, AwardLevel.SECOND, AwardLevel.THIRD, AwardLevel.THIRD]
    for name, held_on, year in events:
        draws = {s.pk: [Decimal(rng.randint(150, 196)) / 2 for _judge in judges] for s in stations}
        if held_on > today:
            continue
        event, _created = CompetitionEvent.objects.get_or_create(
            county=county, name=name,
            defaults={"held_on": held_on, "judges": "、".join(judges),
                      "description": "11个镇（街道）社工站参赛，展示工作亮点与优秀案例，评选表彰5个站点。"},
        )
        for index, station in enumerate(stations):
            title = f"{station.short_name}：{CASE_TITLES[(index + year) % len(CASE_TITLES)]}"
            case = Case.objects.filter(station=station, intake_on__year=year).order_by("intake_on", "pk").first()
            submission, created = Submission.objects.get_or_create(
                event=event, title=title,
                defaults={"station": station, "case": case, "summary": f"{station.name}在{year}年的代表性服务案例。"},
            )
            if created:
                submission.authors.set(station_workers[station.pk])
                JudgeScore.objects.bulk_create(
                    [JudgeScore(submission=submission, judge=j, score=s) for j, s in zip(judges, draws[station.pk],
                                                                                       strict=True)]
                )
        ranked = list(services.competition_rank(event=event))
        if not any(s.award for s in ranked):
            for submission, award in zip(ranked, awards, strict=False):
                submission.award = award
                submission.save(update_fields=["award"])


def _new_certificates(workers):
    """Three uncertified workers pass 助理社会工作师 and two assistants pass 社会工作师, 2023–2025."""
    # chosen by the certificates held before 2023, so a second run picks the same people
    before = {w.pk: {c.level for c in w.certificates.all() if c.issued_on.year < 2023} for w in workers}
    uncertified = [w for w in workers if not before[w.pk]]
    assistants = [w for w in workers if before[w.pk] == {CertificateLevel.ASSISTANT}]
    exam_days = [_d("2023-08-26"), _d("2024-08-24"), _d("2025-08-23")]
    planned = [(w, CertificateLevel.ASSISTANT, exam_days[i % 3]) for i, w in enumerate(uncertified[:3])]
    planned += [(w, CertificateLevel.INTERMEDIATE, exam_days[1 + i]) for i, w in enumerate(assistants[:2])]
    return planned


def _seed_incentives(county, workers, today):
    policy, _created = IncentivePolicy.objects.get_or_create(
        region=county, name="浚县社会工作专业人才激励办法（参照银川市“人才政策30条”）",
        defaults={
            "document": "浚民〔2023〕5号", "valid_from": _d("2023-01-01"),
            "award_assistant": Decimal("2000"), "award_intermediate": Decimal("3000"), "award_senior": Decimal("6000"),
            "subsidy_assistant": Decimal("200"), "subsidy_intermediate": Decimal("300"),
            "subsidy_senior": Decimal("500"), "tuition_rate": Decimal("100"), "tuition_cap": Decimal("5000"),
            "notes": "取得初、中、高级社会工作师证书一次性奖励2000、3000、6000元；持证社工每月职称补贴200、300、500元；"
                     "参加社会工作专业学历教育并取得学历的报销学费。",
        },
    )
    # Workers who passed the national exam after the policy came in (after the 考前辅导 training)
    for index, (staff, level, issued_on) in enumerate(_new_certificates(workers)):
        if issued_on <= today:
            Certificate.objects.get_or_create(
                level=level, number=f"HN{issued_on.year}{staff.pk:04d}{index:02d}",
                defaults={"staff": staff, "issued_on": issued_on},
            )
    certified = [w for w in workers if w.certificates.exists()]
    for staff, course, paid_on, amount in [
        (certified[0], "社会工作专业本科（自学考试）", _d("2024-07-15"), Decimal("4800")),
        (certified[-1], "社会工作专业专科（开放教育）", _d("2025-03-20"), Decimal("6200")),
    ]:
        TuitionClaim.objects.get_or_create(policy=policy, staff=staff, course=course,
                                           defaults={"paid_on": paid_on, "amount_paid": amount})
    services.entitlements_compute(policy=policy, start=policy.valid_from, end=today)
    # Everything up to two months ago has been paid out (on the 10th of the following month).
    cutoff = (today.replace(day=1) - datetime.timedelta(days=32)).replace(day=1)
    for entitlement in Entitlement.objects.filter(policy=policy, status=PayoutStatus.DUE, period__lt=cutoff):
        paid = (entitlement.period.replace(day=28) + datetime.timedelta(days=4)).replace(day=10)
        if entitlement.kind == EntitlementKind.TUITION:
            paid = entitlement.period + datetime.timedelta(days=30)
        entitlement.status, entitlement.paid_on = PayoutStatus.PAID, paid
        entitlement.save(update_fields=["status", "paid_on"])


def seed(context):
    rng = random.Random(20230101)
    today = timezone.localdate()
    county = context["county"]
    stations = sorted(context["stations"].values(), key=lambda s: s.town.code)
    workers = sorted(context["workers"], key=lambda w: w.pk)
    supervisor = Staff.objects.filter(role=Role.CENTER_SUPERVISOR, organisation=context["center"]).order_by("pk").first()
    station_workers = {s.pk: [w for w in workers if w.station_id == s.pk] for s in stations}
    experts = _experts(county)
    # The standard schemes come with migration 0003; a database flushed since (the live-server
    # browser tests) has none, so the demo creates them when missing.
    schemes.create_missing(EvaluationScheme, EvaluationItem, RatingBand)
    _seed_trainings(rng, county, context["center"], experts, workers, supervisor, today)
    _seed_supervisions(rng, stations, experts, station_workers, supervisor, today)
    _seed_evaluations(rng, stations, station_workers, today)
    _seed_competitions(rng, county, stations, station_workers, experts, today)
    _seed_incentives(county, workers, today)
