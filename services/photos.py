"""Activity photos, served only to users who may see the activity (SECURITY.md "Access").

The files live under ``MEDIA_ROOT/activities/``, which nginx never serves to a browser
(``internal`` in deploy/nginx.conf). The view looks the photo up inside ``visible_to(user)``
(outside the scope: 404, like the activity itself); with ``MEDIA_ACCEL_REDIRECT`` it hands the
file to nginx with ``X-Accel-Redirect``, otherwise (development, tests) it streams it itself.
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.views import View

from portal.scoping import visible_or_404
from portal.views import ObjectPermissionMixin

from .models import Activity, ActivityPhoto


def protected_file_response(fieldfile):
    """The stored file of ``fieldfile`` as a response, via nginx when it is in front."""
    content_type = mimetypes.guess_type(fieldfile.name)[0] or "application/octet-stream"
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(settings.MEDIA_URL + fieldfile.name)
    else:
        try:
            response = FileResponse(fieldfile.open("rb"), content_type=content_type)
        except FileNotFoundError:
            raise Http404 from None
    # the answer depends on who asks: no shared cache may keep it
    patch_cache_control(response, private=True, max_age=3600)
    return response


class ActivityPhotoView(ObjectPermissionMixin, View):
    """One activity photo, for a user who may see its activity."""

    queryset = ActivityPhoto.objects.all()

    def get_model(self):
        return Activity  # seeing the photos is seeing the activity

    def get(self, request, pk):
        photo = visible_or_404(self.queryset, request.user, pk=pk)
        return protected_file_response(photo.file)
