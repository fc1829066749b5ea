"""Deletes the API's Idempotency-Keys (and the answers kept with them) older than
API_IDEMPOTENCY_TTL_HOURS. Run it daily from cron or a systemd timer."""

from django.core.management.base import BaseCommand

from portal.api import idempotency


class Command(BaseCommand):
    help = "Delete API Idempotency-Keys older than API_IDEMPOTENCY_TTL_HOURS."

    def handle(self, *args, **options):
        removed = idempotency.purge()
        self.stdout.write(f"{removed} idempotency key(s) deleted")
