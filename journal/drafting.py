"""What the portal writes into a new issue from the month's records (issue 19 "Build" 1). Every
number comes from the figures engine (``reports.figures``) and nothing here counts records
again; the sentences follow the bureau's own style ("本月，全县11个社工站共开展探访…"). The
text is Chinese whatever the interface language: it is the journal's text."""

import datetime
import html
from decimal import Decimal

from django.db.models import Count, Sum

from reports import figures as engine
from reports.summary import CATEGORY_NAMES, CATEGORY_ORDER, in_wan, plain_number
from services.models import Activity, ActivityPhoto, Case, CaseNote
from stations.models import Station
from training.models import Supervision, Training


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def county_figures(county, period) -> dict:
    """The SPEC §3 figures of ``county`` for ``period``, exactly as the engine gives them to the
    county's bureau (its stations and its own trainings); the engine's values are JSON already."""
    station_ids = frozenset(Station.objects.filter(county=county).values_list("pk", flat=True))
    return engine.compute(station_ids=station_ids, start=period.start, end=period.end, county_ids={county.pk})


def trend(county, month: datetime.date) -> list:
    """Visits and people served per month from January to ``month`` (the trend chart)."""
    station_ids = frozenset(Station.objects.filter(county=county).values_list("pk", flat=True))
    series = engine.monthly_series(station_ids=station_ids, year=month.year)
    return [{"month": row["month"], "visits": row["visits"], "people_served": row["people_served"]}
            for row in series if row["month"] <= month.month]


def _p(text):
    return f"<p>{html.escape(text)}</p>"


def lead_paragraph(*, county_name: str, month: datetime.date, values: dict) -> str:
    """The lead paragraph of the issue, from the month's figures (sanitised HTML)."""
    area = "全县" if county_name.endswith("县") else "全区" if county_name.endswith("区") else "全市"
    clauses = [f"本月，{area}{values['stations']}个社工站共开展探访{values['visits']}次"]
    categories = [
        f"{CATEGORY_NAMES[code]}{values['visited_clients_by_category'][code]}人"
        for code in CATEGORY_ORDER if values["visited_clients_by_category"].get(code)
    ]
    if categories:
        clauses.append("其中探访" + "、".join(categories))
    work = []
    if values["casework"]:
        work.append(f"新接个案{values['casework']}个")
    if values["groupwork"]:
        work.append(f"开展小组工作{values['groupwork']}个")
    if values["community_activities"]:
        work.append(f"举办社区活动{values['community_activities']}场")
    if work:
        clauses.append("、".join(work))
    if Decimal(values["resources_linked_amount"]):
        clauses.append(f"链接资源金额{in_wan(values['resources_linked_amount'], '元')}")
    workforce = []
    if values["trainings"]:
        workforce.append(f"组织培训{values['trainings']}场次、累计{plain_number(values['training_hours'])}学时")
    if values["supervisions"]:
        workforce.append(f"开展督导{values['supervisions']}次、累计{plain_number(values['supervision_hours'])}小时")
    if workforce:
        clauses.append("社工指导中心" + "，".join(workforce))
    text = "；".join(clauses) + f"。全月服务困难群众{values['people_served']}人次。"
    return _p(text)


def _date(day):
    return f"{day.month}月{day.day}日"


def station_highlights(*, county, period):
    """One highlight per station of the county: its activity of the month with the most
    participants (the latest on a tie) and that activity's first publishable photo (consented,
    no children: ``ActivityPhoto.objects.publishable``). A station without an activity gets none."""
    stations = list(Station.objects.filter(county=county).select_related("town").order_by("town__code"))
    activities = (Activity.objects.filter(station__in=stations, held_on__range=(period.start, period.end))
                  .order_by("station_id", "-participant_count", "-held_on", "-pk"))
    best = {}
    for activity in activities.only("pk", "station_id", "title", "held_on", "participant_count", "highlight"):
        best.setdefault(activity.station_id, activity)
    photos = {}
    publishable = ActivityPhoto.objects.publishable(on=period.start).filter(
        activity__in=[a.pk for a in best.values()]).order_by("pk")
    for photo in publishable:
        photos.setdefault(photo.activity_id, photo)
    out = []
    for station in stations:
        activity = best.get(station.pk)
        if activity is None:
            continue
        summary = activity.highlight.strip() or (
            f"{_date(activity.held_on)}，{station.short_name}开展“{activity.title}”活动，"
            f"{activity.participant_count}人参加。")
        out.append({"station": station, "activity": activity, "title": activity.title, "held_on": activity.held_on,
                    "participants": activity.participant_count, "text": _p(summary),
                    "photo": photos.get(activity.pk)})
    return out


def case_story(*, county, period) -> str:
    """An anonymised story of a case closed in the month: only the town, the stages, the number
    of service notes and the closure reason — never a name, a village or the case's own words
    (its free text may name people). The center writes the rest by hand."""
    case = (Case.objects.filter(station__county=county, closed_on__range=(period.start, period.end))
            .select_related("station__town").order_by("-closed_on", "-pk").first())
    if case is None:
        return ""
    notes = CaseNote.objects.filter(case=case).count()
    town = case.station.town.name
    reason = {"goals_met": "服务目标基本达成", "referred": "已转介相关部门继续服务"}.get(case.closure_reason, "")
    text = (f"{town}社工站于{case.intake_on.year}年{_date(case.intake_on)}接案，为一位困难群众提供个案服务。"
            f"社工经过预估、制定服务计划与介入，先后开展{notes}次个案服务，于{_date(case.closed_on)}结案"
            f"{'，' + reason if reason else ''}。")
    return _p(text)


def training_news(*, county, period) -> str:
    trainings = list(Training.objects.filter(county=county, held_on__range=(period.start, period.end))
                     .order_by("held_on", "pk").only("topic", "held_on", "hours"))
    parts = [f"{_date(t.held_on)}，社工指导中心组织“{t.topic}”培训（{plain_number(t.hours)}学时）。"
             for t in trainings]
    supervisions = Supervision.objects.filter(station__county=county, supervised_on__range=(period.start, period.end))
    total = supervisions.aggregate(count=Count("pk"), hours=Sum("hours"))
    if total["count"]:
        parts.append(f"本月共开展督导{total['count']}次，累计{plain_number(total['hours'])}小时，"
                     "督导内容涵盖个案服务、小组工作和社区活动的开展。")
    return "".join(_p(part) for part in parts)


def campaign(*, county, period) -> str:
    """The campaign most of the month's activities carried (五社联动, 千站暖万家 …)."""
    row = (Activity.objects.filter(station__county=county, held_on__range=(period.start, period.end),
                                   tags__isnull=False)
           .values("tags__name").annotate(n=Count("pk"), people=Sum("participant_count"))
           .order_by("-n", "tags__name").first())
    if row is None:
        return ""
    return _p(f"本月，各社工站围绕“{row['tags__name']}”开展社区活动{row['n']}场，"
              f"参与群众{row['people']}人次。")


def category_rows(values):
    return [(CATEGORY_NAMES[code], values["visited_clients_by_category"].get(code, 0)) for code in CATEGORY_ORDER]

