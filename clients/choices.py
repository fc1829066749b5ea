from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    """Assistance categories (SPEC §3 codes). A person can hold several at once."""

    SUBSISTENCE_ALLOWANCE = "subsistence_allowance", _("Subsistence allowance")  # 低保
    EXTREME_POVERTY = "extreme_poverty", _("Extreme poverty")  # 特困
    CHILDREN_IN_DISTRESS = "children_in_distress", _("Child in distress")  # 困境儿童
    DISABILITY = "disability", _("Person with disability")  # 残疾人
    LEFT_BEHIND_ELDERLY = "left_behind_elderly", _("Left-behind elderly")  # 留守老人
    EMPTY_NEST_ELDERLY = "empty_nest_elderly", _("Empty-nest elderly")  # 空巢老人
    OTHER = "other", _("Other people in difficulty")  # 其他困难群体


class Subtype(models.TextChoices):
    URBAN = "urban", _("Urban")  # 城市低保
    RURAL = "rural", _("Rural")  # 农村低保
    DISPERSED = "dispersed", _("Dispersed support")  # 分散供养
    CENTRALISED = "centralised", _("Centralised support")  # 集中供养
    ORPHAN = "orphan", _("Orphan")  # 孤儿
    UNSUPPORTED = "unsupported", _("De facto unsupported")  # 事实无人抚养
    ILL_OR_DISABLED = "ill_or_disabled", _("Seriously ill or disabled")  # 重病重残
    OTHER = "other", _("Other")


CATEGORY_SUBTYPES = {
    Category.SUBSISTENCE_ALLOWANCE: [Subtype.URBAN, Subtype.RURAL],
    Category.EXTREME_POVERTY: [Subtype.DISPERSED, Subtype.CENTRALISED],
    Category.CHILDREN_IN_DISTRESS: [Subtype.ORPHAN, Subtype.UNSUPPORTED, Subtype.ILL_OR_DISABLED, Subtype.OTHER],
}


class DisabilityType(models.TextChoices):
    VISUAL = "visual", _("Visual")
    HEARING = "hearing", _("Hearing")
    SPEECH = "speech", _("Speech")
    PHYSICAL = "physical", _("Physical")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class DisabilityGrade(models.IntegerChoices):
    ONE = 1, _("Grade 1")
    TWO = 2, _("Grade 2")
    THREE = 3, _("Grade 3")
    FOUR = 4, _("Grade 4")


class ClientStatus(models.TextChoices):
    ACTIVE = "active", _("Registered")  # 在册
    CLOSED = "closed", pgettext_lazy("client", "Closed")  # 已销档


class CloseReason(models.TextChoices):
    DEATH = "death", _("Death")  # 死亡
    MOVED_OUT = "moved_out", _("Moved out")  # 迁出
    INELIGIBLE = "ineligible", _("No longer eligible")  # 不再符合


class RiskLevel(models.TextChoices):
    """Shown as red / yellow / green."""

    HIGH = "high", _("High (red)")
    MEDIUM = "medium", _("Medium (yellow)")
    LOW = "low", _("Low (green)")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other relative")
