from django.db import models
from django.utils.translation import gettext_lazy as _


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    SUPERSEDED = "superseded", _("superseded by a correction")


# What a reader outside the editorial team (the city viewer) may read.
PUBLIC_STATUSES = (IssueStatus.PUBLISHED, IssueStatus.SUPERSEDED)
