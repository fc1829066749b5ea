"""The services of the Xun County demo (``seed_demo``).

2023 gives the seed's annual figures exactly: 5,665 visits (one for each of the 5,000 people
of the clients demo's groups G1–G8, a second one for the 373 特困 people and for 292 children
in distress), 18 cases, 20 groups whose first session is in 2023, 162 community activities,
65,000.00 yuan of linked resources and 22,400 people served. Then believable records from
2024 to today: ~6,000 visits a year, cases (some still open), groups, activities, referrals,
dispatches (some overdue) and monthly reports (2023–2024 approved; recent months mixed).

Everything comes from a fixed-seed ``random.Random``; a second run finds the 2023 visits and
creates nothing. History rows are skipped for this bulk demo data.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from clients.models import CategoryMembership, Client, VisitInterval
from clients.services import DEFAULT_DAYS, DEFAULT_INTERVALS
from stations.choices import Role
from stations.models import Organisation

from .choices import (
    ActivityKind,
    CaseClosureReason,
    CaseEventKind,
    CasePlanStatus,
    CaseStage,
    DispatchSource,
    DispatchStatus,
    MonthlyReportAction,
    MonthlyReportStatus,
    ReferralStatus,
    ResourceKind,
    SourceKind,
    VisitKind,
    VolunteerKind,
)
from .models import (
    Activity,
    CampaignTag,
    Case,
    CaseEvent,
    CaseGoal,
    CaseNote,
    CaseStageChange,
    CaseTask,
    Dispatch,
    FollowUp,
    Group,
    GroupSession,
    MonthlyReport,
    MonthlyReportEvent,
    Referral,
    ResourceLink,
    Visit,
    report_deadline,
)

PLAN_GOALS = [
    [("改善居家安全状况", "三个月内完成居家适老化改造并每月复查一次"),
     ("增强社会支持网络", "每周至少参加一次社区活动,持续三个月")],
    [("稳定学业表现", "一学期内缺课不超过三天"),
     ("改善亲子沟通", "每两周开展一次家庭会谈,共六次")],
    [("按时就医服药", "每月按时复诊,三个月服药依从率达到九成"),
     ("落实救助政策", "两个月内完成临时救助申请并获批")],
]
PLAN_TASKS = ["联系村医定期上门随访", "链接志愿者每周探访", "协助申请临时救助", "联系学校班主任了解情况",
              "组织家庭会谈", "陪同复诊并记录用药情况"]
SEED = "xunxian-services-2023"
# How often each station's visits slip past the due date (by town, in town order): uneven on purpose.
STATION_SLIP = [0.10, 0.35, 0.18, 0.05, 0.45, 0.22, 0.12, 0.30, 0.08, 0.40, 0.25]
YEAR = 2023
VISITS_2023 = 5665
SECOND_VISIT_CHILDREN = 292
CASES_2023 = 18
GROUPS_2023 = 20
ACTIVITIES_2023 = 162
RESOURCES_2023 = Decimal("65000.00")
PEOPLE_SERVED_2023 = 22400
# Visits per month: more around the Spring Festival (Jan 2023) and Mid-Autumn (Sep 2023).
MONTH_WEIGHTS = [15, 11, 7, 7, 7, 6, 6, 7, 13, 8, 6, 7]

TAGS = [
    ("五社联动", "社区、社会组织、社会工作者、社区志愿者、社会慈善资源联动"),
    ("千站暖万家", "河南省社工站“千站暖万家”主题服务行动"),
    ("困境儿童关爱", "困境儿童关爱保护专项行动"),
    ("夏季送清凉", "高温天气走访慰问困难群众"),
]
FINDINGS = [
    "居住环境整洁,身体状况稳定,生活基本能自理。", "老人患慢性病,按时服药,子女每周探望。",
    "房屋漏雨,需要维修。", "近期因病住院,家庭支出增加。", "孩子学习情况良好,监护人照料到位。",
    "冬季取暖物资不足。", "行动不便,需要陪同就医。", "情绪低落,独居缺少陪伴。", "低保待遇按时发放,无新增困难。",
    "监护人外出务工,由祖辈照料。",
]
NEEDS = ["", "", "", "医疗救助", "临时救助", "生活照料", "心理疏导", "助学帮扶", "住房修缮", "康复辅具"]
ACTIVITY_TITLES = {
    ActivityKind.FESTIVAL: ["新春送温暖慰问活动", "元宵节猜灯谜活动", "端午节包粽子活动", "中秋节团圆活动",
                            "重阳节敬老活动", "腊八节送粥活动"],
    ActivityKind.EDUCATION: ["防溺水安全教育讲座", "反诈宣传进社区", "社会救助政策宣讲", "防范养老诈骗宣传"],
    ActivityKind.VOLUNTEER: ["志愿者入户助老服务", "爱心义剪活动", "环境卫生清洁行动"],
    ActivityKind.CULTURE: ["广场舞展演活动", "老年书画交流活动", "四点半课堂"],
    ActivityKind.HEALTH: ["健康义诊进村", "老年人健康体检", "康复知识讲座"],
    ActivityKind.CHILDREN: ["困境儿童暑期夏令营", "儿童之家绘本阅读", "六一儿童节游园活动"],
}
GROUP_THEMES = [
    ("“阳光伙伴”困境儿童成长小组", "提升困境儿童的自信心和人际交往能力"),
    ("“银龄互助”老年人支持小组", "增强独居老人的社会支持网络"),
    ("“快乐学习”四点半课堂小组", "帮助留守儿童养成良好学习习惯"),
    ("“健康同行”慢病管理小组", "提高慢性病老人自我管理能力"),
    ("“亲子同心”家庭教育小组", "改善亲子沟通方式"),
    ("“自强之家”残疾人康复小组", "促进残疾人康复训练与社会融入"),
    ("“守护童心”安全教育小组", "提高儿童安全防护意识"),
]
CASE_TITLES = [
    "独居老人生活照料个案", "困境儿童学业支持个案", "残疾人就业帮扶个案", "特困老人就医陪护个案",
    "低保家庭危机介入个案", "留守儿童情绪疏导个案", "事实无人抚养儿童监护支持个案", "重病家庭资源链接个案",
]
REFERRAL_TARGETS = ["县医疗保障局", "县残疾人联合会", "县教育局学生资助中心", "镇卫生院", "县妇联",
                    "县人社局就业服务中心", "县慈善总会"]
DISPATCH_TITLES = [
    ("网格员上报:独居老人多日未见", DispatchSource.GRID_REPORT), ("12345热线:困难家庭求助", DispatchSource.HOTLINE),
    ("大排查发现:儿童监护缺失", DispatchSource.SCREENING), ("上级交办:高温天气走访特困人员", DispatchSource.SUPERIOR),
    ("网格员上报:残疾人生活困难", DispatchSource.GRID_REPORT), ("热线来电:老人就医需陪同", DispatchSource.HOTLINE),
]
DONORS = [
    (SourceKind.CHARITY_FUND, "浚县慈善总会"), (SourceKind.ENTERPRISE, "浚县爱心企业联合会"),
    (SourceKind.ENTERPRISE, "鹤壁市某食品有限公司"), (SourceKind.DONOR, "爱心人士"),
    (SourceKind.CHARITY_FUND, "社区慈善基金"), (SourceKind.VOLUNTEERS, "浚县志愿者协会"),
]
RESOURCE_ITEMS = {
    ResourceKind.CASH: ["节日慰问金", "助学金", "临时救助金"],
    ResourceKind.GOODS: ["米面油慰问品", "冬季棉被", "学习用品", "爱心小屋兑换物资"],
    ResourceKind.SERVICE: ["免费义诊服务", "家电维修服务", "康复理疗服务"],
}


def _day(rng, start, end):
    if end <= start:
        return start
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def _month_day(rng, year, month, start=None, end=None):
    first = datetime.date(year, month, 1)
    last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    return _day(rng, max(first, start or first), min(last, end or last))


def _weighted_month(rng):
    return rng.choices(range(1, 13), weights=MONTH_WEIGHTS)[0]


def _kind(rng, day):
    festive = (day.month == 1 and day.day >= 8) or (day.month == 2 and day.day <= 5) or \
        (day.month == 9 and day.day >= 15) or (day.month == 10 and day.day <= 3)
    if festive and rng.random() < 0.6:
        return VisitKind.FESTIVAL_GREETING
    return rng.choices([VisitKind.HOME_VISIT, VisitKind.PHONE_CALL, VisitKind.ACCOMPANIMENT], weights=[70, 20, 10])[0]


class _Builder:
    def __init__(self, context, today):
        self.rng = random.Random(SEED)
        self.today = today
        self.stations = list(context["stations"].values())
        self.station_by_id = {s.pk: s for s in self.stations}
        self.staff = defaultdict(list)
        for worker in context.get("workers", []):
            if worker.station_id:
                self.staff[worker.station_id].append(worker)
        self.groups = context["demo_groups"]
        self.later = context.get("demo_later_clients", [])
        all_ids = [pk for ids in self.groups.values() for pk in ids] + list(self.later)
        self.clients = {c.pk: c for c in Client.objects.filter(pk__in=all_ids)}
        self.by_station = defaultdict(list)
        for pk in sorted(self.clients):
            self.by_station[self.clients[pk].station_id].append(pk)
        self.visits = []  # (Visit, [staff ids])
        self.tags = {}

    def workers_of(self, station_id):
        return self.staff.get(station_id) or []

    def social_worker(self, station_id):
        workers = self.workers_of(station_id)
        plain = [w for w in workers if w.role == Role.SOCIAL_WORKER]
        return (plain or workers or [None])[0]

    # ------------------------------------------------------------------ visits
    def visit(self, rng, client_id, day):
        client = self.clients[client_id]
        workers = self.workers_of(client.station_id)
        chosen = [w.pk for w in rng.sample(workers, k=min(len(workers), rng.choice((1, 1, 2))))] if workers else []
        risk = rng.choices(["", "low", "medium", "high"], weights=[80, 12, 6, 2])[0]
        kind = _kind(rng, day)
        self.visits.append((Visit(
            station_id=client.station_id, client_id=client_id, visited_on=day, kind=kind,
            findings=rng.choice(FINDINGS), needs=rng.choice(NEEDS), risk_level=risk,
            follow_up_on=day + datetime.timedelta(days=rng.choice((14, 30, 60))) if risk in {"medium", "high"} else None,
        ), chosen))

    def visits_2023(self):
        rng = random.Random(f"{SEED}-visits")
        for key in sorted(self.groups):
            for client_id in self.groups[key]:
                self.visit(rng, client_id, _month_day(rng, YEAR, _weighted_month(rng)))
        children = sorted(self.groups["G3"] + self.groups["G7"])
        second = sorted(self.groups["G5"] + self.groups["G6"]) + sorted(rng.sample(children, SECOND_VISIT_CHILDREN))
        first_on = {v.client_id: v.visited_on for v, _ in self.visits}
        for client_id in second:
            first = first_on[client_id]
            # the other half of the year from the first visit
            start, end = ((datetime.date(YEAR, 7, 1), datetime.date(YEAR, 12, 31)) if first.month <= 6
                          else (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 6, 30)))
            self.visit(rng, client_id, _day(rng, start, end))

    def visits_later(self):
        """2024 to yesterday: each client is visited on the rhythm the county's intervals ask
        for (the shortest interval of their categories and risk as it stands, as clients.services
        computes it), a little ahead of the due date — except that each station now and then
        slips past it (``STATION_SLIP``: some stations more than others). On the demo's today
        that leaves between 5 % and 15 % of active clients overdue, unevenly across stations."""
        rng = random.Random(f"{SEED}-visits-later")
        county_id = self.stations[0].county_id
        configured = {(r.category, r.risk_level): r.days for r in VisitInterval.objects.filter(county_id=county_id)}
        configured = configured or DEFAULT_INTERVALS
        memberships = defaultdict(list)
        for m in CategoryMembership.objects.filter(client_id__in=list(self.clients)).only(
                "client_id", "category", "start_on", "end_on"):
            memberships[m.client_id].append(m)
        last_2023, risk = {}, {}
        for v, _ in sorted(self.visits, key=lambda item: item[0].visited_on):
            last_2023[v.client_id] = v.visited_on
            if v.risk_level:
                risk[v.client_id] = v.risk_level
        towns = sorted({s.town_id for s in self.stations})
        slip = {station.pk: STATION_SLIP[towns.index(station.town_id) % len(STATION_SLIP)]
                for station in self.stations}
        start, yesterday = datetime.date(YEAR + 1, 1, 1), self.today - datetime.timedelta(days=1)

        def interval(client_id, day, level):
            candidates = [configured.get(("", level))]
            candidates += [configured.get((m.category, ""), DEFAULT_DAYS) for m in memberships[client_id]
                           if m.is_held_on(day)]
            candidates = [d for d in candidates if d]
            return min(candidates) if candidates else DEFAULT_DAYS

        for client_id in sorted(self.clients):
            client = self.clients[client_id]
            last = last_2023.get(client_id) or max(start, client.registered_on) - datetime.timedelta(days=1)
            end = min(yesterday, client.closed_on or yesterday)
            level = risk.get(client_id, client.risk_level)
            first = client_id not in last_2023  # registered later: a first visit soon after registration
            while True:
                days = interval(client_id, last, level)
                late = rng.random() < slip[client.station_id]
                gap = round(days * (rng.uniform(1.05, 1.7) if late else rng.uniform(0.55, 0.97)))
                if first:
                    gap, first = rng.randint(1, 20), False
                day = max(last + datetime.timedelta(days=max(1, gap)), start, client.registered_on)
                if day > end:
                    break
                self.visit(rng, client_id, day)
                level = self.visits[-1][0].risk_level or level
                last = day

    def save_visits(self):
        Visit.objects.bulk_create([v for v, _ in self.visits], batch_size=2000)
        through = Visit.workers.through
        rows = [through(visit_id=v.pk, staff_id=s) for v, staff in self.visits for s in staff]
        through.objects.bulk_create(rows, batch_size=5000)
        tag = self.tags["千站暖万家"]
        tag_rows = [Visit.tags.through(visit_id=v.pk, campaigntag_id=tag.pk) for v, _ in self.visits
                    if v.kind == VisitKind.FESTIVAL_GREETING]
        Visit.tags.through.objects.bulk_create(tag_rows, batch_size=5000)

    def monitoring(self):
        """Move every visited client's monitoring fields as clients.services would."""
        latest = {}
        risk = {}
        for v, _ in sorted(self.visits, key=lambda item: item[0].visited_on):
            latest[v.client_id] = v.visited_on
            if v.risk_level:
                risk[v.client_id] = v.risk_level
        county_id = self.stations[0].county_id
        configured = {(r.category, r.risk_level): r.days for r in VisitInterval.objects.filter(county_id=county_id)}
        configured = configured or DEFAULT_INTERVALS
        memberships = defaultdict(list)
        for m in CategoryMembership.objects.filter(client_id__in=list(latest)).only(
                "client_id", "category", "start_on", "end_on"):
            memberships[m.client_id].append(m)
        changed = []
        for client_id, day in latest.items():
            client = self.clients[client_id]
            if client_id in risk:
                client.risk_level = risk[client_id]
            candidates = [configured.get(("", client.risk_level))]
            candidates += [configured.get((m.category, ""), DEFAULT_DAYS) for m in memberships[client_id]
                           if m.is_held_on(day)]
            candidates = [d for d in candidates if d]
            client.last_visit_on = day
            client.next_visit_due = day + datetime.timedelta(days=min(candidates) if candidates else DEFAULT_DAYS)
            changed.append(client)
        Client.objects.bulk_update(changed, ["risk_level", "last_visit_on", "next_visit_due"], batch_size=2000)

    def follow_ups(self):
        """The follow-ups the latest visits promised, open where still recent (promises older
        than a fortnight before today are not tracked: the demo's records predate the feature);
        each client's earliest open one onto the client, as services.services does. No rng:
        the records after this one stay as they were."""
        latest = {}
        for v, staff in sorted(self.visits, key=lambda item: (item[0].visited_on, item[0].pk)):
            latest[v.client_id] = (v, staff)
        horizon = self.today - datetime.timedelta(days=14)
        rows = [FollowUp(station_id=v.station_id, client_id=v.client_id, due_on=v.follow_up_on, promised_by=v,
                         worker_id=staff[0] if staff else None)
                for v, staff in latest.values() if v.follow_up_on and v.follow_up_on >= horizon]
        FollowUp.objects.bulk_create(rows, batch_size=2000)
        changed = []
        for row in rows:
            client = self.clients[row.client_id]
            client.follow_up_on = row.due_on
            changed.append(client)
        Client.objects.bulk_update(changed, ["follow_up_on"], batch_size=2000)

    # ------------------------------------------------------------------ cases
    def cases(self, rng, year, count, notes_budget=None):
        created = []
        stations = self.stations
        end_of_year = min(datetime.date(year, 12, 31), self.today - datetime.timedelta(days=1))
        for index in range(count):
            station = stations[index % len(stations)]
            candidates = [pk for pk in self.by_station[station.pk]
                          if self.clients[pk].registered_on <= datetime.date(year, 1, 1)] or self.by_station[station.pk]
            client_ids = rng.sample(candidates, k=1 if rng.random() < 0.8 else 2)
            intake = _day(rng, datetime.date(year, 1, 10), min(datetime.date(year, 10, 31), end_of_year))
            manager = self.social_worker(station.pk)
            title = rng.choice(CASE_TITLES)
            age = (self.today - intake).days
            # older cases are closed; recent ones are at a stage that fits their age
            reached = 5 if age > 240 and rng.random() < 0.9 else min(4, max(0, age // 45))
            stages = [CaseStage.INTAKE, CaseStage.ASSESSMENT, CaseStage.PLANNING, CaseStage.INTERVENTION,
                      CaseStage.EVALUATION, CaseStage.CLOSED][:reached + 1]
            moves, day = [], intake
            for stage in stages:
                moves.append((stage, day))
                day = min(day + datetime.timedelta(days=rng.randrange(10, 40)), end_of_year
                          if year < self.today.year else self.today - datetime.timedelta(days=1))
            case = Case(station=station, title=title, intake_on=intake, stage=stages[-1], manager=manager,
                        problem=rng.choice(FINDINGS), goals="改善服务对象的生活状况,增强其社会支持网络。")
            if stages[-1] == CaseStage.CLOSED:
                case.closed_on = moves[-1][1]
                case.closure_reason = rng.choice([CaseClosureReason.GOALS_MET] * 4 + [CaseClosureReason.REFERRED])
                case.closure_note = "服务目标基本达成,服务对象生活状况明显改善。"
            created.append((case, client_ids, moves))
        Case.objects.bulk_create([c for c, _, _ in created])
        Case.clients.through.objects.bulk_create(
            [Case.clients.through(case_id=c.pk, client_id=pk) for c, ids, _ in created for pk in ids])
        changes, notes = [], []
        for case, _, moves in created:
            previous = ""
            for stage, day in moves:
                changes.append(CaseStageChange(case=case, from_stage=previous, to_stage=stage, changed_on=day))
                previous = stage
            last = case.closed_on or min(self.today - datetime.timedelta(days=1), moves[-1][1] + datetime.timedelta(days=20))
            last = min(last, datetime.date(year, 12, 31)) if notes_budget is not None else last
            for _ in range(rng.randrange(5, 10)):
                notes.append(CaseNote(case=case, noted_on=_day(rng, case.intake_on, last), author=case.manager,
                                      text=rng.choice(["入户面谈,了解服务对象近况与需求。", "链接医疗资源,陪同就医。",
                                                       "与家属沟通,制定照料计划。", "电话跟进,服务对象情绪稳定。",
                                                       "联系村委会协助解决实际困难。"])))
        CaseStageChange.objects.bulk_create(changes)
        CaseNote.objects.bulk_create(notes)
        self.case_plans(created)
        return created, notes

    def case_plans(self, created):
        """A plan for every case that reached 计划: two goals and two tasks, approved by the
        station head where the case went on to 介入. No rng: the records after it stay as they were."""
        goals, tasks, events, planned = [], [], [], []
        heads = {w.station_id: w for workers in self.staff.values() for w in workers if w.role == Role.STATION_HEAD}
        for index, (case, _ids, moves) in enumerate(created):
            reached = {stage: day for stage, day in moves}
            if CaseStage.PLANNING not in reached:
                continue
            planned_on = reached[CaseStage.PLANNING]
            approved = CaseStage.INTERVENTION in reached
            case.plan_status = CasePlanStatus.APPROVED if approved else CasePlanStatus.SUBMITTED
            case.plan_review_on = planned_on + datetime.timedelta(days=90)
            planned.append(case)
            for number, (text, target) in enumerate(PLAN_GOALS[index % len(PLAN_GOALS)]):
                goal = CaseGoal(case=case, description=text, target=target,
                                review_on=planned_on + datetime.timedelta(days=45 * (number + 1)),
                                met_on=case.closed_on if case.closure_reason == CaseClosureReason.GOALS_MET else None)
                goals.append(goal)
                tasks.append((goal, CaseTask(case=case, description=PLAN_TASKS[(index + number) % len(PLAN_TASKS)],
                                             owner=case.manager, due_on=planned_on + datetime.timedelta(days=14 * (number + 1)),
                                             done_on=case.closed_on)))
            head = heads.get(case.station_id)
            at = timezone.make_aware(datetime.datetime.combine(planned_on, datetime.time(10)))
            events.append(CaseEvent(case=case, kind=CaseEventKind.PLAN_SUBMIT, at=at))
            if approved:
                events.append(CaseEvent(case=case, kind=CaseEventKind.PLAN_APPROVE, by_id=head.user_id if head else None,
                                        at=at + datetime.timedelta(days=2)))
        Case.objects.bulk_update(planned, ["plan_status", "plan_review_on"])
        CaseGoal.objects.bulk_create(goals)
        for goal, task in tasks:
            task.goal = goal
        CaseTask.objects.bulk_create([task for _, task in tasks])
        CaseEvent.objects.bulk_create(events)

    # ------------------------------------------------------------------ groups
    def groups_of_year(self, rng, year, count, all_in_year):
        created = []
        for index in range(count):
            station = self.stations[(index * 3 + year) % len(self.stations)]
            theme, goals = GROUP_THEMES[(index + year) % len(GROUP_THEMES)]
            last_start = datetime.date(year, 9, 15)
            if year == self.today.year:
                last_start = min(last_start, self.today - datetime.timedelta(days=90))
            first = _day(rng, datetime.date(year, 2, 15), last_start)
            group = Group(station=station, theme=theme, goals=goals, leader=self.social_worker(station.pk),
                          planned_sessions=rng.choice((6, 6, 8)), created_on=first - datetime.timedelta(days=7))
            created.append((group, first))
        Group.objects.bulk_create([g for g, _ in created])
        sessions, members_rows, attend_rows = [], [], []
        for group, first in created:
            pool = self.by_station[group.station_id]
            members = rng.sample(pool, k=min(len(pool), rng.randrange(8, 13)))
            members_rows += [Group.members.through(group_id=group.pk, client_id=pk) for pk in members]
            day = first
            for number in range(1, group.planned_sessions + 1):
                if day >= self.today:
                    break
                sessions.append((GroupSession(group=group, number=number, held_on=day,
                                              topic=f"第{number}节", attendance_count=rng.randrange(9, 16)),
                                 rng.sample(members, k=min(len(members), rng.randrange(5, 9)))))
                day += datetime.timedelta(days=14)
        GroupSession.objects.bulk_create([s for s, _ in sessions])
        attend_rows = [GroupSession.attendees.through(groupsession_id=s.pk, client_id=pk)
                       for s, who in sessions for pk in who]
        Group.members.through.objects.bulk_create(members_rows)
        GroupSession.attendees.through.objects.bulk_create(attend_rows)
        tag = self.tags["五社联动"]
        Group.tags.through.objects.bulk_create([Group.tags.through(group_id=g.pk, campaigntag_id=tag.pk)
                                                for g, _ in created[::2]])
        return [s for s, _ in sessions]

    # ------------------------------------------------------------------ activities
    def activities(self, rng, year, count, participants_total=None):
        end = min(datetime.date(year, 12, 31), self.today - datetime.timedelta(days=1))
        rows = []
        for index in range(count):
            station = self.stations[index % len(self.stations)]
            month = _weighted_month(rng)
            day = _month_day(rng, year, month, end=end) if datetime.date(year, month, 1) <= end else _day(
                rng, datetime.date(year, 1, 1), end)
            kind = rng.choice(list(ACTIVITY_TITLES))
            if day.month in (1, 2, 9, 10) and rng.random() < 0.5:
                kind = ActivityKind.FESTIVAL
            rows.append(Activity(station=station, held_on=day, title=rng.choice(ACTIVITY_TITLES[kind]), kind=kind,
                                 location=f"{station.short_name}活动室", participant_count=rng.randrange(40, 120),
                                 highlight="社工联合村(社区)和志愿者共同开展,群众参与热情高。"))
        if participants_total is not None:
            # scale the counts so that they add up to the planned total, each at least 15
            raw = sum(a.participant_count for a in rows)
            for a in rows:
                a.participant_count = max(15, a.participant_count * participants_total // raw)
            rows[-1].participant_count += participants_total - sum(a.participant_count for a in rows)
        Activity.objects.bulk_create(rows)
        tag_rows = []
        for index, activity in enumerate(rows):
            tag = self.tags["千站暖万家"] if activity.kind == ActivityKind.FESTIVAL else self.tags["五社联动"]
            if index % 3 != 2:
                tag_rows.append(Activity.tags.through(activity_id=activity.pk, campaigntag_id=tag.pk))
        Activity.tags.through.objects.bulk_create(tag_rows)
        part_rows = []
        for activity in rows[::4]:
            pool = self.by_station[activity.station_id]
            for pk in rng.sample(pool, k=min(len(pool), 5)):
                if self.clients[pk].registered_on <= activity.held_on:
                    part_rows.append(Activity.participants.through(activity_id=activity.pk, client_id=pk))
        Activity.participants.through.objects.bulk_create(part_rows)
        return rows

    # ------------------------------------------------------------------ resources
    def resources(self, rng, year, count, total, activities, cases):
        end = min(datetime.date(year, 12, 31), self.today - datetime.timedelta(days=1))
        year_visits = [v for v, _ in self.visits if v.visited_on.year == year]
        rows = []
        for index in range(count):
            kind = rng.choices(list(RESOURCE_ITEMS), weights=[3, 5, 2])[0]
            source_kind, source_name = rng.choice(DONORS)
            link = ResourceLink(linked_on=_day(rng, datetime.date(year, 1, 5), end), kind=kind,
                                description=rng.choice(RESOURCE_ITEMS[kind]), value=Decimal(rng.randrange(20, 300) * 10),
                                source_kind=source_kind, source_name=source_name)
            target = index % 3
            if target == 0 and activities:
                activity = rng.choice(activities)
                link.activity, link.station_id, link.linked_on = activity, activity.station_id, activity.held_on
            elif target == 1 and year_visits:
                visit = rng.choice(year_visits)
                link.visit, link.client_id = visit, visit.client_id
                link.station_id, link.linked_on = visit.station_id, visit.visited_on
            elif cases:
                case = rng.choice(cases)
                link.case, link.station_id = case, case.station_id
                link.linked_on = max(link.linked_on, case.intake_on)
            else:
                link.station_id = rng.choice(self.stations).pk
            rows.append(link)
        if total is not None:
            raw = sum(r.value for r in rows)
            for r in rows:
                r.value = (r.value * total / raw).quantize(Decimal("10"))
            rows[-1].value += total - sum(r.value for r in rows)
            for r in rows:
                r.value = r.value.quantize(Decimal("0.01"))
        ResourceLink.objects.bulk_create(rows)
        return rows

    # ------------------------------------------------------------------ referrals, dispatches
    def referrals(self, rng, year, count):
        end = min(datetime.date(year, 12, 31), self.today - datetime.timedelta(days=1))
        rows = []
        for index in range(count):
            station = self.stations[index % len(self.stations)]
            client_id = rng.choice(self.by_station[station.pk])
            day = _day(rng, max(datetime.date(year, 1, 1), self.clients[client_id].registered_on), end)
            age = (self.today - day).days
            status = ReferralStatus.RESOLVED if age > 60 else rng.choice(
                [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.RESOLVED])
            if age > 60 and rng.random() < 0.1:
                status = ReferralStatus.DECLINED
            rows.append(Referral(station=station, client_id=client_id, referred_on=day,
                                 to_organisation=rng.choice(REFERRAL_TARGETS), reason=rng.choice(NEEDS[3:]) + "需求",
                                 status=status, outcome="已协调解决。" if status == ReferralStatus.RESOLVED else "",
                                 resolved_on=min(day + datetime.timedelta(days=rng.randrange(5, 40)),
                                                 self.today - datetime.timedelta(days=1))
                                 if status in {ReferralStatus.RESOLVED, ReferralStatus.DECLINED} else None))
        Referral.objects.bulk_create(rows)

    def dispatches(self, rng, year, count, senders):
        end = min(datetime.date(year, 12, 31), self.today - datetime.timedelta(days=1))
        rows = []
        for index in range(count):
            station = self.stations[(index * 7) % len(self.stations)]
            title, source = rng.choice(DISPATCH_TITLES)
            sent = _day(rng, datetime.date(year, 1, 3), end)
            deadline = sent + datetime.timedelta(days=rng.choice((3, 5, 7, 10)))
            age = (self.today - sent).days
            worker = self.social_worker(station.pk)
            dispatch = Dispatch(station=station, sent_on=sent, deadline=deadline, source=source, title=title,
                                description="请社工站及时入户核实情况,采取帮扶措施并反馈结果。",
                                issued_by=rng.choice(senders))
            if age > 30 or (age > 12 and rng.random() < 0.7):
                late = rng.random() < 0.1
                reported = deadline + datetime.timedelta(days=rng.randrange(1, 4)) if late else \
                    sent + datetime.timedelta(days=rng.randrange(1, (deadline - sent).days + 1))
                dispatch.status = DispatchStatus.CLOSED if age > 20 else DispatchStatus.REPORTED
                dispatch.accepted_on, dispatch.accepted_by = sent, worker
                dispatch.reported_on = min(reported, self.today - datetime.timedelta(days=1))
                dispatch.report = "已入户核实,链接相关资源,服务对象困难得到解决。"
            elif rng.random() < 0.6:
                dispatch.status, dispatch.accepted_on, dispatch.accepted_by = DispatchStatus.ACCEPTED, sent, worker
            rows.append(dispatch)
        Dispatch.objects.bulk_create(rows)

    def open_dispatches(self, rng, senders):
        """The tasks still in hand today: some within their deadline, some already overdue."""
        rows = []
        for index in range(8):
            station = self.stations[(index * 5 + 2) % len(self.stations)]
            title, source = DISPATCH_TITLES[index % len(DISPATCH_TITLES)]
            sent = self.today - datetime.timedelta(days=1 + index * 2)
            dispatch = Dispatch(station=station, sent_on=sent, deadline=sent + datetime.timedelta(days=5),
                                source=source, title=title, description="请社工站及时入户核实情况,采取帮扶措施并反馈结果。",
                                issued_by=senders[index % len(senders)])
            if index % 2:
                dispatch.status, dispatch.accepted_on = DispatchStatus.ACCEPTED, sent
                dispatch.accepted_by = self.social_worker(station.pk)
            rows.append(dispatch)
        Dispatch.objects.bulk_create(rows)

    # ------------------------------------------------------------------ monthly reports
    def monthly_reports(self, rng, users):
        head_of = {}
        for station_id, workers in self.staff.items():
            heads = [w for w in workers if w.role == Role.STATION_HEAD]
            if heads:
                head_of[station_id] = heads[0].user_id
        reports, plans = [], []
        month = datetime.date(YEAR, 1, 1)
        this_month = self.today.replace(day=1)
        months = []
        while month < this_month:
            months.append(month)
            month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        now = timezone.now()
        for index, month in enumerate(months):
            recent = len(months) - index  # 1 = last month
            deadline = report_deadline(month)
            for station in self.stations:
                late = rng.random() < 0.08
                day = deadline + datetime.timedelta(days=rng.randrange(1, 6)) if late else \
                    deadline - datetime.timedelta(days=rng.randrange(0, 5))
                if recent == 1:
                    status = rng.choice([MonthlyReportStatus.DRAFT, MonthlyReportStatus.SUBMITTED,
                                         MonthlyReportStatus.SUBMITTED, MonthlyReportStatus.REVIEWED, None])
                elif recent == 2:
                    status = rng.choice([MonthlyReportStatus.SUBMITTED, MonthlyReportStatus.REVIEWED,
                                         MonthlyReportStatus.RETURNED, MonthlyReportStatus.APPROVED])
                elif recent == 3:
                    status = rng.choice([MonthlyReportStatus.REVIEWED, MonthlyReportStatus.APPROVED,
                                         MonthlyReportStatus.APPROVED])
                else:
                    status = MonthlyReportStatus.APPROVED
                if status is None:
                    continue
                submitted = status != MonthlyReportStatus.DRAFT
                # Never in the future: a report "submitted" later today, or reviewed two days after
                # yesterday's submission, is dated just before now (in the same order).
                at = min(timezone.make_aware(datetime.datetime.combine(min(day, self.today), datetime.time(16, 30))),
                         now - datetime.timedelta(minutes=30))
                report = MonthlyReport(
                    station=station, month=month, status=status,
                    summary=f"{month:%Y年%m月}完成入户探访、个案、小组和社区活动等工作,详见系统统计。",
                    submitted_at=at if submitted else None, submitted_by_id=head_of.get(station.pk) if submitted else None,
                    on_time=(not late) if submitted else None,
                    reviewed_at=min(at + datetime.timedelta(days=2), now - datetime.timedelta(minutes=20)) if status in {
                        MonthlyReportStatus.REVIEWED, MonthlyReportStatus.APPROVED, MonthlyReportStatus.RETURNED} else None,
                    approved_at=min(at + datetime.timedelta(days=5), now - datetime.timedelta(minutes=10))
                    if status == MonthlyReportStatus.APPROVED else None,
                    comment="请补充困境儿童探访记录。" if status == MonthlyReportStatus.RETURNED else "",
                )
                reports.append(report)
                plans.append((report, status, at))
        MonthlyReport.objects.bulk_create(reports)
        events = []
        for report, status, at in plans:
            if status == MonthlyReportStatus.DRAFT:
                continue
            events.append(MonthlyReportEvent(report=report, action=MonthlyReportAction.SUBMIT, at=at,
                                             by_id=report.submitted_by_id))
            if status in {MonthlyReportStatus.REVIEWED, MonthlyReportStatus.APPROVED}:
                events.append(MonthlyReportEvent(report=report, action=MonthlyReportAction.PASS,
                                                 at=report.reviewed_at, by_id=users.get("center")))
            if status == MonthlyReportStatus.RETURNED:
                events.append(MonthlyReportEvent(report=report, action=MonthlyReportAction.RETURN,
                                                 at=report.reviewed_at, by_id=users.get("center"),
                                                 comment=report.comment))
            if status == MonthlyReportStatus.APPROVED:
                events.append(MonthlyReportEvent(report=report, action=MonthlyReportAction.APPROVE,
                                                 at=report.approved_at, by_id=users.get("bureau")))
        MonthlyReportEvent.objects.bulk_create(events, batch_size=2000)


def seed(context):
    _seed_records(context)
    if "service_points" in context:
        _seed_network(context)
        _seed_baisi_volunteers(context)
    _seed_partner_work(context)


# A dozen college volunteers of 小河站 (大学生志愿者), with service from 2024 on only: the 2023
# figures stay the seed's.
VOLUNTEER_SCHOOL = "鹤壁职业技术学院"
VOLUNTEER_NAMES = ["李思雨", "王子豪", "张梦琪", "刘浩宇", "陈佳怡", "杨博文", "赵欣然", "黄俊杰", "周雨涵", "吴宇航",
                   "徐诗琪", "孙明轩"]
VOLUNTEER_SKILLS = ["陪伴老人", "课业辅导", "文艺演出", "健康宣教", "手工制作", "摄影宣传"]


def _seed_network(context):
    """小河站's service points on its clients (by their village) and on their visits from 2024 on,
    and its college volunteers with their service at the station's activities from 2024 on.
    Updates in bulk (no figure changes: the rollup keeps no point); idempotent."""
    from .models import Volunteer, VolunteerService

    points = context["service_points"]
    station = points[0].station
    by_village = {point.region.name: point for point in points if point.region_id}
    if not Visit.objects.filter(station=station, service_point__isnull=False).exists():
        for village, point in by_village.items():
            Client.objects.filter(station=station, village=village, service_point__isnull=True).update(
                service_point=point)
            Visit.objects.filter(station=station, visited_on__gte=datetime.date(YEAR + 1, 1, 1),
                                 client__service_point=point).update(service_point=point)
        # the community point runs a share of the station's activities from 2024 on
        activities = Activity.objects.filter(station=station, held_on__gte=datetime.date(YEAR + 1, 1, 1)).order_by(
            "held_on", "pk")
        Activity.objects.filter(pk__in=[a.pk for i, a in enumerate(activities) if i % 4 == 0]).update(
            service_point=points[-1])
    if Volunteer.objects.filter(station=station, organisation=VOLUNTEER_SCHOOL).exists():
        return
    rng = random.Random(f"{SEED}-volunteers")
    volunteers = [Volunteer.objects.create(
        station=station, name=name, gender="F" if index % 2 == 0 else "M", organisation=VOLUNTEER_SCHOOL,
        kind=VolunteerKind.COLLEGE, skills=VOLUNTEER_SKILLS[index % len(VOLUNTEER_SKILLS)],
        phone=f"1563922{index:04d}") for index, name in enumerate(VOLUNTEER_NAMES)]
    activities = list(Activity.objects.filter(station=station, held_on__gte=datetime.date(YEAR + 1, 1, 1))
                      .order_by("held_on", "pk"))
    rows = []
    for activity in activities:
        for volunteer in rng.sample(volunteers, rng.randint(1, 4)):
            rows.append(VolunteerService(volunteer=volunteer, station=station, served_on=activity.held_on,
                                         hours=Decimal(rng.choice(["2.0", "2.5", "3.0", "4.0"])), activity=activity,
                                         description=f"协助开展“{activity.title}”"))
    VolunteerService.objects.bulk_create(rows)


def _seed_baisi_volunteers(context):
    """Two community volunteers of 白寺站's 爱心小屋, with service from 2024 on."""
    from .models import Volunteer, VolunteerService

    station = context["baisi_points"][0].station
    if Volunteer.objects.filter(station=station).exists():
        return
    first = Activity.objects.filter(station=station, held_on__gte=datetime.date(YEAR + 1, 1, 1)).order_by(
        "held_on", "pk").first()
    for index, name in enumerate(["郭秀梅", "马建军"]):
        volunteer = Volunteer.objects.create(station=station, name=name, gender="F" if index == 0 else "M",
                                             organisation="白寺村爱心小屋", kind=VolunteerKind.COMMUNITY,
                                             skills="物资整理", phone=f"1583922{index:04d}")
        if first is not None:
            VolunteerService.objects.create(volunteer=volunteer, station=station, served_on=first.held_on,
                                            hours=Decimal("3.0"), activity=first, description="爱心小屋物资整理")


# 五社联动 (issue 20): recent visits that found needs, and what partners brought since. The
# resource links written here are dated from 2024 on (the 2023 figures stay as the seed's).
NEED_PLAN = [  # station, how many recent visits, kinds needed, met by (partner, description, value) or None
    ("白寺站", 3, [ResourceKind.GOODS], ("白寺镇爱心小屋", "爱心小屋积分兑换生活用品", Decimal("120.00"))),
    ("白寺站", 2, [ResourceKind.MEDICAL, ResourceKind.GOODS], None),
    ("小河站", 2, [ResourceKind.CASH], ("浚县慈善总会", "临时救助金", Decimal("800.00"))),
    ("小河站", 2, [ResourceKind.EDUCATION, ResourceKind.VOLUNTEER], None),
    ("卫贤站", 2, [ResourceKind.PSYCHOLOGICAL], None),
    ("浚州站", 1, [ResourceKind.LEGAL], None),
]
PARTNER_LINK_MARK = "（五社联动）"


def _seed_partner_work(context):
    """Name partners on links whose free-text source is a partner of the ledger (amounts and
    dates unchanged), give some recent visits their kinds of help needed, and meet some of
    them with a link naming a partner. Idempotent."""
    partners = context.get("partners")
    if not partners or "stations" not in context:
        return
    county = context["county"]
    for name, partner in partners.items():
        ResourceLink.objects.filter(station__county=county, source_name=name, partner__isnull=True).update(
            partner=partner)
    if ResourceLink.objects.filter(description__endswith=PARTNER_LINK_MARK).exists():
        return
    today = timezone.localdate()
    since = max(datetime.date(YEAR + 1, 1, 1), today - datetime.timedelta(days=120))
    by_short = {s.short_name: s for s in context["stations"].values()}
    used = set()
    for short, count, kinds, met in NEED_PLAN:
        station = by_short.get(short)
        if station is None:
            continue
        visits = list(Visit.objects.filter(station=station, visited_on__gte=since, need_kinds=[])
                      .exclude(pk__in=used).exclude(client__status="closed").order_by("-visited_on", "-pk")[:count])
        for visit in visits:
            used.add(visit.pk)
            Visit.objects.filter(pk=visit.pk).update(need_kinds=[str(k) for k in kinds])
            if met is None:
                continue
            partner = partners[met[0]]
            day = min(visit.visited_on + datetime.timedelta(days=3), today)
            ResourceLink.objects.create(
                station=station, linked_on=day, kind=kinds[0], description=met[1] + PARTNER_LINK_MARK,
                value=met[2], source_kind=SourceKind.OTHER if partner.kind == "community" else SourceKind.CHARITY_FUND,
                source_name=partner.name, partner=partner, client_id=visit.client_id, visit=visit)


def _seed_records(context):
    for name, description in TAGS:
        CampaignTag.objects.get_or_create(name=name, defaults={"description": description})
    if "demo_groups" not in context or Visit.objects.filter(visited_on__year=YEAR).exists():
        return  # already seeded (or no demo people to serve)
    today = timezone.localdate()
    builder = _Builder(context, today)
    builder.tags = {t.name: t for t in CampaignTag.objects.all()}
    rng = random.Random(f"{SEED}-records")

    builder.visits_2023()
    assert len(builder.visits) == VISITS_2023
    builder.visits_later()
    builder.save_visits()
    builder.monitoring()
    builder.follow_ups()

    # 2023: cases, groups and activities, calibrated so that people served is exact.
    cases, notes = builder.cases(rng, YEAR, CASES_2023, notes_budget=True)
    sessions = builder.groups_of_year(rng, YEAR, GROUPS_2023, all_in_year=True)
    attended_2023 = sum(s.attendance_count for s in sessions if s.held_on.year == YEAR)
    notes_2023 = sum(1 for n in notes if n.noted_on.year == YEAR)
    participants = PEOPLE_SERVED_2023 - VISITS_2023 - attended_2023 - notes_2023
    activities = builder.activities(rng, YEAR, ACTIVITIES_2023, participants_total=participants)
    builder.resources(rng, YEAR, 48, RESOURCES_2023, activities, [c for c, _, _ in cases])
    bodies = list(Organisation.objects.filter(pk__in=[context["center"].pk, context["bureau"].pk]))
    builder.referrals(rng, YEAR, 14)
    builder.dispatches(rng, YEAR, 30, bodies)

    for year in range(YEAR + 1, today.year + 1):
        share = min(1.0, ((today - datetime.date(year, 1, 1)).days + 1) / 365)
        cases, _ = builder.cases(rng, year, max(1, round(20 * share)))
        builder.groups_of_year(rng, year, max(1, round(22 * share)), all_in_year=False)
        activities = builder.activities(rng, year, max(1, round(170 * share)))
        builder.resources(rng, year, max(1, round(50 * share)), None, activities, [c for c, _, _ in cases])
        builder.referrals(rng, year, max(1, round(16 * share)))
        builder.dispatches(rng, year, max(1, round(40 * share)), bodies)

    builder.open_dispatches(rng, bodies)

    from django.contrib.auth import get_user_model

    users = dict(get_user_model().objects.filter(username__in=["center", "bureau"]).values_list("username", "pk"))
    builder.monthly_reports(rng, users)

