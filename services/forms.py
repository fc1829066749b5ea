import uuid

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from partners.choices import HelpKind
from portal.forms import DateInput, OptimisticLockFormMixin, ScopedFormMixin, add_validation_error
from portal.locking import record_state
from portal.scoping import scope_for
from stations.models import Staff, Station

from . import services
from .choices import CASE_TRANSITIONS, CaseClosureReason, CaseStage, DispatchSource
from .models import (
    Activity,
    ActivityPhoto,
    CampaignTag,
    Case,
    CaseGoal,
    CaseNote,
    CaseTask,
    Dispatch,
    FollowUp,
    Group,
    GroupSession,
    Referral,
    ResourceLink,
    Visit,
    Volunteer,
    VolunteerService,
    month_start,
)


class ClientPicker(forms.SelectMultiple):
    """Pick clients by search (name, pinyin, initials, ID tail) instead of a dropdown of
    thousands: the chosen ones show as ticked boxes, the search box adds more."""

    template_name = "services/widgets/client_picker.html"
    multiple = True

    def get_context(self, name, value, attrs):
        # Widget's context, not Select's: Select builds an option for every choice, which read
        # and rendered a station's 2,000 active clients that the picker never shows (86 ms of
        # the visit form's 152 at city scale; make bench, crawl_worst_page)
        context = forms.Widget.get_context(self, name, value, attrs)
        if value is None or value == "":
            value = []
        elif not isinstance(value, list | tuple):
            value = [value]  # one client (SingleClientPicker): a bound disabled field gives its id as is
        ids = [getattr(v, "pk", v) for v in value]
        ids = [int(v) for v in ids if str(v).isdigit()]
        queryset = self.choices.queryset if hasattr(self.choices, "queryset") else Client.objects.none()
        context["picked"] = list(queryset.filter(pk__in=ids).select_related("station")) if ids else []
        context["multiple"] = self.multiple
        return context


class SingleClientPicker(ClientPicker):
    multiple = False
    allow_multiple_selected = False

    def format_value(self, value):
        if value in (None, ""):
            return []
        return [str(value)]

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class ServiceFormMixin(ScopedFormMixin):
    """The station defaults to the user's own; client and worker choices follow the
    user's scope; only active registered clients are offered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = getattr(self.user, "staff", None)
        if "station" in self.fields:
            stations = self.fields["station"].queryset
            if staff is not None and staff.station_id:
                # a station's own staff record for their station: no choice to make
                self.fields["station"].initial = staff.station_id
                self.fields["station"].disabled = True
                if self.instance.pk is None:
                    self.fields["station"].widget = forms.HiddenInput()
            elif self.instance.pk:
                self.fields["station"].disabled = True
            self.fields["station"].queryset = stations
        for name in ("workers", "manager", "leader", "author"):
            if name in self.fields:
                self.fields[name].queryset = self.fields[name].queryset.workers().select_related("station")
        if "workers" in self.fields and not self.instance.pk and staff is not None and staff.station_id:
            self.fields["workers"].initial = [staff.pk]
        for name in ("clients", "members", "participants", "client"):
            field = self.fields.get(name)
            if field is not None and isinstance(field.widget, ClientPicker):
                field.queryset = field.queryset.active()
                field.widget.choices = field.choices
        for name in ("tags",):
            if name in self.fields:
                self.fields[name].widget = forms.CheckboxSelectMultiple()
                self.fields[name].queryset = CampaignTag.objects.filter(is_active=True)  # also sets the choices
                self.fields[name].required = False
        if "service_point" in self.fields:
            self._offer_service_points(staff)
        self.locked_notice = self._locked_notice()

    def _offer_service_points(self, staff):
        """The active service points (村/社区社工室) of the record's station (the one a record
        names already stays offered); the service refuses a point of another station."""
        field = self.fields["service_point"]
        station_id = getattr(self.instance, "station_id", None) or (staff.station_id if staff is not None else None)
        points = field.queryset.select_related("station")
        if station_id:
            points = points.filter(station_id=station_id)
        current = getattr(self.instance, "service_point_id", None)
        field.queryset = points.filter(Q(is_active=True) | Q(pk=current)) if current else points.filter(is_active=True)
        if not station_id:
            field.label_from_instance = lambda point: f"{point.name}（{point.station.short_name}）"

    def _locked_notice(self):
        """Said on the edit form when it opens: the record's month is approved (locked), so a
        save would be refused (issue 22: the user learnt it only after typing and saving)."""
        model = getattr(getattr(self, "_meta", None), "model", None)  # an action's plain form has none
        field = getattr(model, "month_field", None)
        if not (field and self.instance.pk and not self.is_bound):
            return None
        try:
            services.ensure_month_open(station_id=self.instance.station_id,
                                       days=[getattr(self.instance, field)], field=field)
        except ValidationError as error:
            return error.message_dict[field][0]
        return None

    def chosen_station(self):
        station = self.cleaned_data.get("station") if "station" in self.fields else None
        return station or getattr(self.instance, "station", None)


class ServiceModelForm(ServiceFormMixin, forms.ModelForm):
    """A form whose ``save`` calls a service; the service's errors show on the fields."""

    def _post_clean(self):
        pass

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not self._errors:
            try:
                self.saved = self.write()
            except ValidationError as error:
                add_validation_error(self, error)

    def save(self, commit=True):
        return self.saved

    def write(self):
        raise NotImplementedError

    def form_data(self):
        """The cleaned data for the service, without the lock's stamp (``self.loaded_state``)."""
        data = dict(self.cleaned_data)
        data.pop(OptimisticLockFormMixin.LOCK_FIELD, None)
        return data


