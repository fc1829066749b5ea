from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    DRAFT = "draft", pgettext_lazy("contract", "Draft")
    ACTIVE = "active", pgettext_lazy("contract", "In progress")
    COMPLETED = "completed", pgettext_lazy("contract", "Completed")
    TERMINATED = "terminated", pgettext_lazy("contract", "Terminated")


class Buyer(models.TextChoices):
    """Who buys the service (购买主体): the civil-affairs bureau by default, or another department."""

    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs bureau")  # 民政局
    CIVILISATION_OFFICE = "civilisation_office", _("Civilisation office")  # 文明办
    WOMENS_FEDERATION = "womens_federation", _("Women's federation")  # 妇联
    YOUTH_LEAGUE = "youth_league", _("Communist Youth League")  # 团委
    DISABLED_FEDERATION = "disabled_federation", _("Disabled persons' federation")  # 残联
    OTHER = "other", _("Other department")  # 其他部门


class TargetKind(models.TextChoices):
    """Deliverables a contract can promise; each value is a key of SPEC §3 (reports.figures)."""

    VISITS = "visits", pgettext_lazy("deliverable", "Visits")
    CASEWORK = "casework", pgettext_lazy("deliverable", "Cases")
    GROUPWORK = "groupwork", pgettext_lazy("deliverable", "Groups")
    COMMUNITY_ACTIVITIES = "community_activities", pgettext_lazy("deliverable", "Community activities")
    PEOPLE_SERVED = "people_served", pgettext_lazy("deliverable", "People served (person-times)")
    RESOURCES_LINKED_AMOUNT = "resources_linked_amount", pgettext_lazy("deliverable", "Resources linked (yuan)")
    TRAININGS = "trainings", pgettext_lazy("deliverable", "Trainings")
    TRAINING_HOURS = "training_hours", pgettext_lazy("deliverable", "Training hours")
    SUPERVISIONS = "supervisions", pgettext_lazy("deliverable", "Supervisions")
    SUPERVISION_HOURS = "supervision_hours", pgettext_lazy("deliverable", "Supervision hours")
    STATION_EVALUATIONS = "station_evaluations", pgettext_lazy("deliverable", "Station evaluations")


class InstalmentStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("instalment", "Planned")
    PAID = "paid", pgettext_lazy("instalment", "Paid")


class EvaluationStage(models.TextChoices):
    """绩效评价 stages: 事前 / 事中 / 事后."""

    BEFORE = "before", _("Ex-ante")
    DURING = "during", _("Interim")
    AFTER = "after", _("Ex-post")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", pgettext_lazy("grade", "Excellent")
    GOOD = "good", pgettext_lazy("grade", "Good")
    PASS = "pass", pgettext_lazy("grade", "Pass")
    FAIL = "fail", pgettext_lazy("grade", "Fail")


PASSING_GRADES = (Grade.EXCELLENT, Grade.GOOD, Grade.PASS)


class CallStatus(models.TextChoices):
    """A 公益创投 call: draft → open (applications) → closed (review) → awarded."""

    DRAFT = "draft", pgettext_lazy("venture call", "Draft")
    OPEN = "open", pgettext_lazy("venture call", "Open")
    CLOSED = "closed", pgettext_lazy("venture call", "Closed for review")
    AWARDED = "awarded", pgettext_lazy("venture call", "Awarded")


CALL_TRANSITIONS = {"open": (CallStatus.DRAFT, CallStatus.OPEN), "close": (CallStatus.OPEN, CallStatus.CLOSED),
                    "announce": (CallStatus.CLOSED, CallStatus.AWARDED)}


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("venture application", "Submitted")
    FUNDED = "funded", pgettext_lazy("venture application", "Funded")
    REJECTED = "rejected", pgettext_lazy("venture application", "Not funded")


class ProjectStatus(models.TextChoices):
    """A funded 公益创投 project: runs, reports, and is closed by its evaluation."""

    RUNNING = "running", pgettext_lazy("venture project", "Running")
    REPORTED = "reported", pgettext_lazy("venture project", "Final report submitted")
    CLOSED = "closed", pgettext_lazy("venture project", "Evaluated and closed")
