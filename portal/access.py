"""The core's hook into the access log, which ``accounts`` keeps: the core never imports it.

A generic view that exports, reveals or shows a sensitive record calls ``record``; the
accounts app's receiver writes the entry (``accounts.services.access_log_record``)."""

from django.dispatch import Signal

accessed = Signal()


def record(*, request, action, obj=None, object_repr="", result="ok"):
    """``action`` is an ``accounts.models.AccessLog.Action`` value ("export", "view", "reveal")."""
    accessed.send(sender=None, request=request, action=action, obj=obj, object_repr=object_repr, result=result)
