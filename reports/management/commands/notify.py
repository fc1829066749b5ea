"""``manage.py notify``: the daily notifications and digest (reports.notices.run_daily).

Run once a day (cron, or the task engine's daily schedule calling ``reports.notices.run_daily``);
running it twice on the same day makes no duplicates."""

import datetime

from django.core.management.base import BaseCommand

from reports.notices import run_daily


class Command(BaseCommand):
    help = "Produce the day's notifications (follow-ups, high-risk overdue, dispatches, monthly reports, " \
           "rectifications, case-plan reviews, certificates) and send the e-mail digest if it is on."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="the day to run for (YYYY-MM-DD), default today")

    def handle(self, *args, today=None, **options):
        counts = run_daily(today)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
