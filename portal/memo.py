"""What is asked many times in a request and answered the same each time, kept on the user
object: Django's middleware loads the user once per request, so a value kept on it lives as long
as the request (the scope, the menu, which lists the user opens)."""


def once_per_user(user, name, compute):
    """``compute()`` the first time it is asked for ``user`` (this user object), kept as
    ``user._<name>_cache`` after that; an object that takes no attribute (AnonymousUser) is
    answered afresh each time."""
    key = f"_{name}_cache"
    value = getattr(user, key, None)
    if value is None:
        value = compute()
        try:
            setattr(user, key, value)
        except AttributeError:
            pass
    return value
