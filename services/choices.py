from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partners.choices import HelpKind


class VisitKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")  # 入户探访
    PHONE_CALL = "phone_call", _("Phone call")  # 电话回访
    FESTIVAL_GREETING = "festival_greeting", _("Festival greeting")  # 节日慰问
    ACCOMPANIMENT = "accompaniment", _("Accompaniment")  # 陪同办事


# The kinds of help (现金, 物资, 服务, 医疗, 教育 …): one vocabulary for resource links, a visit's
# needs and what 五社联动 partners offer (partners.choices, the layer below).
ResourceKind = HelpKind


class SourceKind(models.TextChoices):
    DONOR = "donor", _("Individual donor")  # 爱心人士
    CHARITY_FUND = "charity_fund", _("Charity fund")  # 慈善基金
    ENTERPRISE = "enterprise", _("Enterprise")  # 企业
    GOVERNMENT = "government", _("Government department")  # 政府部门
    VOLUNTEERS = "volunteers", _("Volunteers")  # 志愿者
    OTHER = "other", _("Other")


class CaseStage(models.TextChoices):
    INTAKE = "intake", _("Intake")  # 接案
    ASSESSMENT = "assessment", _("Assessment")  # 预估
    PLANNING = "planning", _("Planning")  # 计划
    INTERVENTION = "intervention", _("Intervention")  # 介入
    EVALUATION = "evaluation", _("Evaluation")  # 评估
    CLOSED = "closed", _("Closed")  # 结案


CASE_ORDER = [CaseStage.INTAKE, CaseStage.ASSESSMENT, CaseStage.PLANNING, CaseStage.INTERVENTION,
              CaseStage.EVALUATION, CaseStage.CLOSED]

# The legal moves of the casework workflow: one step forward at a time, and reopening a
# closed case, which starts again from a new assessment (预估).
# A case can be closed from any stage (a client who withdraws at intake is not walked through
# every stage); closing needs the station head's or the center supervisor's approval
# (services.case_close_request / case_closure_decide), and intervention needs an approved plan.
CASE_TRANSITIONS = {
    CaseStage.INTAKE: {CaseStage.ASSESSMENT, CaseStage.CLOSED},
    CaseStage.ASSESSMENT: {CaseStage.PLANNING, CaseStage.CLOSED},
    CaseStage.PLANNING: {CaseStage.INTERVENTION, CaseStage.CLOSED},
    CaseStage.INTERVENTION: {CaseStage.EVALUATION, CaseStage.CLOSED},
    CaseStage.EVALUATION: {CaseStage.CLOSED},
    CaseStage.CLOSED: {CaseStage.ASSESSMENT},
}


class CaseClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals achieved")  # 目标达成
    REFERRED = "referred", _("Referred elsewhere")  # 转介
    CLIENT_WITHDREW = "client_withdrew", _("Client withdrew")  # 服务对象退出
    UNREACHABLE = "unreachable", _("Client unreachable")  # 失联
    MOVED_AWAY = "moved_away", _("Client moved away")  # 迁出
    DIED = "died", _("Client died")  # 服务对象去世
    NOT_SUITABLE = "not_suitable", _("Not suitable for casework")  # 不适合个案
    OTHER = "other", _("Other")


class ActivityKind(models.TextChoices):
    FESTIVAL = "festival", _("Festival event")  # 节日活动
    EDUCATION = "education", _("Education and talks")  # 宣传教育
    VOLUNTEER = "volunteer", _("Volunteer service")  # 志愿服务
    CULTURE = "culture", _("Culture and sports")  # 文体活动
    HEALTH = "health", _("Health service")  # 健康义诊
    CHILDREN = "children", _("Children's activity")  # 儿童活动
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")  # 已转介
    ACCEPTED = "accepted", _("Accepted")  # 已受理
    RESOLVED = "resolved", _("Resolved")  # 已解决
    DECLINED = "declined", _("Declined")  # 未受理


class DispatchSource(models.TextChoices):
    GRID_REPORT = "grid_report", _("Village grid report")  # 网格上报
    HOTLINE = "hotline", _("Hotline call")  # 热线来电
    SCREENING = "screening", _("Screening finding")  # 排查发现
    SUPERIOR = "superior", _("Assigned by superiors")  # 上级交办
    OTHER = "other", _("Other")


class DispatchStatus(models.TextChoices):
    SENT = "sent", _("Sent")  # 已派单
    ACCEPTED = "accepted", _("Accepted")  # 已接单
    REPORTED = "reported", _("Reported back")  # 已反馈
    CLOSED = "closed", _("Closed")  # 已办结


DISPATCH_OPEN = {DispatchStatus.SENT, DispatchStatus.ACCEPTED}


class MonthlyReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    SUBMITTED = "submitted", _("Submitted")  # 已提交
    RETURNED = "returned", _("Returned")  # 已退回
    REVIEWED = "reviewed", _("Reviewed")  # 已审核
    APPROVED = "approved", _("Approved (locked)")  # 已审定(锁定)
    REOPENED = "reopened", _("Reopened")  # 已重新开放


class MonthlyReportAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    RETURN = "return", _("Returned")
    PASS = "pass", _("Passed review")
    APPROVE = "approve", _("Approved and locked")
    REOPEN = "reopen", _("Reopened")


class CasePlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草拟
    SUBMITTED = "submitted", _("Awaiting approval")  # 待审批
    APPROVED = "approved", _("Approved")  # 已批准
    RETURNED = "returned", _("Returned")  # 已退回


class CaseEventKind(models.TextChoices):
    PLAN_SUBMIT = "plan_submit", _("Plan submitted for approval")
    PLAN_APPROVE = "plan_approve", _("Plan approved")
    PLAN_RETURN = "plan_return", _("Plan returned")
    CLOSURE_REQUEST = "closure_request", _("Closure requested")
    CLOSURE_APPROVE = "closure_approve", _("Closure approved")
    CLOSURE_RETURN = "closure_return", _("Closure returned")
    TRANSFER = "transfer", _("Transferred")


class VolunteerKind(models.TextChoices):
    """Who the volunteer is (志愿者类别)."""

    COLLEGE = "college", _("College student volunteer")  # 大学生志愿者
    COMMUNITY = "community", _("Community volunteer")  # 社区志愿者
    OTHER = "other", pgettext_lazy("volunteer", "Other")
