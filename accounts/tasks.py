"""The accounts' Celery tasks (config/celery.py)."""

from celery import shared_task

from portal.api import idempotency


@shared_task(name="accounts.idempotency_keys_purge")
def idempotency_keys_purge():
    """Delete the API's Idempotency-Keys older than API_IDEMPOTENCY_TTL_HOURS (beat entry
    "idempotency-keys-purge"); returns how many went."""
    return idempotency.purge()
