"""The demo's 2023 equals the seed: 12 trainings of 120 hours, 65 supervisions of 145 hours,
an evaluation round with rectification items, the case competition with 11 entries and 5
awards, entitlements for the certified workers; a second run changes nothing.

One test: seeding takes a while, and every check reads the same seeded database."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from stations import demo as stations_demo
from stations.models import Certificate
from training import demo
from training.choices import ExpertKind
from training.models import (
    CompetitionEvent,
    Entitlement,
    RectificationItem,
    StationEvaluation,
    Submission,
    Supervision,
    Training,
    TrainingAttendance,
)

pytestmark = pytest.mark.django_db

YEAR_2023 = (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))


def test_demo_equals_the_seed_and_is_idempotent():
    context = {}
    stations_demo.seed(context)
    demo.seed(context)

    trainings = Training.objects.filter(held_on__range=YEAR_2023)
    assert trainings.count() == 12
    assert trainings.aggregate(h=Sum("hours"))["h"] == Decimal("120.0")
    assert TrainingAttendance.objects.filter(training__in=trainings).count() > 12 * 15

    supervisions = Supervision.objects.filter(supervised_on__range=YEAR_2023)
    assert supervisions.count() == 65
    assert supervisions.aggregate(h=Sum("hours"))["h"] == Decimal("145.0")
    kinds = set(supervisions.values_list("supervisor_expert__kind", flat=True))
    assert {ExpertKind.PROVINCIAL, ExpertKind.CITY, ExpertKind.SOCIAL_WORK_STAR} <= kinds
    assert supervisions.values("station").distinct().count() == 11
    assert supervisions.values("mode").distinct().count() >= 3

    evaluations = StationEvaluation.objects.filter(evaluated_on__range=YEAR_2023)
    assert evaluations.count() >= 10
    assert all(e.rectifications.exists() and e.total > 0 and e.rating for e in evaluations)
    assert RectificationItem.objects.filter(status="done").exists()
    assert RectificationItem.objects.overdue().exists()

    event = CompetitionEvent.objects.get(held_on__year=2023)
    assert event.submissions.values("station").distinct().count() == 11
    assert event.submissions.exclude(award="").count() == 5
    assert not event.submissions.filter(score__isnull=True).exists()

    certified = set(Certificate.objects.filter(staff__in=context["workers"]).values_list("staff", flat=True))
    assert set(Entitlement.objects.values_list("staff_id", flat=True).distinct()) == certified
    assert Entitlement.objects.filter(kind="award").count() >= 3
    assert Entitlement.objects.filter(kind="tuition").count() == 2
    assert Entitlement.objects.filter(status="paid").exists()

    today = datetime.date.today()
    assert Training.objects.filter(held_on__year=2024).exists()
    assert Supervision.objects.filter(supervised_on__year=2025).exists()
    assert not Training.objects.filter(held_on__gt=today).exists()
    assert not Supervision.objects.filter(supervised_on__gt=today).exists()

    models = [Training, TrainingAttendance, Supervision, StationEvaluation, RectificationItem, Entitlement,
              CompetitionEvent, Submission, Certificate]
    before = [m.objects.count() for m in models]
    demo.seed(context)
    assert [m.objects.count() for m in models] == before


def test_the_demo_creates_the_standard_schemes_a_flushed_database_lacks():
    """The schemes come with a data migration; a live-server test that flushed the database
    leaves none, and the demo (``tests/browser/test_accessibility.py`` seeds it) must not fail
    then: it creates the missing ones, once."""
    from training import schemes
    from training.models import EvaluationItem, EvaluationScheme, RatingBand

    names = {schemes.FIVE[0], schemes.THOUSAND[0]}
    StationEvaluation.objects.all().delete()
    EvaluationScheme.objects.filter(name__in=names).delete()
    assert not EvaluationScheme.objects.filter(name__in=names).exists()
    context = {}
    stations_demo.seed(context)
    demo.seed(context)
    five = EvaluationScheme.objects.get(name=schemes.FIVE[0])
    thousand = EvaluationScheme.objects.get(name=schemes.THOUSAND[0])
    assert five.items.count() == 10 and thousand.items.count() == 18
    assert sum(item.max_score for item in thousand.items.all()) == 1000
    assert RatingBand.objects.filter(scheme=five).count() == 4
    assert StationEvaluation.objects.filter(evaluated_on__year=2023, scheme=five).count() >= 10
    counts = (EvaluationScheme.objects.count(), EvaluationItem.objects.count(), RatingBand.objects.count())
    schemes.create_missing(EvaluationScheme, EvaluationItem, RatingBand)
    demo.seed(context)
    assert (EvaluationScheme.objects.count(), EvaluationItem.objects.count(), RatingBand.objects.count()) == counts
