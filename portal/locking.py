"""The optimistic lock: an edit never silently overwrites someone else's save."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# --- Optimistic locking ------------------------------------------------------------------
# An edit form carries the values the record had when it was opened (``record_state``); the
# save compares them with the row, locked, inside its transaction. If someone else saved in
# between, the save is refused with the fields that changed, never silently overwritten.


class ConcurrentEditError(ValidationError):
    """Someone else saved the record after it was opened; ``changes`` lists
    (field name, value when opened, value now) for every field they changed."""

    def __init__(self, changes, who=""):
        self.changes = changes
        messages = {}
        for name, _loaded, now in changes:
            messages[name] = [
                _("Changed by %(who)s after you opened this page; it is now: %(value)s") % {"who": who or _("someone else"),
                                                                                           "value": now or "—"}
            ]
        super().__init__(messages)


def record_state(instance, field_names):
    """The record's values of ``field_names`` as strings (what an edit form started from)."""
    opts = instance._meta
    return {name: opts.get_field(name).value_to_string(instance) for name in field_names}


def _display(instance, name):
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value is None or value == "":
        return ""
    if name in getattr(instance, "lock_private_fields", ()):
        # A value not every editor may read in full (an ID number): named, not shown.
        return _("(changed; open the record to see it)")
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def last_editor(instance):
    history = getattr(instance, "history", None)
    row = history.select_related("history_user__staff").order_by("-history_date").first() if history else None
    user = getattr(row, "history_user", None)
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    name = staff.name if staff is not None else user.get_username()
    return f"{name} ({timezone.localtime(row.history_date):%Y-%m-%d %H:%M})"


def concurrent_changes(instance, expected):
    """(field, value when opened, value now) of the fields whose stored value differs from
    ``expected``; ``instance`` is the current row."""
    if not expected:
        return []
    now = record_state(instance, expected.keys())
    return [(name, expected[name], _display(instance, name)) for name in expected if now[name] != expected[name]]


def check_not_changed_since(*, model, pk, expected):
    """Lock the row and refuse (``ConcurrentEditError``) if it changed since ``expected`` was read.
    Call inside the saving transaction."""
    if not expected or pk is None:
        return
    current = model._base_manager.select_for_update().get(pk=pk)
    changes = concurrent_changes(current, expected)
    if changes:
        raise ConcurrentEditError(changes, who=last_editor(current))


def locked_save(instance, *, expected=None):
    """The plain save of an edit under the lock: refuse if the row changed since ``expected`` was
    read, then validate and save. Call inside the service's transaction; a service with rules
    of its own checks them between ``check_not_changed_since`` and ``save`` instead."""
    check_not_changed_since(model=type(instance), pk=instance.pk, expected=expected)
    instance.full_clean()
    instance.save()
    return instance
