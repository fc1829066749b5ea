"""The filter framework: every list's FilterSet builds on ``SearchFilterSet`` (free text ``q``),
and dropdowns built on ``ListedChoiceFilter`` offer only the user's scope, in one query."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .forms import DateInput
from .html import text
from .scoping import crosses_to_many

FIRST_YEAR, LAST_YEAR = 1900, 2100


class YearField(forms.IntegerField):
    """A calendar year the database can hold: 0, -1, 10000 or 99999999999 is a field error
    (a 400 in the API, a message beside the filter on a page), never a 500."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(**kwargs)

    def clean_or_none(self, value):
        """The year, or None when ``value`` is empty or not a year."""
        try:
            return self.clean(value)
        except forms.ValidationError:
            return None


class YearFilter(django_filters.NumberFilter):
    field_class = YearField


class ScopedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A dropdown filter offering only the records the requesting user may see."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request is not None and hasattr(queryset, "visible_to"):
            return queryset.visible_to(request.user)
        return queryset


class _ListedChoiceIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.rows():
            yield obj if self.field.label_field else self.choice(obj)

    def __len__(self):
        return len(self.field.rows()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.rows())


class ListedModelChoiceField(forms.ModelChoiceField):
    """A dropdown of a few records, fetched once for both listing and validating the choice:
    one query per dropdown instead of two. ``offer(queryset)`` narrows what is listed (and so
    what is accepted)."""

    iterator = _ListedChoiceIterator
    offered = None
    _rows = None

    def __init__(self, *args, label_field=None, **kwargs):
        # With ``label_field`` the rows are (pk, label) pairs read with values_list, not model
        # instances (100 stations at city scale), and a choice cleans to an instance holding
        # just its pk and label: enough to filter by.
        self.label_field = label_field
        super().__init__(*args, **kwargs)

    def rows(self):
        if self._rows is None:
            queryset = self.offered if self.offered is not None else self.queryset
            if self.label_field:
                queryset = queryset.values_list("pk", self.label_field)
            self._rows = list(queryset)
        return self._rows

    def offer_rows(self, rows):
        """List (and accept) these (pk, label) pairs, already read elsewhere (``label_field``)."""
        self._rows = list(rows)

    def offer(self, queryset, empty_label=None):
        self.offered, self._rows = queryset, None
        if empty_label is not None:
            self.empty_label = empty_label
        self.widget.choices = self.choices

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = str(getattr(value, "pk", value))
        for obj in self.rows():
            if self.label_field:
                if str(obj[0]) == key:
                    return self.queryset.model(pk=obj[0], **{self.label_field: obj[1]})
            elif str(obj.pk) == key:
                return obj
        raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                    params={"value": value})


class ListedChoiceFilter(ScopedModelChoiceFilter):
    """A scoped dropdown filter listed and validated in one query."""

    field_class = ListedModelChoiceField


def _attrs(attrs):
    """HTML attributes as Django's attrs.html writes them (in order; True bare, False left out)."""
    return "".join(f" {name}" if value is True else f' {name}="{text(value)}"'
                   for name, value in attrs.items() if value is not False)


class FastSelect(forms.Select):
    """A <select> whose options are written in Python: Django renders each <option> through a
    template (~0.1 ms an option), which made a list page's filter form cost more than its SQL."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)  # option groups: Django's way
        selected = next(iter(self.format_value(value)), None)
        options = []
        for key, label in choices:
            key = "" if key is None else str(key)
            mark = " selected" if key == selected else ""
            options.append(f'<option value="{text(key)}"{mark}>{text(label)}</option>')
        return mark_safe(f'<select name="{text(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>'
                         f'{"".join(options)}</select>')


class _FastInputMixin:
    """An <input> written in Python, as Django's input.html template writes it."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        shown = "" if value is None else f' value="{text(value)}"'
        return mark_safe(f'<input type="{self.input_type}" name="{text(name)}"{shown}'
                         f'{_attrs(self.build_attrs(self.attrs, attrs))}>')


class FastTextInput(_FastInputMixin, forms.TextInput):
    pass


