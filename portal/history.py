"""Audit history (SECURITY.md "Audit"): who changed a record, when, from which IP address,
and each changed field before → after.

django-simple-history keeps the rows. ``AuditHistory`` is ``HistoricalRecords`` whose rows
also carry the client IP (from ``HistoryRequestMiddleware``'s request); a model adopts it
with one line, ``history = AuditHistory()``, and ``makemigrations`` adds the column.
A detail page shows the rows with ``{% load audit %}{% record_history object %}``.

A model lists in ``history_masked_fields`` the fields whose values the history shows masked
(ID numbers, phone numbers): the history is read by everyone who may open the record.
"""

from dataclasses import dataclass, field

from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class AuditedHistoricalModel(models.Model):
    """The extra columns of every audited history row."""

    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        abstract = True


class AuditHistory(HistoricalRecords):
    """``HistoricalRecords`` whose rows also keep the IP address the change came from."""

    def __init__(self, *args, bases=(AuditedHistoricalModel,), **kwargs):
        super().__init__(*args, bases=bases, **kwargs)


@receiver(pre_create_historical_record, dispatch_uid="portal.history.record_ip")
def _record_ip(sender, history_instance, **kwargs):
    if not hasattr(history_instance, "ip_address"):
        return
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:
        history_instance.ip_address = request.META.get("REMOTE_ADDR") or None


TYPE_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def mask(value):
    """``410621199001011234`` → ``410621************`` (only an ID number's area code, nothing
    to rebuild it from); short values are hidden whole."""
    text = str(value)
    if len(text) >= 12:
        return text[:6] + "*" * (len(text) - 6)
    return "****" if text else ""


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class Entry:
    at: object
    kind: str
    kind_label: str
    user: object
    username: str
    role: str
    ip: str
    reason: str
    changes: list = field(default_factory=list)


def _tracked_fields(history_model):
    return [f for f in history_model.tracked_fields if f.editable and not f.many_to_many and f.name != "id"]


def _displayer(obj_model, fields, rows):
    """A function (field, raw value) → text, with foreign keys looked up once per field."""
    related = {}
    for f in fields:
        if f.is_relation:
            ids = {getattr(row, f.attname) for row in rows} - {None}
            related[f.attname] = f.related_model._base_manager.in_bulk(ids) if ids else {}
    masked = set(getattr(obj_model, "history_masked_fields", ()))

    def show(f, value):
        if value is None or value == "":
            return "—"
        if f.name in masked:
            return mask(value)
        if f.is_relation:
            target = related[f.attname].get(value)
            return str(target) if target is not None else f"#{value}"
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if hasattr(value, "isoformat"):
            if hasattr(value, "hour"):  # a time of day reads in Asia/Shanghai, never UTC
                return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%d %H:%M")
            return value.isoformat()
        return str(value)

    return show


def history_entries(obj, limit=50):
    """The record's last ``limit`` history rows, newest first, each with who, when, from
    where, and the fields it changed (before → after; a creation lists the values set)."""
    manager = getattr(obj, "history", None)
    if manager is None:
        return []
    rows = list(manager.select_related("history_user__staff").order_by("-history_date", "-history_id")[: limit + 1])
    if not rows:
        return []
    fields = _tracked_fields(type(rows[0]))
    attnames = [(f, f.attname) for f in fields]
    show = _displayer(type(obj), fields, rows)
    entries = []
    for index, row in enumerate(rows[:limit]):
        previous = rows[index + 1] if index + 1 < len(rows) else None
        changes = []
        for f, attname in attnames:
            after = getattr(row, attname)
            if row.history_type == "-":
                continue
            if previous is not None:
                before = getattr(previous, attname)
                if before == after:
                    continue
                changes.append(Change(f.name, str(f.verbose_name), show(f, before), show(f, after)))
            elif row.history_type == "+" and after not in (None, "", False):
                changes.append(Change(f.name, str(f.verbose_name), "", show(f, after)))
        user = row.history_user
        staff = getattr(user, "staff", None) if user is not None else None
        entries.append(Entry(
            at=row.history_date,
            kind=row.history_type,
            kind_label=str(TYPE_LABELS.get(row.history_type, row.history_type)),
            user=user,
            username=(staff.name if staff is not None else (user.get_username() if user is not None else "")),
            role=staff.get_role_display() if staff is not None else "",
            ip=getattr(row, "ip_address", None) or "",
            reason=row.history_change_reason or "",
            changes=changes,
        ))
    return entries
