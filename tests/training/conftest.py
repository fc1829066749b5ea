"""Records of the training app for the personas of tests/conftest.py: one of each kind at
小河站 and at 白寺站, so that scoping tests can ask who sees what."""

import datetime
from decimal import Decimal

import pytest

from stations.models import Organisation, Region, Staff
from training import services
from training.models import (
    Entitlement,
    EvaluationScheme,
    Expert,
    IncentivePolicy,
    RectificationItem,
    StationEvaluation,
    Supervision,
    Training,
)


@pytest.fixture
def county(db):
    return Region.objects.get(code="410621")


@pytest.fixture
def center_org(db):
    return Organisation.objects.get(short_name="指导中心")


@pytest.fixture
def expert(county):
    return Expert.objects.create(county=county, name="李卫东", kind="provincial", affiliation="河南省社会工作协会")


@pytest.fixture
def five_scheme(db):
    return EvaluationScheme.objects.prefetch_related("items", "bands").get(name__contains="五有五化")


@pytest.fixture
def thousand_scheme(db):
    return EvaluationScheme.objects.prefetch_related("items", "bands").get(name__contains="千分制")


def staff_of(username):
    return Staff.objects.get(user__username=username)


@pytest.fixture
def make_training(county, center_org):
    def make(topic="社会救助政策培训", held_on=datetime.date(2025, 3, 1), hours="6", attendees=()):
        training = Training(county=county, topic=topic, held_on=held_on, hours=Decimal(hours), organiser=center_org)
        return services.training_save(training=training, attendees=[staff_of(u) for u in attendees])

    return make


@pytest.fixture
def make_supervision(expert):
    def make(station, supervised_on=datetime.date(2025, 3, 5), hours="2", topic="个案研讨"):
        supervision = Supervision(station=station, supervised_on=supervised_on, hours=Decimal(hours), mode="on_site",
                                  supervisor_expert=expert, topic=topic, findings="记录规范")
        return services.supervision_save(supervision=supervision, workers=list(station.staff.all()))

    return make


@pytest.fixture
def make_evaluation(five_scheme):
    def make(station, evaluated_on=datetime.date(2025, 12, 5), score="8"):
        evaluation = StationEvaluation(station=station, scheme=five_scheme, evaluated_on=evaluated_on,
                                       period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 11, 30),
                                       findings="总体良好")
        scores = {item.pk: Decimal(score) for item in five_scheme.items.all()}
        return services.evaluation_save(evaluation=evaluation, scores=scores)

    return make


@pytest.fixture
def make_rectification():
    def make(evaluation, description="补全需求评估档案", deadline=datetime.date(2026, 3, 31), status="open"):
        return services.rectification_save(item=RectificationItem(
            evaluation=evaluation, description=description, deadline=deadline, status=status,
            owner=evaluation.station.staff.first(),
        ))

    return make


@pytest.fixture
def policy(county):
    return IncentivePolicy.objects.create(
        region=county, name="浚县社工激励办法", valid_from=datetime.date(2023, 1, 1),
        award_assistant=2000, award_intermediate=3000, award_senior=6000,
        subsidy_assistant=200, subsidy_intermediate=300, subsidy_senior=500, tuition_rate=100, tuition_cap=5000,
    )


@pytest.fixture
def records(station_xiaohe, station_baisi, make_training, make_supervision, make_evaluation, make_rectification,
            policy):
    """One record of each kind at 小河站 and one at 白寺站 (and entitlements for both)."""
    xiaohe_training = make_training("小河站参加的培训", attendees=["xiaohe"])
    baisi_training = make_training("白寺站参加的培训", attendees=["baisi"])
    xiaohe_eval = make_evaluation(station_xiaohe)
    baisi_eval = make_evaluation(station_baisi)
    services.entitlements_compute(policy=policy, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 1, 31))
    return {
        "xiaohe": {
            "training": xiaohe_training, "supervision": make_supervision(station_xiaohe, topic="小河站督导"),
            "evaluation": xiaohe_eval, "rectification": make_rectification(xiaohe_eval, "小河站整改事项"),
            "entitlement": Entitlement.objects.filter(staff__station=station_xiaohe).first(),
        },
        "baisi": {
            "training": baisi_training, "supervision": make_supervision(station_baisi, topic="白寺站督导"),
            "evaluation": baisi_eval, "rectification": make_rectification(baisi_eval, "白寺站整改事项"),
            "entitlement": Entitlement.objects.filter(staff__station=station_baisi).first(),
        },
    }
