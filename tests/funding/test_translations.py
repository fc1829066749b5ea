"""The app catalogues merge into one, so a msgid shared with another app gets one Chinese
string everywhere. Funding's words that mean something else in training carry the
"funding" context: money is 已拨付 here (an incentive payout in training is 已发放), and an
evaluation is a 绩效评价 of a contract (a station's evaluation in training is 评估)."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from funding import services
from funding.choices import EvaluationStage
from funding.models import Indicator, IndicatorScore, PaymentInstalment, PerformanceEvaluation

pytestmark = pytest.mark.django_db


@pytest.fixture
def chinese():
    with translation.override("zh-hans"):
        yield


def test_funding_words_keep_their_funding_meaning(chinese):
    assert pgettext("funding", "Paid") == "已拨付"
    assert gettext("Paid") == "已发放"  # training's incentive payouts keep theirs
    assert str(PaymentInstalment._meta.get_field("paid_on").verbose_name) == "拨付日期"
    assert str(PaymentInstalment._meta.get_field("status").choices[1][1]) == "已拨付"
    assert str(PerformanceEvaluation._meta.get_field("evaluated_on").verbose_name) == "评价日期"
    assert str(PerformanceEvaluation._meta.get_field("findings").verbose_name) == "评价意见"
    assert str(PerformanceEvaluation._meta.get_field("recorded_by").verbose_name) == "录入人"
    assert str(IndicatorScore._meta.get_field("evaluation").verbose_name) == "绩效评价"
    assert str(Indicator._meta.get_field("category").verbose_name) == "一级指标"


def test_the_pages_read_in_funding_terms(web, bureau, contract, baisi_contract, system):
    scores = {i.pk: i.max_score for c in system.categories.all() for i in c.indicators.all()}
    evaluation = services.evaluation_record(contract=contract, system=system, stage=EvaluationStage.AFTER,
                                            evaluated_on=datetime.date(2024, 1, 20), evaluator="第三方", scores=scores)
    client = web(bureau)
    for url in ("/funding/contracts/", "/funding/budget/?year=2023", "/funding/sources/",
                contract.get_absolute_url()):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "已拨付" in html and "已发放" not in html, url
    html = client.get(evaluation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "评价信息" in html and "评价意见" in html and "指标得分" in html
    assert "评估发现" not in html
    html = client.get("/funding/indicator-systems/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "一级指标" in html
