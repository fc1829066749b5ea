from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceType(models.TextChoices):
    """Where purchased-service money comes from (资金来源)."""

    PROVINCIAL_ASSISTANCE = "provincial_assistance", _("Provincial assistance subsidy for people in difficulty")
    MINORS_PROTECTION = "minors_protection", _("Minors' protection funds")
    COUNTY_ASSISTANCE = "county_assistance", _("County social assistance funds")
    VENTURE_PHILANTHROPY = "venture_philanthropy", _("Venture philanthropy funds")
    COMMUNITY_CHARITY = "community_charity", _("Community charity fund")
    FISCAL_SPECIAL = "fiscal_special", _("Special fiscal funds")


class ShareRule(models.TextChoices):
    """How the amount for purchased services is derived from the base amount."""

    PERCENTAGE = "percentage", _("Percentage of the base amount")
    FIXED = "fixed", _("Fixed sum")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


class TargetKind(models.TextChoices):
    """Deliverables a contract can promise; each value is a key of SPEC §3 (reports.figures)."""

    VISITS = "visits", _("Visits")
    CASEWORK = "casework", _("Cases")
    GROUPWORK = "groupwork", _("Groups")
    COMMUNITY_ACTIVITIES = "community_activities", _("Community activities")
    PEOPLE_SERVED = "people_served", _("People served (person-times)")
    RESOURCES_LINKED_AMOUNT = "resources_linked_amount", _("Resources linked (yuan)")
    TRAININGS = "trainings", _("Trainings")
    TRAINING_HOURS = "training_hours", _("Training hours")
    SUPERVISIONS = "supervisions", _("Supervisions")
    SUPERVISION_HOURS = "supervision_hours", _("Supervision hours")
    STATION_EVALUATIONS = "station_evaluations", _("Station evaluations")


class InstalmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PAID = "paid", _("Paid")


class EvaluationStage(models.TextChoices):
    """绩效评价 stages: 事前 / 事中 / 事后."""

    BEFORE = "before", _("Ex-ante")
    DURING = "during", _("Interim")
    AFTER = "after", _("Ex-post")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


PASSING_GRADES = (Grade.EXCELLENT, Grade.GOOD, Grade.PASS)
