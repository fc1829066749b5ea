"""Serializer base classes: scoped related ids and the optimistic-lock ``version``."""

import json

from django.db.models import Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.utils.encoders import JSONEncoder

from .. import locking as services


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id the caller may see; anything else is 'does not exist', like a 404."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is not None and hasattr(queryset, "visible_to"):
            return queryset.visible_to(request.user)
        return queryset


# DRF's model serializer, whose read-only choice fields admit every value the column holds (a
# comment, not a docstring: drf-spectacular would show a docstring on every serializer's schema).
# DRF drops ``allow_blank`` from a read-only field, so the schema's enum of a column with
# ``blank=True`` (a client's close reason, a case's closure reason: "" while open) would omit the
# "" every open record answers with. Every model serializer of the apps derives from this one
# (``tests/portal/test_api_schema.py`` checks it).
#
# Two rules for what comes in, the same for every resource:
# - *What the schema calls optional, the server can do without.* A model field with a default
#   (a visit's date and kind, an activity's date…) is optional in the schema (DRF derives it so);
#   on a create that does not send it, the model's default goes to the service (which takes its
#   arguments by keyword and would fail on a missing one), as the web form starts from it. A text
#   the model allows blank is "" when not sent.
# - *Nothing sent is silently dropped.* A field the resource does not have, a read-only field
#   (``sessions`` of a group: they have their own operation), a field that can only be set when
#   the record is created (``Meta.create_only_fields``, e.g. a client's ``new_categories``) or
#   only by a later edit (``Meta.update_only_fields``) sent where it is not taken answers 400
#   naming it, and nothing is written. A read-only field sent
#   back unchanged (a PUT of what a GET answered) is accepted: it changes nothing.
NOT_INPUT = {"csrfmiddlewaretoken"}  # the browsable API's HTML form posts its CSRF token with the fields
UNKNOWN_FIELD = _("This field does not exist here; nothing was saved. The fields this operation takes are "
                  "listed in the API schema.")
READ_ONLY_FIELD = _("This field is read-only here and cannot be changed through this operation; nothing was saved.")
CREATE_ONLY_FIELD = _("This field can only be set when the record is created; nothing was saved.")
UPDATE_ONLY_FIELD = _("This field cannot be set when the record is created (it is set later, by an edit); "
                      "nothing was saved.")


class ModelSerializer(serializers.ModelSerializer):
    def to_internal_value(self, data):
        if isinstance(data, dict):
            self._refuse_dropped_input(data)
        attrs = super().to_internal_value(data)
        if self.instance is None and not self.partial:
            for source, value in self._model_defaults(attrs).items():
                attrs.setdefault(source, value)
        return attrs

    def _refuse_dropped_input(self, data):
        fields = self.fields
        create_only = set(getattr(self.Meta, "create_only_fields", ()))
        update_only = set(getattr(self.Meta, "update_only_fields", ()))
        errors, self._read_back = {}, None
        for name, value in data.items():
            field = fields.get(name)
            if name in NOT_INPUT:
                continue
            if field is None:
                errors[name] = [UNKNOWN_FIELD]
            elif field.read_only:
                if not self._unchanged(field, value):
                    errors[name] = [READ_ONLY_FIELD]
            elif name in create_only and self.instance is not None:
                if not self._unchanged(field, value):
                    errors[name] = [CREATE_ONLY_FIELD]
            elif name in update_only and self.instance is None:
                if value not in (None, "", [], {}):
                    errors[name] = [UPDATE_ONLY_FIELD]
        if errors:
            raise serializers.ValidationError(errors)

    def _unchanged(self, field, value):
        """A read-only value sent back as it was read (or empty on a create) changes nothing."""
        if self.instance is None or isinstance(self.instance, list | tuple) or not hasattr(self.instance, "pk"):
            return value in (None, "", [], {})
        if self._read_back is None:
            self._read_back = json.loads(json.dumps(self.to_representation(self.instance), cls=JSONEncoder))
        if field.field_name not in self._read_back:  # write-only: nothing to compare with
            return value in (None, "", [], {})
        return self._read_back.get(field.field_name) == value

    def _model_defaults(self, attrs):
        defaults = {}
        model_fields = {f.name: f for f in self.Meta.model._meta.get_fields()}
        for field in self.fields.values():
            column = model_fields.get(field.source)
            if field.read_only or field.source in attrs or column is None or not column.concrete:
                continue
            if column.is_relation:
                if column.null and not column.has_default():
                    defaults[field.source] = None
            elif column.has_default():
                defaults[field.source] = column.get_default()
            elif column.blank and column.empty_strings_allowed and not column.null:
                defaults[field.source] = ""
            elif column.null:
                defaults[field.source] = None
        return defaults

    def get_fields(self):
        fields = super().get_fields()
        columns = {f.name: f for f in self.Meta.model._meta.concrete_fields}
        for name, field in fields.items():
            column = columns.get(field.source or name)
            if column is not None and field.read_only and isinstance(field, serializers.ChoiceField):
                field.allow_blank = field.allow_blank or column.blank
                field.allow_null = field.allow_null or column.null
        return fields


