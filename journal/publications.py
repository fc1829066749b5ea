"""What an issue and the annual report print: their blocks, in order (``printing`` writes them
as PDF and .docx). The figures table and the charts read the issue's figures, taken from the
engine when it was drafted; the annual report reads the engine for the user's scope."""

from html import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from reports import figures as engine
from reports.summary import CATEGORY_NAMES, CATEGORY_ORDER, plain_number
from reports.workbooks.builders import FIGURES, YUAN
from reports.workbooks.views import annual_summary_for, scope_name

from . import charts
from .choices import IssueStatus
from .printing import Publication


def _value(figure, values):
    value = figure.value(values)
    return f"{value:.2f}" if figure.number_format == YUAN else plain_number(value)


def figure_rows(values):
    return [(figure.label, _value(figure, values)) for figure in FIGURES]


def category_rows(values):
    by_category = values["visited_clients_by_category"]
    return [(CATEGORY_NAMES[code], by_category.get(code, 0)) for code in CATEGORY_ORDER]


def issue_publication(issue) -> Publication:
    values = issue.figures
    pub = Publication(
        title=issue.title,
        subtitle=f"{issue.month.year}年{issue.month.month}月 · 第{issue.version}版"
        + (f" · {timezone.localtime(issue.published_at):%Y-%m-%d}发布" if issue.published_at else ""),
        watermark="" if issue.status != IssueStatus.DRAFT else "草稿 · 未发布",
    )
    if issue.correction_note:
        pub.note(f"更正说明：{issue.correction_note}")
    pub.heading("本月综述")
    pub.rich(issue.lead)
    pub.heading("本月数据")
    pub.table(["指标", "数量"], figure_rows(values))
    pub.chart(charts.trend(values.get("trend", [])))
    pub.chart(charts.categories(category_rows(values)))
    highlights = [h for h in issue.highlights.all() if h.included]
    if highlights:
        pub.heading("站点亮点")
        for highlight in highlights:
            when = f"{highlight.held_on.month}月{highlight.held_on.day}日" if highlight.held_on else ""
            pub.rich(f"<p><strong>{escape(highlight.station.short_name)} · {escape(highlight.title)}</strong></p>")
            facts = "，".join(part for part in [when, f"参与{highlight.participants}人" if highlight.participants
                                                 else ""] if part)
            if facts:
                pub.note(facts)
            pub.rich(highlight.text)
            if highlight.photo_id:
                pub.photo(highlight.photo.file, highlight.photo.caption)
    if issue.case_story.strip():
        pub.heading("个案故事")
        pub.rich(issue.case_story)
    if issue.training_news.strip():
        pub.heading("培训与督导")
        pub.rich(issue.training_news)
    if issue.campaign.strip():
        pub.heading("本月主题活动")
        pub.rich(issue.campaign)
    return pub


def annual_publication(*, user, period, station=None) -> Publication:
    """The annual report (SPEC §2 Reports) of the user's scope, as a document."""
    values, summary = annual_summary_for(user, period, station)
    year = period.start.year
    name = scope_name(user, station)
    pub = Publication(title=f"{year}年社会工作年度报告", subtitle=name or _("All stations of your scope"))
    pub.heading("年度综述")
    pub.rich(f"<p>{escape(summary)}</p>")
    pub.heading("年度数据")
    pub.table(["指标", "数量"], figure_rows(values))
    station_ids, _counties = engine.scope_station_ids(user, station)
    series = engine.monthly_series(station_ids=station_ids, year=year)
    pub.chart(charts.trend(series, title="全年每月探访次数"))
    pub.chart(charts.categories(category_rows(values)))
    return pub
