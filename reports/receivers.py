"""Keep the rollup (``reports.models.StationPeriodFigures``) honest: every save or delete of a
record that feeds the figures marks the (station, month) and (station, year) cells it touched —
before and after the change, so a visit moved to another month or station fixes both — dirty,
in the same transaction as the write. ``reports.figures`` recomputes dirty cells on read.

The reports app listens to the services, clients and training models; they never import reports.
Bulk writes that bypass signals (``bulk_create``, ``QuerySet.update``) must be followed by
``manage.py refresh_figures`` (``seed_demo`` does it through ``reports/demo.py``).
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from clients.models import CategoryMembership
from services.models import (
    Activity,
    Case,
    CaseNote,
    Group,
    GroupSession,
    ResourceLink,
    Visit,
    VolunteerService,
)
from training.models import StationEvaluation, Supervision

from .figures import mark_dirty


def _station_of(model, pk):
    return model._base_manager.filter(pk=pk).values_list("station", flat=True).first()


def _visit(visit):
    return {(visit.station_id, visit.visited_on)}


def _resource_link(link):
    return {(link.station_id, link.linked_on)}


def _activity(activity):
    return {(activity.station_id, activity.held_on)}


def _case(case):
    touched = {(case.station_id, case.intake_on)}
    if case.pk:
        touched |= {(case.station_id, day) for day in
                    CaseNote._base_manager.filter(case=case.pk).values_list("noted_on", flat=True).distinct()}
    return touched


def _case_note(note):
    return {(_station_of(Case, note.case_id), note.noted_on)}


def _group(group):
    if not group.pk:
        return set()
    days = GroupSession._base_manager.filter(group=group.pk).values_list("held_on", flat=True).distinct()
    return {(group.station_id, day) for day in days}


def _group_session(session):
    station_id = _station_of(Group, session.group_id)
    first = GroupSession._base_manager.filter(group=session.group_id).order_by("held_on").values_list(
        "held_on", flat=True).first()
    # The group's first session decides which month counts the group (groupwork).
    return {(station_id, session.held_on), (station_id, first)}


def _supervision(supervision):
    return {(supervision.station_id, supervision.supervised_on)}


def _evaluation(evaluation):
    return {(evaluation.station_id, evaluation.evaluated_on)}


def _volunteer_service(service):
    return {(service.station_id, service.served_on)}


def _membership(membership):
    visits = Visit._base_manager.filter(client=membership.client_id, visited_on__gte=membership.start_on)
    if membership.end_on:
        visits = visits.filter(visited_on__lte=membership.end_on)
    return set(visits.values_list("station", "visited_on").distinct())


TRACKED = {
    Visit: _visit,
    ResourceLink: _resource_link,
    Activity: _activity,
    Case: _case,
    CaseNote: _case_note,
    Group: _group,
    GroupSession: _group_session,
    CategoryMembership: _membership,
    Supervision: _supervision,
    StationEvaluation: _evaluation,
    VolunteerService: _volunteer_service,
}


def _before(sender, instance, raw=False, **kwargs):
    """Remember the cells the stored version of the record touches."""
    if raw:
        return
    stored = sender._base_manager.filter(pk=instance.pk).first() if instance.pk else None
    # A new record is measured before it exists too: a new group session, for instance, may
    # take the place of the group's first session, whose month must then be recounted.
    instance._figures_touched = TRACKED[sender](stored if stored is not None else instance)


def _after_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    mark_dirty(getattr(instance, "_figures_touched", set()) | TRACKED[sender](instance))


def _before_delete(sender, instance, **kwargs):
    instance._figures_touched = TRACKED[sender](instance)


def _after_delete(sender, instance, **kwargs):
    touched = getattr(instance, "_figures_touched", set())
    if sender is GroupSession:
        # The group's first session may now be a later one.
        touched = touched | _group_session(instance)
    mark_dirty(touched)


def connect():
    for model in TRACKED:
        uid = f"reports.figures.{model._meta.label}"
        pre_save.connect(_before, sender=model, dispatch_uid=f"{uid}.pre_save")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}.post_save")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}.pre_delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}.post_delete")