class FastDateInput(_FastInputMixin, DateInput):
    """A date filter with the browser's picker and a format hint, as every date of a form."""


class FastNumberInput(_FastInputMixin, forms.NumberInput):
    pass


FAST_WIDGETS = {forms.Select: FastSelect, forms.TextInput: FastTextInput, forms.DateInput: FastDateInput,
                forms.NumberInput: FastNumberInput}


def _fast_widget(filter_):
    """The Python-written twin of the widget ``filter_``'s form field would get, declared on the
    filter before its field is built (no widget changes class at run time)."""
    widget = filter_.extra.get("widget") or filter_.field_class.widget
    cls = widget if isinstance(widget, type) else type(widget)
    if cls not in FAST_WIDGETS:
        return None
    attrs = None if isinstance(widget, type) else widget.attrs
    return FAST_WIDGETS[cls](attrs=attrs)


class _HandsOnUnknown:
    """A yes/no widget that reads yes/no as its base does, but hands on a value it does not know
    (``?open=maybe``) instead of reading it as "any", so that the field refuses it."""

    KNOWN = {"", "unknown", "True", "true", "1", "2", "False", "false", "0", "3"}

    def value_from_datadict(self, data, files, name):
        raw = data.get(name)
        if isinstance(raw, str) and raw not in self.KNOWN:
            return raw
        return super().value_from_datadict(data, files, name)


class CheckedNullBooleanSelect(_HandsOnUnknown, forms.NullBooleanSelect):
    pass


class CheckedBooleanWidget(_HandsOnUnknown, django_filters.widgets.BooleanWidget):
    pass


class CheckedNullBooleanField(forms.NullBooleanField):
    """A yes/no filter: true/false (or empty for any); anything else is a 400 naming it."""

    widget = CheckedNullBooleanSelect

    def to_python(self, value):
        if isinstance(value, str) and value not in _HandsOnUnknown.KNOWN:
            raise forms.ValidationError(forms.ChoiceField.default_error_messages["invalid_choice"],
                                        code="invalid_choice", params={"value": value})
        return super().to_python(value)


class SearchFilterSet(django_filters.FilterSet):
    """Every filterset has ``q``: free text over ``search_fields``. Its form's widgets are
    written in Python (``FAST_WIDGETS``; bench row ``visits_list_page``: Django's template per
    <option> made a list page's filter form cost more than its SQL)."""

    search_fields: tuple = ()
    q = django_filters.CharFilter(method="search", label=_("Search"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.BooleanFilter) and filter_.field_class is forms.NullBooleanField:
                filter_.field_class = CheckedNullBooleanField  # ?open=maybe is refused, not read as "any"
                widget = filter_.extra.get("widget")
                if widget is django_filters.widgets.BooleanWidget or type(widget) is django_filters.widgets.BooleanWidget:
                    filter_.extra["widget"] = CheckedBooleanWidget(attrs=getattr(widget, "attrs", None))
            fast = _fast_widget(filter_)
            if fast is not None:
                filter_.extra["widget"] = fast

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            for field in form.fields.values():
                widget = field.widget
                css = "form-select form-select-sm" if hasattr(widget, "choices") else "form-control form-control-sm"
                widget.attrs.setdefault("class", css)
                if isinstance(widget, forms.NullBooleanSelect):
                    # "Unknown" (未知) read as a value; an unset yes/no filter reads like the others.
                    widget.choices = [("unknown", "---------"), *widget.choices[1:]]
            form._styled = True
        return form

    @property
    def narrowing(self):
        """How many filters other than the search are set: a phone's folded filter form says so
        on its toggle, and opens by itself when one is wrong."""
        if not self.is_bound:
            return 0
        form = self.form
        return sum(1 for name in form.fields
                   if name != "q" and form[name].value() not in (None, "", "unknown", [], ()))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        model = queryset.model
        if any(crosses_to_many(model, field) for field in self.search_fields):
            # a row could match through several related rows: filter by id, never repeat it
            return queryset.filter(pk__in=model._base_manager.filter(query).values("pk"))
        return queryset.filter(query)
