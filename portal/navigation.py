"""The menu, by role: each app registers its entries; users see those they have the
permission for (the same permission the page itself checks)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .memo import once_per_user


@dataclass(frozen=True)
class MenuItem:
    group: str
    label: str
    url_name: str
    permission: str | None = None
    icon: str = "circle"
    order: int = 100


GROUPS = [
    ("work", _("Work")),
    ("clients", _("Clients")),
    ("services", _("Services")),
    ("training", _("Training")),
    ("funding", _("Funding")),
    ("reports", _("Reports")),
    ("organisation", _("Organisation")),
]
_items: list[MenuItem] = []


def register(*items):
    _items.extend(items)


def menu_for(user):
    groups = []
    for key, label in GROUPS:
        items = [
            {"label": item.label, "url": reverse(item.url_name), "icon": item.icon}
            for item in sorted((i for i in _items if i.group == key), key=lambda i: i.order)
            if item.permission is None or user.has_perm(item.permission)
        ]
        if items:
            groups.append({"label": label, "items": items})
    return groups


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # built once per request (the user object): a dashboard renders its body and its page, each
    # a RequestContext that runs this processor, ~40 permission checks and reverses each time
    menu = once_per_user(user, "menu", lambda: menu_for(user))
    return {"menu": menu, "current_staff": getattr(user, "staff", None)}
