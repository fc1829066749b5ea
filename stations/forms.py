from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.forms import DateInput, OptimisticLockFormMixin, ScopedFormMixin

from . import services
from .choices import STATION_ROLES, OrganisationKind, RegionLevel, Role
from .models import Certificate, Organisation, Region, ServicePoint, Staff, Station


class StationForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Station
        fields = [
            "name", "short_name", "town", "operator", "address", "phone", "opened_on", "closed_on",
            "brand", "brand_description",
            "has_sign", "has_staff", "has_mechanism", "has_process", "has_project",
            "std_construction", "std_management", "std_refined", "std_professional", "std_venues",
        ]
        widgets = {"opened_on": DateInput(), "closed_on": DateInput(), "brand_description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        towns = Region.objects.filter(level=RegionLevel.TOWN).select_related("parent")
        scope_counties = None
        if self.user is not None and not self.user.is_superuser:
            from portal.scoping import scope_for

            scope_counties = scope_for(self.user).county_ids
        if scope_counties is not None:
            towns = towns.filter(parent__in=sorted(scope_counties))
        if self.user is not None and getattr(getattr(self.user, "staff", None), "role", None) in STATION_ROLES:
            self.fields["town"].disabled = True  # a station head edits the profile, not where it is
            towns = Region.objects.filter(pk=self.instance.town_id)
        self.fields["town"].queryset = towns
        self.fields["operator"].queryset = Organisation.objects.filter(kind=OrganisationKind.PROVIDER)

    def save(self, commit=True):
        return services.station_save(station=self.instance, expected=self.loaded_state)


class OrganisationForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "region", "credit_code", "contact", "phone", "address", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_region_id = self.instance.region_id if self.instance.pk else None
        if self.user is not None:
            self.fields["region"].queryset = services.governed_regions(self.user)

    def clean(self):
        cleaned = super().clean()
        if self.user is not None:
            for name, message in services.reach_errors(self.user, region=cleaned.get("region"),
                                                       current_region_id=self.current_region_id).items():
                self.add_error(name if name in self.fields else None, message)
        return cleaned

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        if code and len(code) != 18:
            raise ValidationError(_("A unified social credit code has 18 characters."))
        return code

    def save(self, commit=True):
        return services.organisation_save(organisation=self.instance, expected=self.loaded_state)


class StaffForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """Create or edit a staff member and their login account (bureau administrators)."""

    username = forms.RegexField(
        label=_("username"), regex=r"^[A-Za-z0-9_.@-]{3,30}$", max_length=30,
        error_messages={"invalid": _("Use 3 to 30 letters, digits or . _ @ -")},
    )
    password = forms.CharField(label=_("password"), widget=forms.PasswordInput, required=False,
                               help_text=_("At least 10 characters mixing three of: lower case, upper case, digits, symbols."))

    class Meta:
        model = Staff
        fields = ["name", "role", "organisation", "station", "phone", "active_from", "active_to"]
        widgets = {"active_from": DateInput(), "active_to": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["username"].initial = self.instance.user.username
            self.fields["username"].disabled = True
            self.fields["password"].help_text = _("Leave empty to keep the current password.")
        else:
            self.fields["password"].required = True
        if self.user is not None and not self.user.is_superuser:
            # nobody hands out a role above their own county's reach
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.CITY_VIEWER]

    def clean_username(self):
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["username"]
        if not self.instance.pk and get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is already taken."))
        return username

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not phone.replace("-", "").isdigit():
            raise ValidationError(_("Enter a phone number with digits only."))
        return phone

    def clean(self):
        cleaned = super().clean()
        role, station = cleaned.get("role"), cleaned.get("station")
        if role in STATION_ROLES and not station:
            self.add_error("station", _("Station heads and social workers must belong to a station."))
        if role and role not in STATION_ROLES and station:
            self.add_error("station", _("Only station heads and social workers belong to a station."))
        if self.user is not None:
            for name, message in services.reach_errors(self.user, organisation=cleaned.get("organisation"),
                                                       role=role).items():
                if name not in self._errors:
                    self.add_error(name, message)
        password = cleaned.get("password")
        if password:
            from django.contrib.auth import get_user_model, password_validation

            probe = self.instance.user if self.instance.pk else get_user_model()(username=cleaned.get("username", ""))
            try:
                password_validation.validate_password(password, probe)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned

    def _post_clean(self):
        # Staff.clean() needs a user; the service creates it, so model validation runs there.
        pass

    def save(self, commit=True):
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        if self.instance.pk:
            staff = services.staff_update(staff=self.instance, expected=self.loaded_state, **data)
            if self.cleaned_data.get("password"):
                services.staff_set_password(staff=staff, password=self.cleaned_data["password"])
            return staff
        return services.staff_create(username=self.cleaned_data["username"], password=self.cleaned_data["password"], **data)


class CertificateForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """A worker's qualification certificate (社会工作者职业资格证书): their hours requirement and
    the incentives are computed from it."""

    class Meta:
        model = Certificate
        fields = ["staff", "level", "number", "issued_on"]
        widgets = {"issued_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = self.fields["staff"].queryset.workers().select_related("station")
        self.fields["staff"].label_from_instance = lambda s: f"{s.name}（{s.station.short_name}）"

    def save(self, commit=True):
        return services.certificate_save(certificate=self.instance, expected=self.loaded_state)


class ServicePointForm(OptimisticLockFormMixin, ScopedFormMixin, forms.ModelForm):
    """A village or community service point (村/社区社工室): a station's own staff add them to
    their station; the bureau administrator chooses the station."""

    class Meta:
        model = ServicePoint
        fields = ["station", "name", "kind", "region", "address", "opened_on", "staff", "liaison_name",
                  "liaison_phone", "is_active"]
        widgets = {"opened_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = getattr(self.user, "staff", None)
        if staff is not None and staff.station_id:
            self.fields["station"].initial = staff.station_id
            self.fields["station"].disabled = True
        elif self.instance.pk:
            self.fields["station"].disabled = True  # a point does not move to another station
        station_id = self.instance.station_id or (staff.station_id if staff is not None else None)
        regions = Region.objects.filter(level=RegionLevel.VILLAGE)
        workers = self.fields["staff"].queryset.workers()
        if station_id:
            regions = regions.filter(parent__station=station_id)
            workers = workers.filter(station=station_id)
        else:
            regions = regions.filter(parent__station__in=self.fields["station"].queryset)
        self.fields["region"].queryset = regions
        self.fields["staff"].queryset = workers.select_related("station")

    def save(self, commit=True):
        return services.service_point_save(point=self.instance, expected=self.loaded_state)
