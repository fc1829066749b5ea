from django.core.management.base import BaseCommand, CommandError

from reports import figures


class Command(BaseCommand):
    help = ("Compare the figures rollup with a raw recount of the same cells and print every "
            "difference; exits with a non-zero code if there is any.")

    def handle(self, *args, **options):
        differences = figures.reconcile()
        for station_id, kind, period_start, field, rollup, raw in differences:
            period = f"{period_start:%Y-%m}" if period_start else "any kept year"
            self.stdout.write(f"station {station_id} {kind} {period}: {field} rollup={rollup} raw={raw}")
        if differences:
            raise CommandError(f"{len(differences)} differences between the rollup and the raw records.")
        self.stdout.write(self.style.SUCCESS("The rollup matches the raw records: 0 differences."))
