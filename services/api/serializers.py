from rest_framework import serializers

from clients.models import Client
from clients.privacy import phone_for
from partners.choices import HelpKind
from partners.models import Partner
from portal.api.saving import InstanceSavedSerializer
from portal.api.serializers import ModelSerializer, ScopedPrimaryKeyRelatedField, VersionedModelSerializer
from stations.models import ServicePoint, Staff, Station

from .. import services
from ..models import (
    Activity,
    CampaignTag,
    Case,
    CaseGoal,
    CaseNote,
    CaseTask,
    Dispatch,
    FollowUp,
    Group,
    GroupSession,
    MonthlyReport,
    Referral,
    ResourceLink,
    Visit,
    Volunteer,
    VolunteerService,
)


def scoped(model, **kwargs):
    return ScopedPrimaryKeyRelatedField(queryset=model.objects.all(), **kwargs)


class VisitSerializer(VersionedModelSerializer):
    client = scoped(Client)
    client_name = serializers.CharField(source="client.name", read_only=True)
    station = serializers.PrimaryKeyRelatedField(read_only=True)
    workers = scoped(Staff, many=True, required=False)
    tags = serializers.PrimaryKeyRelatedField(queryset=CampaignTag.objects.all(), many=True, required=False)
    need_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=HelpKind.choices), required=False, max_length=len(HelpKind.choices),
        help_text="The kinds of help the visit found needed (the open-needs page matches them with resource links).")
    service_point = scoped(ServicePoint, required=False, allow_null=True)

    class Meta:
        model = Visit
        fields = ["id", "station", "client", "client_name", "visited_on", "kind", "service_point", "workers", "findings",
                  "needs",
                  "need_kinds", "risk_level", "follow_up_on", "tags", "outing", "version", "created_at", "updated_at"]
        read_only_fields = ["outing", "created_at", "updated_at"]
        # the date and kind of a visit are stated, not guessed (the web form shows today's date to confirm)
        extra_kwargs = {"visited_on": {"required": True}, "kind": {"required": True}}

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.visit_record(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        return self.save_checked(lambda: services.visit_update(visit=instance, expected=expected, **validated_data))


class FollowUpSerializer(VersionedModelSerializer):
    """A follow-up: planned here (POST), moved or reassigned while open (PUT/PATCH); a visit of
    the client answers it (``answered_by``, ``answered_on``)."""

    client = scoped(Client)
    client_name = serializers.CharField(source="client.name", read_only=True)
    station = serializers.PrimaryKeyRelatedField(read_only=True)
    worker = scoped(Staff, required=False, allow_null=True)

    class Meta:
        model = FollowUp
        fields = ["id", "station", "client", "client_name", "due_on", "kind", "worker", "note", "promised_by",
                  "answered_by", "answered_on", "version", "created_at"]
        read_only_fields = ["promised_by", "answered_by", "answered_on", "created_at"]

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.follow_up_plan(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        return self.save_checked(lambda: services.follow_up_update(follow_up=instance, expected=expected,
                                                                   **validated_data))


class ResourceLinkSerializer(VersionedModelSerializer):
    """``partner``: the 五社联动 partner who gave it (of the station's county); its kind and
    name fill ``source_kind``/``source_name``. Without a partner, name the source."""

    station = scoped(Station)
    partner = scoped(Partner, required=False, allow_null=True)
    client = scoped(Client, required=False, allow_null=True)
    visit = scoped(Visit, required=False, allow_null=True)
    case = scoped(Case, required=False, allow_null=True)
    activity = scoped(Activity, required=False, allow_null=True)

    class Meta:
        model = ResourceLink
        fields = ["id", "station", "linked_on", "kind", "description", "value", "partner", "source_kind",
                  "source_name", "client", "visit", "case", "activity", "version"]
        extra_kwargs = {"linked_on": {"required": True}, "source_kind": {"required": False},
                        "source_name": {"required": False}}

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.resource_link_record(**validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        return self.save_checked(lambda: services.resource_link_update(link=instance, expected=expected,
                                                                       **validated_data))


class CaseSerializer(VersionedModelSerializer):
    station = scoped(Station)
    manager = scoped(Staff)
    clients = scoped(Client, many=True)

    class Meta:
        model = Case
        fields = ["id", "station", "title", "intake_on", "stage", "manager", "clients", "problem", "goals",
                  "closed_on", "closure_reason", "closure_note", "plan_status", "plan_review_on",
                  "closure_requested_on", "requested_closure_reason", "requested_closure_note", "version"]
        read_only_fields = ["stage", "closed_on", "closure_reason", "closure_note", "plan_status", "plan_review_on",
                            "closure_requested_on", "requested_closure_reason", "requested_closure_note"]

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.case_open(user=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        return self.save_checked(lambda: services.case_update(case=instance, expected=expected, **validated_data))


class CaseTransitionSerializer(serializers.Serializer):
    to_stage = serializers.CharField()
    on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    closure_reason = serializers.CharField(required=False, allow_blank=True, default="")
    closure_note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, min_value=0,
        help_text="The case's version you read: if someone else moved its stage since, the move is refused.")


class CaseNoteSerializer(ModelSerializer):
    """A dated service note of a case (``POST /cases/{id}/notes/``): the author is the caller when
    they work at the case's station."""

    author_name = serializers.CharField(source="author.name", read_only=True, default=None)

    class Meta:
        model = CaseNote
        fields = ["id", "case", "noted_on", "text", "author", "author_name", "created_at"]
        read_only_fields = ["case", "author", "created_at"]
        extra_kwargs = {"noted_on": {"required": False}}


class CasePlanSubmitSerializer(serializers.Serializer):
    review_on = serializers.DateField(required=False, allow_null=True, default=None)


class CaseDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CaseCloseSerializer(serializers.Serializer):
    closure_reason = serializers.CharField()
    closure_note = serializers.CharField(required=False, allow_blank=True, default="")
    on = serializers.DateField(required=False, allow_null=True, default=None)


class CaseTransferSerializer(serializers.Serializer):
    to_manager = scoped(Staff)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CasePlanGoalSerializer(ModelSerializer):
    class Meta:
        model = CaseGoal
        fields = ["id", "description", "target", "review_on", "met_on"]


class CasePlanTaskSerializer(ModelSerializer):
    class Meta:
        model = CaseTask
        fields = ["id", "goal", "description", "owner", "due_on", "done_on"]


class CasePlanSerializer(ModelSerializer):
    """A case's plan as one record (SPEC §4 ``case-plans``): its status and review date, its
    goals and its tasks. Read only: the plan is written through ``case-goals``, ``case-tasks``
    and the case's ``submit-plan`` / ``decide-plan`` actions, the same services as the pages."""

    case = serializers.IntegerField(source="pk", read_only=True)  # the plan's id is its case's
    goals = CasePlanGoalSerializer(source="plan_goals", many=True, read_only=True)
    tasks = CasePlanTaskSerializer(source="plan_tasks", many=True, read_only=True)

    class Meta:
        model = Case
        fields = ["id", "case", "station", "title", "stage", "manager", "plan_status", "plan_review_on", "goals",
                  "tasks"]
        read_only_fields = fields


class CaseGoalSerializer(VersionedModelSerializer):
    case = scoped(Case)

    class Meta:
        model = CaseGoal
        fields = ["id", "case", "description", "target", "review_on", "met_on", "version"]

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        validated_data.pop("met_on", None)
        return services.case_goal_add(**validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        validated_data.pop("case", None)
        return self.save_checked(lambda: services.case_goal_update(goal=instance, expected=expected,
                                                                   **validated_data))


class CaseTaskSerializer(VersionedModelSerializer):
    case = scoped(Case)
    owner = scoped(Staff)
    goal = scoped(CaseGoal, required=False, allow_null=True)

    class Meta:
        model = CaseTask
        fields = ["id", "case", "goal", "description", "owner", "due_on", "done_on", "version"]

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        validated_data.pop("done_on", None)
        return services.case_task_add(**validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        validated_data.pop("case", None)
        return self.save_checked(lambda: services.case_task_update(task=instance, expected=expected,
                                                                   **validated_data))


class GroupSessionSerializer(ModelSerializer):
    """One session of a group with its attendance (``POST /groups/{id}/sessions/``): the
    attendees named must be members of the group."""

    attendees = scoped(Client, many=True, required=False)

    class Meta:
        model = GroupSession
        fields = ["id", "number", "held_on", "topic", "attendance_count", "attendees", "notes"]
        read_only_fields = ["number"]


class GroupSerializer(VersionedModelSerializer):
    station = scoped(Station)
    leader = scoped(Staff, required=False, allow_null=True)
    members = scoped(Client, many=True, required=False)
    tags = serializers.PrimaryKeyRelatedField(queryset=CampaignTag.objects.all(), many=True, required=False)
    sessions = GroupSessionSerializer(many=True, read_only=True)
    service_point = scoped(ServicePoint, required=False, allow_null=True)

    class Meta:
        model = Group
        fields = ["id", "station", "service_point", "theme", "goals", "leader", "members", "planned_sessions", "tags",
                  "created_on", "sessions", "version"]
        create_only_fields = ["station"]

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.group_create(**validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        validated_data.pop("station", None)
        return self.save_checked(lambda: services.group_update(group=instance, expected=expected, **validated_data))


class ActivitySerializer(VersionedModelSerializer):
    station = scoped(Station)
    participants = scoped(Client, many=True, required=False)
    workers = scoped(Staff, many=True, required=False)
    tags = serializers.PrimaryKeyRelatedField(queryset=CampaignTag.objects.all(), many=True, required=False)
    service_point = scoped(ServicePoint, required=False, allow_null=True)

    class Meta:
        model = Activity
        fields = ["id", "station", "service_point", "held_on", "title", "kind", "location", "participant_count",
                  "participants", "workers", "tags", "highlight", "version"]
        create_only_fields = ["station"]
        extra_kwargs = {"held_on": {"required": True}}

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.activity_record(**validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        validated_data.pop("station", None)
        return self.save_checked(lambda: services.activity_update(activity=instance, expected=expected,
                                                                  **validated_data))


class ReferralSerializer(VersionedModelSerializer):
    station = scoped(Station)
    client = scoped(Client)
    case = scoped(Case, required=False, allow_null=True)

    class Meta:
        model = Referral
        fields = ["id", "station", "referred_on", "client", "case", "to_organisation", "reason", "status", "outcome",
                  "resolved_on", "version"]
        create_only_fields = ["station"]
        update_only_fields = ["status", "outcome", "resolved_on"]

    def create(self, validated_data):
        for name in ("status", "outcome", "resolved_on", "history_version"):
            validated_data.pop(name, None)
        return services.referral_create(**validated_data)

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        validated_data.pop("station", None)
        return self.save_checked(lambda: services.referral_update(referral=instance, expected=expected,
                                                                  **validated_data))


class DispatchSerializer(ModelSerializer):
    station = scoped(Station)
    client = scoped(Client, required=False, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    issued_by_name = serializers.CharField(source="issued_by.short_name", read_only=True)

    class Meta:
        model = Dispatch
        fields = ["id", "station", "sent_on", "deadline", "source", "title", "description", "client", "issued_by",
                  "issued_by_name", "status", "is_overdue", "accepted_on", "reported_on", "report"]
        read_only_fields = ["issued_by", "status", "accepted_on", "reported_on", "report"]

    def create(self, validated_data):
        return services.dispatch_send(user=self.context["request"].user, **validated_data)


class MonthlyReportSerializer(ModelSerializer):
    station_name = serializers.CharField(source="station.short_name", read_only=True)
    deadline = serializers.DateField(read_only=True)

    class Meta:
        model = MonthlyReport
        fields = ["id", "station", "station_name", "month", "status", "summary", "submitted_at", "on_time",
                  "deadline", "reviewed_at", "approved_at", "comment"]
        read_only_fields = fields


class MonthlyReportSubmitSerializer(serializers.Serializer):
    """The station head submits their station's month (``POST /monthly-reports/submit/``)."""

    month = serializers.DateField(input_formats=["%Y-%m", "%Y-%m-%d"],
                                  help_text="The month reported, as YYYY-MM (or any day of it).")
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class CampaignTagSerializer(VersionedModelSerializer):
    class Meta:
        model = CampaignTag
        fields = ["id", "name", "description", "is_active", "version"]

    def create(self, validated_data):
        validated_data.pop("history_version", None)
        return services.campaign_tag_save(tag=CampaignTag(**validated_data))

    def update(self, instance, validated_data):
        expected = self.expected_state(instance, validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self.save_checked(lambda: services.campaign_tag_save(tag=instance, expected=expected))


class ReportBackSerializer(serializers.Serializer):
    report = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.Serializer):
    passed = serializers.BooleanField(required=False, default=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class VolunteerSerializer(InstanceSavedSerializer):
    """A volunteer (志愿者, ``/volunteers/``); the phone is masked like a client's for the roles
    that do not call people."""

    station = scoped(Station)
    total_hours = serializers.DecimalField(max_digits=8, decimal_places=1, read_only=True, default=None)

    class Meta:
        model = Volunteer
        fields = ["id", "station", "name", "gender", "kind", "organisation", "skills", "phone", "is_active",
                  "total_hours", "version"]
        create_only_fields = ["station"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        data["phone"] = phone_for(request.user if request else None, instance.phone)
        return data

    def save_instance(self, instance, expected, many):
        return services.volunteer_save(volunteer=instance, expected=expected)


class VolunteerServiceSerializer(InstanceSavedSerializer):
    """A volunteer's service on one day (``/volunteer-services/``): 0.1–24 hours, optionally at
    one activity, group session or visit of the volunteer's station."""

    volunteer = scoped(Volunteer)
    volunteer_name = serializers.CharField(source="volunteer.name", read_only=True)
    station = serializers.PrimaryKeyRelatedField(read_only=True)
    activity = scoped(Activity, required=False, allow_null=True)
    group_session = scoped(GroupSession, required=False, allow_null=True)
    visit = scoped(Visit, required=False, allow_null=True)

    class Meta:
        model = VolunteerService
        fields = ["id", "volunteer", "volunteer_name", "station", "served_on", "hours", "activity", "group_session",
                  "visit", "description", "version"]
        extra_kwargs = {"served_on": {"required": True}}

    def save_instance(self, instance, expected, many):
        return services.volunteer_service_save(service=instance, expected=expected)
