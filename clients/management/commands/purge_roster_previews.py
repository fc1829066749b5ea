"""Deletes roster-import previews (uploaded files and their verdicts, full ID numbers included)
that were never committed and are older than ROSTER_PREVIEW_TTL_HOURS. Run it from cron or a
systemd timer; each new upload also purges them."""

from django.core.management.base import BaseCommand

from clients import roster


class Command(BaseCommand):
    help = "Delete uncommitted roster-import previews older than ROSTER_PREVIEW_TTL_HOURS."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="delete every stored preview, whatever its age")

    def handle(self, *args, all=False, **options):
        removed = roster.purge_previews(roster.import_dir(), everything=all)
        self.stdout.write(f"{removed} roster preview file(s) deleted")
