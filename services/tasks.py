"""The services' Celery tasks (config/celery.py)."""

from celery import shared_task

from . import services


@shared_task(name="services.form_tokens_purge")
def form_tokens_purge():
    """Delete used visit-form tokens older than FORM_TOKEN_DAYS (beat entry "form-tokens-purge");
    returns how many went."""
    return services.form_tokens_purge()
