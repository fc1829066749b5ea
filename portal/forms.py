"""Form base classes every app's forms build on: scoped dropdowns, the optimistic lock, dates."""

import copy

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import locking as services


def add_validation_error(form, error):
    """Show a service's ``ValidationError`` on ``form``: each message on the field it names when
    the form has that field, above the form (non-field errors) otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.error_list)


class ScopedFormMixin:
    """Form dropdowns offer only what the user can see: every model choice field whose
    queryset has ``visible_to`` is narrowed to the user's scope."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if user is not None and queryset is not None and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)
            if isinstance(field.widget, (forms.Select, forms.TextInput, forms.NumberInput, forms.EmailInput,
                                         forms.DateInput, forms.Textarea, forms.PasswordInput)):
                field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")


class OptimisticLockFormMixin:
    """Edit forms that never silently overwrite someone else's save.

    The form carries, signed in a hidden field, the values its model fields had when it was
    opened. ``clean`` compares them with the row: if someone saved in between, nothing is
    saved and each field they changed gets a message with its new value. A field this user
    left alone takes their value in the re-shown form; a field both changed keeps this
    user's entry. The hidden field then holds the current values, so saving again (after
    reading the difference) is a deliberate choice. The service re-checks under a row lock
    inside the saving transaction (``services.check_not_changed_since``); pass it
    ``expected=form.loaded_state``.
    """

    LOCK_FIELD = "loaded_state"
    LOCK_SALT = "stations.forms.optimistic-lock"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.LOCK_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.instance.pk:
            self.initial[self.LOCK_FIELD] = self._sign(self.instance)
        self.loaded_state = None

    def _locked_fields(self):
        opts = self._meta.model._meta
        names = [f.name for f in opts.concrete_fields]
        return [name for name in self._meta.fields if name in names]

    def _entered(self, current, name):
        """What this user submitted for ``name``, in ``record_state`` form."""
        probe = copy.copy(current)
        setattr(probe, name, self.cleaned_data.get(name))
        return services.record_state(probe, [name])[name]

    def _put(self, name, current):
        """Show the current row's value of ``name`` in the re-rendered form."""
        key = self.add_prefix(name)
        value = forms.models.model_to_dict(current, fields=[name]).get(name)
        if isinstance(value, bool):
            if value:
                self.data[key] = "on"
            else:
                self.data.pop(key, None)
        else:
            self.data[key] = "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)

    def _sign(self, instance):
        return signing.dumps(services.record_state(instance, self._locked_fields()), salt=self.LOCK_SALT)

    def clean(self):
        cleaned = super().clean()
        stamp = cleaned.get(self.LOCK_FIELD)
        if not self.instance.pk or not stamp:  # a post without the stamp (a script) is not checked
            return cleaned
        try:
            self.loaded_state = signing.loads(stamp, salt=self.LOCK_SALT)
        except signing.BadSignature:
            self.loaded_state = None
            raise ValidationError(_("This form is out of date. Open the record again and redo your change.")) from None
        current = self._meta.model._base_manager.get(pk=self.instance.pk)
        changes = services.concurrent_changes(current, self.loaded_state)
        now_state = services.record_state(current, self.loaded_state.keys())
        # A field both changed to the same value is no conflict.
        changes = [c for c in changes if c[0] not in self.fields or self._entered(current, c[0]) != now_state[c[0]]]
        if not changes:
            self.loaded_state = now_state
        else:
            who = services.last_editor(current) or _("someone else")
            self.data = self.data.copy()
            for name, loaded, now in changes:
                if name not in self.fields or name in self._errors:
                    continue
                if self._entered(current, name) == loaded:
                    # They changed a field this user left alone: the form takes their value,
                    # so that saving again cannot quietly undo it.
                    self._put(name, current)
                    self.add_error(name, _("Changed by %(who)s after you opened this page to: %(value)s. "
                                           "The form now shows their value.") % {"who": who, "value": now or "—"})
                else:
                    self.add_error(name, _("Changed by %(who)s after you opened this page to: %(value)s. "
                                           "You entered something else: saving again keeps yours.")
                                   % {"who": who, "value": now or "—"})
            self.add_error(None, _("Someone else saved this record after you opened it: nothing was saved. "
                                   "Check the fields marked below, then save again."))
            # Saving again now means "I have seen their change": start from the current row.
            self.data[self.add_prefix(self.LOCK_FIELD)] = self._sign(current)
        return cleaned


class DateInput(forms.DateInput):
    """A date with the browser's own picker (``type=date``, the value in ISO form). The form
    templates write a format hint under it (``<id>_format``, for a browser without a picker),
    which is the input's description."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        if attrs.get("id"):
            attrs.setdefault("aria-describedby", f"{attrs['id']}_format")
        return attrs
