from django.core.management.base import BaseCommand

from reports import figures


class Command(BaseCommand):
    help = ("Recompute every cell of the figures rollup from the raw records (after bulk loads that "
            "bypass signals, or to repair it). Reads refresh dirty cells by themselves.")

    def handle(self, *args, **options):
        figures.rebuild(stdout=self.stdout)
