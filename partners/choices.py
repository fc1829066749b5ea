"""The vocabulary of 五社联动: who a partner is, and the kinds of help (the same kinds a
resource link and a visit's needs use: ``services.choices.ResourceKind`` is ``HelpKind``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PartnerKind(models.TextChoices):
    """五社联动: 社区, 社会组织, 社会慈善资源 (charity funds, enterprises), 志愿服务组织."""

    COMMUNITY = "community", pgettext_lazy("partner", "Community")  # 社区
    SOCIAL_ORGANISATION = "social_org", _("Social organisation")  # 社会组织
    CHARITY_RESOURCE = "charity", _("Charitable resource")  # 社会慈善资源（慈善基金、企业）
    VOLUNTEER_ORGANISATION = "volunteer_org", _("Volunteer service organisation")  # 志愿服务组织
    OTHER = "other", pgettext_lazy("partner", "Other")


class HelpKind(models.TextChoices):
    """A kind of help: what a resource link brings, what a partner offers, what a visit found needed."""

    CASH = "cash", _("Cash")  # 现金
    GOODS = "goods", _("Goods")  # 物资
    SERVICE = "service", _("Services")  # 服务
    MEDICAL = "medical", pgettext_lazy("help", "Medical care")  # 医疗
    EDUCATION = "education", pgettext_lazy("help", "Education")  # 教育
    EMPLOYMENT = "employment", pgettext_lazy("help", "Employment")  # 就业
    PSYCHOLOGICAL = "psychological", pgettext_lazy("help", "Psychological support")  # 心理
    LEGAL = "legal", pgettext_lazy("help", "Legal aid")  # 法律
    VOLUNTEER = "volunteer", pgettext_lazy("help", "Volunteer service")  # 志愿服务
