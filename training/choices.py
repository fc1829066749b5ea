from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpertKind(models.TextChoices):
    """Who a supervisor or trainer from outside the county's staff is."""

    PROVINCIAL = "provincial", _("Provincial expert")
    CITY = "city", _("City expert")
    SOCIAL_WORK_STAR = "star", _('Hebi "Social Work Star"')
    INTERNAL = "internal", _("Internal supervisor")
    OTHER = "other", _("Other expert")


class SupervisionMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    ONLINE = "online", _("Online")
    ONE_TO_ONE = "one_to_one", _("One-to-one")
    GROUP = "group", _("Group")


class TrainingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    FIELD_VISIT = "field_visit", _("Field visit / study tour")


class EvidenceSource(models.TextChoices):
    """Which of the station's records an evaluation item can show as evidence."""

    NONE = "", _("None")
    VISITS = "visits", _("Visits")
    CASES = "cases", _("Cases")
    GROUPS = "groups", _("Group sessions")
    ACTIVITIES = "activities", _("Community activities")
    RESOURCES = "resources", _("Resource links")
    TRAININGS = "trainings", _("Training hours attended")
    SUPERVISIONS = "supervisions", _("Supervisions received")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class EntitlementKind(models.TextChoices):
    AWARD = "award", _("One-off award")
    SUBSIDY = "subsidy", _("Monthly title subsidy")
    TUITION = "tuition", _("Tuition reimbursement")


class PayoutStatus(models.TextChoices):
    DUE = "due", _("Due for payment")
    PAID = "paid", _("Paid")


class AwardLevel(models.TextChoices):
    FIRST = "first", _("First prize")
    SECOND = "second", _("Second prize")
    THIRD = "third", _("Third prize")
    EXCELLENCE = "excellence", _("Excellence award")
    COMMENDED = "commended", _("Commended")