class NeedKindsField(forms.MultipleChoiceField):
    """A visit's kinds of help needed (``Visit.need_kinds``), as checkboxes."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        for name in ("encoder", "decoder", "max_length"):
            kwargs.pop(name, None)
        kwargs["choices"] = HelpKind.choices
        kwargs["required"] = False
        super().__init__(**kwargs)


class VisitResourceForm(forms.ModelForm):
    """One resource linked on the visit form (the visit's station, client and date)."""

    class Meta:
        model = ResourceLink
        fields = ["kind", "description", "value", "source_kind", "source_name"]
        widgets = {"value": forms.NumberInput(attrs={"step": "0.01", "min": "0"})}
        # a row names its giver by source (the partner is chosen on the resource-link form)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].validators.append(MinValueValidator(0))  # shown on the row, before any save

    def _post_clean(self):
        pass  # services.resource_link_record validates it with the visit


VisitResourceFormSet = forms.formset_factory(VisitResourceForm, extra=1, max_num=10, validate_max=True)


class VisitOutingForm(ServiceFormMixin, forms.ModelForm):
    """The fast phone form: several clients of one outing, one save, one visit each."""

    clients = forms.ModelMultipleChoiceField(
        label=_("clients"), queryset=Client.objects.all(), widget=ClientPicker(),
        error_messages={"required": _("Pick at least one client.")},
    )

    class Meta:
        model = Visit
        fields = ["visited_on", "kind", "service_point", "workers", "findings", "needs", "need_kinds", "risk_level", "follow_up_on",
                  "tags"]
        widgets = {
            "visited_on": DateInput(), "follow_up_on": DateInput(), "workers": forms.CheckboxSelectMultiple(),
            "findings": forms.Textarea(attrs={"rows": 2}), "needs": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"need_kinds": NeedKindsField}

    field_order = ["clients", "visited_on", "kind", "service_point", "workers", "findings", "needs", "need_kinds",
                   "risk_level", "follow_up_on", "tags"]

    TOKEN_FIELD = "form_token"
    TOKEN_SALT = "services.forms.visit-form-token"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate()
        # A one-time token: the same form posted twice (double click, two tabs) saves once.
        self.fields[self.TOKEN_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial[self.TOKEN_FIELD] = signing.dumps(uuid.uuid4().hex, salt=self.TOKEN_SALT)
        self.visits = []
        # resources linked on this visit, inline (one client's visit only)
        # (a post without the rows, e.g. from a script or an older page, links none)
        posted = self.is_bound and "resources-TOTAL_FORMS" in self.data
        self.resources = VisitResourceFormSet(self.data if posted else None, prefix="resources")

    def resource_rows(self):
        """The inline resource rows someone filled in (an untouched row is not a resource)."""
        if not self.resources.is_bound:
            return []
        return [row.cleaned_data for row in self.resources.forms if row.has_changed() and row.cleaned_data]

    def clean_form_token(self):
        stamp = self.cleaned_data.get(self.TOKEN_FIELD)
        if not stamp:  # a post without the token (a script) is not checked
            return ""
        try:
            return signing.loads(stamp, salt=self.TOKEN_SALT)
        except signing.BadSignature:
            # on the form, not on the hidden field (whose errors a page does not show)
            self.add_error(None, _("This form is out of date. Open it again and redo your entry."))
            return ""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        if self.resources.is_bound and not self.resources.is_valid():
            self.add_error(None, _("Correct the resource rows below."))
            return
        data = self.cleaned_data
        try:
            self.visits = services.visit_outing_record(
                clients=data["clients"], user=self.user, form_token=data.get(self.TOKEN_FIELD, ""),
                visited_on=data["visited_on"], kind=data["kind"],
                workers=data.get("workers") or [], findings=data.get("findings", ""), needs=data.get("needs", ""),
                need_kinds=data.get("need_kinds") or [],
                risk_level=data.get("risk_level", ""), follow_up_on=data.get("follow_up_on"),
                tags=data.get("tags") or [], resources=self.resource_rows(),
                service_point=data.get("service_point"),
            )
        except ValidationError as error:
            add_validation_error(self, error)

    def save(self, commit=True):
        return self.visits


class VisitForm(OptimisticLockFormMixin, ServiceModelForm):
    class Meta:
        model = Visit
        fields = ["visited_on", "kind", "service_point", "workers", "findings", "needs", "need_kinds", "risk_level", "follow_up_on",
                  "tags"]
        widgets = VisitOutingForm.Meta.widgets
        field_classes = VisitOutingForm.Meta.field_classes

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = self.fields["workers"].queryset.filter(station=self.instance.station_id)

    def write(self):
        return services.visit_update(visit=self.instance, expected=self.loaded_state, **self.form_data())


class FollowUpForm(OptimisticLockFormMixin, ServiceModelForm):
    """Plan a visit (or move an open follow-up): client, date, kind, worker, note."""

    client = forms.ModelChoiceField(label=_("client"), queryset=Client.objects.all(), widget=SingleClientPicker())

    class Meta:
        model = FollowUp
        fields = ["client", "due_on", "kind", "worker", "note"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = self.fields["worker"].queryset.workers().select_related("station")
        staff = getattr(self.user, "staff", None)
        if not self.instance.pk and staff is not None and staff.station_id:
            self.fields["worker"].initial = staff.pk

    def write(self):
        data = self.form_data()
        if self.instance.pk:
            return services.follow_up_update(follow_up=self.instance, expected=self.loaded_state, **data)
        return services.follow_up_plan(user=self.user, **data)


class ResourceLinkForm(OptimisticLockFormMixin, ServiceModelForm):
    """A resource linked to a client and to one of their visits, a case or an activity (each
    offered within the user's scope; the service checks they are of the link's station)."""

    client = forms.ModelChoiceField(label=_("client"), queryset=Client.objects.all(), widget=SingleClientPicker(),
                                    required=False)

    class Meta:
        model = ResourceLink
        fields = ["station", "linked_on", "kind", "description", "value", "partner", "source_kind", "source_name",
                  "client", "visit", "case", "activity"]
        widgets = {"linked_on": DateInput(), "value": forms.NumberInput(attrs={"step": "0.01", "min": "0"})}

    RECENT_DAYS = 92  # the visit dropdown offers the last three months' visits (and the linked one)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = self.fields["case"].queryset.exclude(stage=CaseStage.CLOSED)
        since = timezone.localdate() - timezone.timedelta(days=366)
        self.fields["activity"].queryset = self.fields["activity"].queryset.filter(held_on__gte=since)
        recent = timezone.localdate() - timezone.timedelta(days=self.RECENT_DAYS)
        keep = self.instance.visit_id or self.initial.get("visit")
        visits = self.fields["visit"].queryset.select_related("client")
        self.fields["visit"].queryset = (visits.filter(visited_on__gte=recent) | visits.filter(pk=keep or 0)
                                         ).order_by("-visited_on", "-id")
        self.fields["visit"].label_from_instance = lambda visit: f"{visit.visited_on:%Y-%m-%d} {visit.client.name}"
        keep_partner = self.instance.partner_id or self.initial.get("partner") or 0
        partners = self.fields["partner"].queryset
        self.fields["partner"].queryset = (partners.filter(is_active=True) | partners.filter(pk=keep_partner)
                                           ).order_by("kind", "name")
        # a link names its partner; the free-text source is for a giver outside the ledger
        self.fields["source_kind"].required = self.fields["source_name"].required = False

    def write(self):
        data = self.form_data()
        data["station"] = self.chosen_station()
        if self.instance.pk:
            return services.resource_link_update(link=self.instance, expected=self.loaded_state, **data)
        return services.resource_link_record(**data)


class CaseForm(OptimisticLockFormMixin, ServiceModelForm):
    class Meta:
        model = Case
        fields = ["station", "title", "intake_on", "manager", "clients", "problem", "goals"]
        widgets = {"intake_on": DateInput(), "clients": ClientPicker(), "problem": forms.Textarea(attrs={"rows": 3}),
                   "goals": forms.Textarea(attrs={"rows": 3})}

    def write(self):
        data = self.form_data()
        data["station"] = self.chosen_station()
        if self.instance.pk:
            return services.case_update(case=self.instance, expected=self.loaded_state, **data)
        return services.case_open(user=self.user, **data)


class CaseTransitionForm(ServiceFormMixin, forms.Form):
    to_stage = forms.ChoiceField(label=_("next stage"), choices=CaseStage.choices)
    on = forms.DateField(label=_("date"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    closure_reason = forms.ChoiceField(label=_("closure reason"), required=False,
                                       choices=[("", "---------")] + list(Case._meta.get_field("closure_reason").choices))
    closure_note = forms.CharField(label=_("closure summary"), widget=forms.Textarea(attrs={"rows": 2}),
                                   required=False)
    # The lock's signed stamp of the stage the page showed: a move based on a stage someone
    # else has changed since is refused (the core's lock, as on every edit form).
    loaded_state = forms.CharField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        # closing goes through "close the case" (a request the station head or the supervisor approves)
        allowed = CASE_TRANSITIONS[CaseStage(case.stage)] - ({CaseStage.CLOSED} if case.is_open else set())
        self.fields["to_stage"].choices = [(s.value, s.label) for s in CaseStage if s in allowed]
        self.fields["loaded_state"].initial = signing.dumps(record_state(case, ["stage"]),
                                                           salt=OptimisticLockFormMixin.LOCK_SALT)

    def clean(self):
        cleaned = super().clean()
        stamp = cleaned.pop("loaded_state", "") if not self.errors else ""
        try:
            self.expected = signing.loads(stamp, salt=OptimisticLockFormMixin.LOCK_SALT) if stamp else None
        except signing.BadSignature:
            self.expected = None
            self.add_error(None, _("This form is out of date. Open the record again and redo your change."))
        return cleaned

    def save(self):
        """The transition (``services.case_transition``), checked against the stage the page
        showed; its ValidationError reaches the view."""
        return services.case_transition(case=self.case, user=self.user, expected=self.expected, **self.cleaned_data)


class CaseNoteForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = CaseNote
        fields = ["noted_on", "goal", "text"]
        widgets = {"noted_on": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["goal"].queryset = CaseGoal.objects.filter(case=case)  # a progress note on one goal

    def _post_clean(self):
        pass  # the service validates the note when the view saves it

    def save(self, commit=True):
        author = getattr(self.user, "staff", None)
        if author is not None and author.station_id != self.case.station_id:
            author = None
        return services.case_note_add(case=self.case, author=author, **self.cleaned_data)


class CaseChildForm(ServiceFormMixin, forms.ModelForm):
    """A form posted from the case page that adds a record of the case (a goal, a task)."""

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def _post_clean(self):
        pass  # the service validates it when the view saves it


class CaseGoalForm(CaseChildForm):
    class Meta:
        model = CaseGoal
        fields = ["description", "target", "review_on"]
        widgets = {"review_on": DateInput()}

    def save(self, commit=True):
        return services.case_goal_add(case=self.case, **self.cleaned_data)


class CaseTaskForm(CaseChildForm):
    class Meta:
        model = CaseTask
        fields = ["description", "owner", "due_on", "goal"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["owner"].queryset = Staff.objects.workers().filter(station=case.station_id)
        self.fields["owner"].initial = case.manager_id
        self.fields["goal"].queryset = CaseGoal.objects.filter(case=case)

    def save(self, commit=True):
        return services.case_task_add(case=self.case, **self.cleaned_data)


class CaseGoalEditForm(OptimisticLockFormMixin, ServiceModelForm):
    class Meta:
        model = CaseGoal
        fields = ["description", "target", "review_on", "met_on"]
        widgets = {"review_on": DateInput(), "met_on": DateInput()}

    def write(self):
        return services.case_goal_update(goal=self.instance, expected=self.loaded_state, **self.form_data())


class CaseTaskEditForm(OptimisticLockFormMixin, ServiceModelForm):
    class Meta:
        model = CaseTask
        fields = ["description", "owner", "due_on", "done_on", "goal"]
        widgets = {"due_on": DateInput(), "done_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Staff.objects.workers().filter(station=self.instance.case.station_id)
        self.fields["goal"].queryset = CaseGoal.objects.filter(case=self.instance.case_id)

    def write(self):
        return services.case_task_update(task=self.instance, expected=self.loaded_state, **self.form_data())


class CasePlanSubmitForm(ServiceFormMixin, forms.Form):
    review_on = forms.DateField(label=_("plan review date"), widget=DateInput(), required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["review_on"].initial = case.plan_review_on

    def save(self):
        return services.case_plan_submit(case=self.case, user=self.user, review_on=self.cleaned_data["review_on"])


class CaseCloseForm(ServiceFormMixin, forms.Form):
    """Close a case from any stage, with a reason; the station head's or the supervisor's own
    request closes it, anyone else's waits for their approval."""

    closure_reason = forms.ChoiceField(label=_("closure reason"), choices=CaseClosureReason.choices)
    on = forms.DateField(label=_("date"), widget=DateInput(), initial=timezone.localdate)
    closure_note = forms.CharField(label=_("closure summary"), widget=forms.Textarea(attrs={"rows": 2}),
                                   required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def save(self):
        return services.case_close_request(case=self.case, user=self.user, **self.cleaned_data)


class CaseTransferForm(ServiceFormMixin, forms.Form):
    to_manager = forms.ModelChoiceField(label=_("hand the case to"), queryset=Staff.objects.none())
    note = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["to_manager"].queryset = (Staff.objects.workers().filter(station=case.station_id)
                                              .exclude(pk=case.manager_id))

    def save(self):
        return services.case_transfer(case=self.case, user=self.user, **self.cleaned_data)


class GroupForm(OptimisticLockFormMixin, ServiceModelForm):
    class Meta:
        model = Group
        fields = ["station", "service_point", "theme", "created_on", "leader", "planned_sessions", "goals", "members",
                  "tags"]
        widgets = {"created_on": DateInput(), "members": ClientPicker(), "goals": forms.Textarea(attrs={"rows": 3})}

    def write(self):
        data = self.form_data()
        data["station"] = self.chosen_station()
        if self.instance.pk:
            data.pop("station")
            return services.group_update(group=self.instance, expected=self.loaded_state, **data)
        return services.group_create(**data)


class GroupSessionForm(ServiceFormMixin, forms.ModelForm):
    class Meta:
        model = GroupSession
        fields = ["held_on", "topic", "attendance_count", "attendees", "notes"]
        widgets = {"held_on": DateInput(), "attendees": forms.CheckboxSelectMultiple(),
                   "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["attendees"].queryset = group.members.all()
        self.fields["attendees"].required = False

    def _post_clean(self):
        pass  # the service validates the session when the view saves it

    def save(self, commit=True):
        return services.group_session_record(group=self.group, **self.cleaned_data)


class ActivityForm(OptimisticLockFormMixin, ServiceModelForm):
    photo = forms.FileField(label=_("photo"), required=False,
                            validators=ActivityPhoto._meta.get_field("file").validators)
    photo_may_publish = forms.BooleanField(label=ActivityPhoto._meta.get_field("may_publish").verbose_name,
                                           help_text=ActivityPhoto._meta.get_field("may_publish").help_text,
                                           required=False)
    photo_shows_children = forms.BooleanField(label=ActivityPhoto._meta.get_field("shows_children").verbose_name,
                                              help_text=ActivityPhoto._meta.get_field("shows_children").help_text,
                                              required=False)

    class Meta:
        model = Activity
        fields = ["station", "service_point", "held_on", "title", "kind", "location", "participant_count", "workers",
                  "participants", "tags", "highlight"]
        widgets = {"held_on": DateInput(), "workers": forms.CheckboxSelectMultiple(), "participants": ClientPicker(),
                   "highlight": forms.Textarea(attrs={"rows": 3})}

    def write(self):
        data = self.form_data()
        photo = data.pop("photo", None)
        may_publish, shows_children = data.pop("photo_may_publish", False), data.pop("photo_shows_children", False)
        data["station"] = self.chosen_station()
        if self.instance.pk:
            data.pop("station")
            activity = services.activity_update(activity=self.instance, expected=self.loaded_state, **data)
        else:
            activity = services.activity_record(**data)
        if photo:
            services.activity_photo_add(activity=activity, file=photo, may_publish=may_publish,
                                        shows_children=shows_children)
        return activity


class ActivityPhotoConsentForm(forms.Form):
    """Whether an activity photo may be published, and whether it shows children."""

    may_publish = forms.BooleanField(label=ActivityPhoto._meta.get_field("may_publish").verbose_name,
                                     help_text=ActivityPhoto._meta.get_field("may_publish").help_text, required=False)
    shows_children = forms.BooleanField(label=ActivityPhoto._meta.get_field("shows_children").verbose_name,
                                        help_text=ActivityPhoto._meta.get_field("shows_children").help_text,
                                        required=False)

    def __init__(self, *args, photo, user=None, **kwargs):
        super().__init__(*args, initial={"may_publish": photo.may_publish, "shows_children": photo.shows_children},
                         **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-check-input"


class ReferralForm(OptimisticLockFormMixin, ServiceModelForm):
    class Meta:
        model = Referral
        fields = ["station", "referred_on", "client", "case", "to_organisation", "reason", "status", "outcome",
                  "resolved_on"]
        widgets = {"referred_on": DateInput(), "resolved_on": DateInput(), "client": SingleClientPicker(),
                   "reason": forms.Textarea(attrs={"rows": 3}), "outcome": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            for name in ("status", "outcome", "resolved_on"):
                del self.fields[name]
        else:
            self.fields["client"].disabled = True

    def write(self):
        data = self.form_data()
        data["station"] = self.chosen_station()
        if self.instance.pk:
            data.pop("station")
            return services.referral_update(referral=self.instance, expected=self.loaded_state, **data)
        return services.referral_create(**data)


class DispatchForm(ServiceModelForm):
    class Meta:
        model = Dispatch
        fields = ["station", "title", "source", "description", "deadline"]
        widgets = {"deadline": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].initial = DispatchSource.GRID_REPORT

    def write(self):
        return services.dispatch_send(user=self.user, **self.cleaned_data)


class DispatchReportForm(forms.Form):
    report = forms.CharField(label=_("report back"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class MonthlyReportSubmitForm(ScopedFormMixin, forms.Form):
    month = forms.DateField(label=_("month"), widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            input_formats=["%Y-%m", "%Y-%m-%d"])
    summary = forms.CharField(label=_("work summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, station, **kwargs):
        super().__init__(*args, **kwargs)
        self.station = station
        self.fields["month"].initial = services.previous_month()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.saved = services.monthly_report_submit(station=self.station, month=month_start(cleaned["month"]),
                                                        user=self.user, summary=cleaned.get("summary", ""))
        except ValidationError as error:
            add_validation_error(self, error)
        return cleaned


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                              required=False)


def user_station(user):
    """The one station of a station user, else None."""
    scope = scope_for(user)
    if scope.station_ids is not None and len(scope.station_ids) == 1:
        return Station.objects.get(pk=next(iter(scope.station_ids)))
    return None



class CampaignTagForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = CampaignTag
        fields = ["name", "description", "is_active"]

    def save(self, commit=True):
        return services.campaign_tag_save(tag=self.instance, expected=self.loaded_state)


class VolunteerForm(OptimisticLockFormMixin, ServiceModelForm):
    """A volunteer (志愿者) of a station: a station's staff register their own."""

    class Meta:
        model = Volunteer
        fields = ["station", "name", "gender", "kind", "organisation", "skills", "phone", "is_active"]

    def write(self):
        for name, value in self.form_data().items():
            setattr(self.instance, name, value)
        self.instance.station = self.chosen_station()
        return services.volunteer_save(volunteer=self.instance, expected=self.loaded_state)


class VolunteerServiceForm(OptimisticLockFormMixin, ServiceModelForm):
    """A volunteer's service on one day, with its hours, optionally at one activity, group
    session or visit of their station (the activity page's "record volunteers" opens it with the
    activity chosen)."""

    RECENT_DAYS = 92  # like the resource form: the last three months' visits and sessions (and the linked one)

    class Meta:
        model = VolunteerService
        fields = ["volunteer", "served_on", "hours", "activity", "group_session", "visit", "description"]
        widgets = {"served_on": DateInput(), "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5",
                                                                               "max": "24"}),
                   "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.instance.volunteer_id or self.initial.get("volunteer")
        volunteers = self.fields["volunteer"].queryset.select_related("station")
        self.fields["volunteer"].queryset = (volunteers.filter(is_active=True) | volunteers.filter(pk=keep or 0)
                                             ).order_by("name", "pk")
        recent = timezone.localdate() - timezone.timedelta(days=self.RECENT_DAYS)
        for name, date_field in (("activity", "held_on"), ("group_session", "held_on"), ("visit", "visited_on")):
            keep = getattr(self.instance, f"{name}_id", None) or self.initial.get(name)
            records = self.fields[name].queryset
            self.fields[name].queryset = (records.filter(**{f"{date_field}__gte": recent}) | records.filter(pk=keep or 0)
                                          ).order_by(f"-{date_field}", "-pk")
        self.fields["visit"].queryset = self.fields["visit"].queryset.select_related("client")
        self.fields["visit"].label_from_instance = lambda visit: f"{visit.visited_on:%Y-%m-%d} {visit.client.name}"
        self.fields["group_session"].queryset = self.fields["group_session"].queryset.select_related("group")
        self.fields["activity"].label_from_instance = lambda a: f"{a.held_on:%Y-%m-%d} {a.title}"

    def write(self):
        for name, value in self.form_data().items():
            setattr(self.instance, name, value)
        return services.volunteer_service_save(service=self.instance, expected=self.loaded_state)
