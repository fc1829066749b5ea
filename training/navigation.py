"""Menu entries of the training app (see portal.navigation)."""

from django.utils.translation import gettext_lazy as _

from portal.navigation import MenuItem, register

register(
    MenuItem("training", _("Trainings"), "training:training_list", "training.view_training", "mortarboard", 10),
    MenuItem("training", _("My training"), "training:my_training", "training.view_training", "person-check", 15),
    MenuItem("training", _("Training hours"), "training:progress", "training.view_training", "hourglass-split", 20),
    MenuItem("training", _("Supervisions"), "training:supervision_list", "training.view_supervision",
             "chat-square-text", 30),
    MenuItem("training", _("Station evaluations"), "training:evaluation_list", "training.view_stationevaluation",
             "clipboard-check", 40),
    MenuItem("training", _("Rectification items"), "training:rectification_list",
             "training.view_rectificationitem", "wrench-adjustable", 50),
    MenuItem("training", _("Evaluation schemes"), "training:scheme_list", "training.view_evaluationscheme",
             "list-check", 45),
    MenuItem("training", _("Incentive policies"), "training:policy_list", "training.view_incentivepolicy",
             "award", 55),
    MenuItem("training", _("Incentive payouts"), "training:entitlement_list", "training.view_entitlement",
             "cash-coin", 60),
    MenuItem("training", _("Tuition claims"), "training:tuitionclaim_list", "training.view_tuitionclaim",
             "mortarboard-fill", 62),
    MenuItem("training", _("Experts"), "training:expert_list", "training.view_expert", "person-badge", 35),
    MenuItem("training", _("Case competitions"), "training:competition_list", "training.view_competitionevent",
             "trophy", 70),
    MenuItem("training", _("Competition entries"), "training:submission_list", "training.view_submission",
             "journal-richtext", 75),
)
