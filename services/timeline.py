"""The services on a client's page: registered with the clients app's timeline hook."""

from django.utils.translation import gettext_lazy as _


def services_timeline(client, user):
    """Visits, cases, group sessions, activities, resource links and referrals of the client,
    within the user's scope (a few queries, whatever the number of records)."""
    from clients.timeline import TimelineEntry

    from .models import Activity, Case, GroupSession, Referral, ResourceLink, Visit

    entries = []
    visits = Visit.objects.visible_to(user).filter(client=client).order_by("-visited_on", "-id")[:50]
    for visit in visits:
        entries.append(TimelineEntry(visit.visited_on, _("Visit"), visit.get_kind_display(), visit.get_absolute_url(),
                                     visit.findings, icon="door-open"))
    for case in Case.objects.visible_to(user).filter(clients=client)[:20]:
        entries.append(TimelineEntry(case.intake_on, _("Case opened"), f"{case.title} · {case.get_stage_display()}",
                                     case.get_absolute_url(), icon="folder2-open"))
        if case.closed_on:
            entries.append(TimelineEntry(case.closed_on, _("Case closed"), case.title, case.get_absolute_url(),
                                         case.get_closure_reason_display(), icon="folder-check"))
    sessions = GroupSession.objects.visible_to(user).filter(attendees=client).select_related("group")[:30]
    for session in sessions:
        entries.append(TimelineEntry(session.held_on, _("Group session"), str(session),
                                     session.group.get_absolute_url(), icon="people"))
    for activity in Activity.objects.visible_to(user).filter(participants=client)[:30]:
        entries.append(TimelineEntry(activity.held_on, _("Community activity"), activity.title,
                                     activity.get_absolute_url(), icon="calendar-event"))
    for link in ResourceLink.objects.visible_to(user).filter(client=client)[:30]:
        entries.append(TimelineEntry(link.linked_on, _("Resource linked"), f"{link.description} · ¥{link.value}",
                                     link.get_absolute_url(), link.source_name, icon="gift"))
    for referral in Referral.objects.visible_to(user).filter(client=client)[:20]:
        entries.append(TimelineEntry(referral.referred_on, _("Referral"),
                                     f"{referral.to_organisation} · {referral.get_status_display()}",
                                     referral.get_absolute_url(), icon="signpost-split"))
    return entries
