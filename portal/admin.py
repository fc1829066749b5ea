from django.contrib import admin  # noqa: F401
from simple_history.admin import SimpleHistoryAdmin


class ScopedAdmin(SimpleHistoryAdmin):
    """Admin pages answer within the user's scope, like every other page (superusers: all)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.visible_to(request.user) if hasattr(queryset, "visible_to") else queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field.queryset, "visible_to"):
            field.queryset = field.queryset.visible_to(request.user)
        return field

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # records are closed, never deleted, from the portal
