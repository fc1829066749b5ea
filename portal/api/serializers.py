"""Serializer base classes: scoped related ids and the optimistic-lock ``version``."""

from django.db.models import Max, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import locking as services


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id the caller may see; anything else is 'does not exist', like a 404."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is not None and hasattr(queryset, "visible_to"):
            return queryset.visible_to(request.user)
        return queryset


# --- Optimistic locking ------------------------------------------------------------------
# The API's ``version`` (as in the services and clients APIs) is, for the organisation layer,
# the id of the record's newest audit-history row. A PUT or PATCH that sends it back is checked
# by the same mechanism as the web forms: the values of that history row are the ``expected``
# state handed to the service, which compares them with the row locked inside its transaction
# (``services.check_not_changed_since``). If someone saved in between, nothing is written and
# the answer (400) names each field they changed. Without ``version`` the edit is not checked.

def history_version(model):
    """An annotation: the newest history id of each row (its ``version``)."""
    rows = model.history.model.objects.filter(id=OuterRef("pk")).order_by().values("id")
    return Subquery(rows.annotate(newest=Max("history_id")).values("newest"))


class VersionedModelSerializer(serializers.ModelSerializer):
    """A model serializer with the optimistic-lock ``version`` (``history_version`` annotated
    by the viewset's queryset, or read here)."""

    version = serializers.IntegerField(
        source="history_version", required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
        help_text=_("The version you read. Send it back with PUT or PATCH: if someone else saved the "
                    "record since, the edit is refused and nothing is written."),
    )

    def to_representation(self, instance):
        if "history_version" not in instance.__dict__:
            newest = instance.history.order_by("-history_id").values_list("history_id", flat=True).first()
            instance.history_version = newest
        return super().to_representation(instance)

    def _locked_fields(self):
        concrete = {f.name for f in self.Meta.model._meta.concrete_fields}
        return [f.source for f in self.fields.values() if not f.read_only and f.source in concrete]

    def expected_state(self, instance, validated_data):
        """The record's values at the ``version`` sent (popped from ``validated_data``), or None."""
        version = validated_data.pop("history_version", None)
        if version is None:
            return None
        row = instance.history.filter(history_id=version).first()
        if row is None:
            raise serializers.ValidationError({"version": [_(
                "This is not a version of this record. Read the record again and send the version it shows.")]})
        return services.record_state(row.instance, self._locked_fields())

    def save_checked(self, save):
        """Run ``save()``; a concurrent edit becomes a 400 naming the fields the other person changed."""
        try:
            obj = save()
        except services.ConcurrentEditError as error:
            raise serializers.ValidationError({
                "version": [_("Someone else saved this record after you read it, so nothing was saved. "
                              "Read it again and redo your change.")],
                **error.message_dict,
            }) from None
        obj.__dict__.pop("history_version", None)  # the response shows the new version
        return obj