# --- Optimistic locking ------------------------------------------------------------------
# The API's ``version`` of every editable record is the id of its newest audit-history row (0
# for a record that has none yet, e.g. bulk-loaded data). A PUT or PATCH must send it back
# (without it: 400 naming ``version``) and is checked by the same mechanism as the web forms:
# the values of that history row are the ``expected`` state handed to the service, which
# compares them with the row locked inside its transaction
# (``portal.locking.check_not_changed_since``). If someone saved in between, nothing is written
# and the answer (400) names each field they changed with its value now.

VERSION_REQUIRED = _("Send the version you read (the \"version\" of the record) with every PUT or PATCH. "
                     "发送修改时必须附上读取时的 version。")
VERSION_STALE = _("Someone else saved this record after you read it, so nothing was saved. "
                  "Read it again and redo your change.")


def history_version(model):
    """An annotation: the newest history id of each row (its ``version``; 0 without history)."""
    rows = model.history.model.objects.filter(id=OuterRef("pk")).order_by().values("id")
    return Coalesce(Subquery(rows.annotate(newest=Max("history_id")).values("newest")), Value(0))


def newest_version(instance):
    """The ``version`` of one record, read from its history (0 if it has none)."""
    newest = instance.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return newest or 0


class VersionedModelSerializer(ModelSerializer):
    """A model serializer with the optimistic-lock ``version`` (``history_version`` annotated
    by the viewset's queryset, or read here). Required on update (PUT and PATCH)."""

    version = serializers.IntegerField(
        source="history_version", required=False, allow_null=False, min_value=0, max_value=2**63 - 1,
        help_text=_("The version you read (the id of the record's newest change; 0 if it has never been "
                    "changed here). Required with PUT and PATCH: if someone else saved the record since, "
                    "the edit is refused (400, naming each field they changed with its value now) and "
                    "nothing is written. Ignored on create."),
    )

    def to_representation(self, instance):
        if "history_version" not in instance.__dict__:
            instance.history_version = newest_version(instance)
        return super().to_representation(instance)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "history_version" not in attrs:
            raise serializers.ValidationError({"version": [VERSION_REQUIRED]}, code="required")
        return attrs

    def _locked_fields(self):
        concrete = {f.name for f in self.Meta.model._meta.concrete_fields}
        return [f.source for f in self.fields.values() if not f.read_only and f.source in concrete]

    def expected_state(self, instance, validated_data):
        """The record's values at the ``version`` sent (popped from ``validated_data``): the
        ``expected`` state the service checks under its row lock. ``version`` 0 is the state of a
        record without history (as loaded by the viewset), and is stale once it has some."""
        version = validated_data.pop("history_version", None)
        fields = self._locked_fields()
        if version is None:
            if self.instance is not None:
                raise serializers.ValidationError({"version": [VERSION_REQUIRED]}, code="required")
            return None
        if version == 0:
            if instance.history.exists():
                raise serializers.ValidationError({"version": [VERSION_STALE]}, code="stale")
            return services.record_state(instance, fields)
        row = instance.history.filter(history_id=version).first()
        if row is None:
            raise serializers.ValidationError({"version": [_(
                "This is not a version of this record. Read the record again and send the version it shows.")]})
        return services.record_state(row.instance, fields)

    def save_checked(self, save):
        """Run ``save()``; a concurrent edit becomes a 400 naming the fields the other person changed."""
        try:
            obj = save()
        except services.ConcurrentEditError as error:
            raise serializers.ValidationError({"version": [VERSION_STALE], **error.message_dict}) from None
        obj.__dict__.pop("history_version", None)  # the response shows the new version
        return obj
