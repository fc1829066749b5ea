"""Safe retries: the ``Idempotency-Key`` header of every POST of the API (issue 14, item 4).

A client (the offline PWA's sync, a script on a bad line) that does not know whether its POST
arrived sends it again with the same key:

- same key, same body, same caller: the first answer is sent again (status and body, with the
  header ``Idempotent-Replayed: true``) and nothing more is written;
- same key, another body (or another operation): 409, nothing written;
- a request that failed (4xx: bad input, nothing written) keeps no key: the corrected request
  may use the same key again.

The key is claimed (a row, unique per caller and key) in the transaction that makes the
records, so two copies of one request sent at once create once: the second waits on the
first's row and then answers with its result. Keys live ``API_IDEMPOTENCY_TTL_HOURS`` (24 h);
``manage.py purge_idempotency_keys`` deletes older ones (an expired key is also replaced when
it is used again).

The core has no models: the accounts app registers the model that holds the keys
(``accounts.models.IdempotencyKey``) with ``set_key_model`` from its ``ready()``. The core's
viewset bases (``portal.api.viewsets``) run every POST through ``idempotent``.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200

_key_model = None


def set_key_model(model):
    """The model with ``user``, ``key``, ``fingerprint``, ``status_code``, ``body`` and
    ``created_at`` (unique on user and key) that keeps the keys."""
    global _key_model
    _key_model = model


def ttl():
    return datetime.timedelta(hours=getattr(settings, "API_IDEMPOTENCY_TTL_HOURS", 24))


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_conflict"
    default_detail = _("This Idempotency-Key was already used for a different request (another body or another "
                       "operation), so nothing was done. Use a new key for a new request.")


def _plain(value):
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if hasattr(value, "lists"):  # a QueryDict (form or multipart body): every value of each name
        return {key: [_plain(v) for v in values] for key, values in value.lists()}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def fingerprint(request):
    """What makes two requests "the same": the operation (method and path) and the body."""
    body = _plain(request.data)
    text = json.dumps([request.method, request.path, body], sort_keys=True, cls=JSONEncoder, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _checked_key(request):
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise exceptions.ValidationError({HEADER: [_(
            "An Idempotency-Key is 1 to %(max)s printable ASCII characters (a UUID, for example).") % {
                "max": MAX_KEY_LENGTH}]})
    return key


def idempotent(request, handle):
    """Run ``handle()`` (the POST's own handler) at most once per caller and key."""
    key = _checked_key(request)
    if key is None or _key_model is None or not request.user.is_authenticated:
        return handle()
    digest = fingerprint(request)
    now = timezone.now()
    with transaction.atomic():
        _key_model.objects.filter(user=request.user, key=key, created_at__lt=now - ttl()).delete()
        try:
            with transaction.atomic():
                claim = _key_model.objects.create(user=request.user, key=key, fingerprint=digest, created_at=now)
        except IntegrityError:
            # the same key was used before, or is being used right now (then the insert waited
            # for that request's transaction to end, and its row is committed by now)
            claim = _key_model.objects.filter(user=request.user, key=key).first()
            if claim is None or claim.status_code is None:
                # the other request failed and left no key: this one goes ahead as a new request
                return idempotent(request, handle)
            if claim.fingerprint != digest:
                raise IdempotencyConflict() from None
            return Response(json.loads(claim.body), status=claim.status_code, headers={REPLAYED_HEADER: "true"})
        response = handle()
        if not 200 <= response.status_code < 300:
            transaction.set_rollback(True)  # nothing is kept of a refused request, its key neither
            return response
        claim.status_code = response.status_code
        claim.body = json.dumps(response.data, cls=JSONEncoder)
        claim.save(update_fields=["status_code", "body"])
    return response


def purge(*, now=None):
    """Delete the keys older than the expiry; returns how many."""
    if _key_model is None:
        return 0
    cutoff = (now or timezone.now()) - ttl()
    return _key_model.objects.filter(created_at__lt=cutoff).delete()[0]
