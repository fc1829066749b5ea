from django.core.management.base import BaseCommand
from django.db import transaction

from clients import demo as clients_demo
from funding import demo as funding_demo
from journal import demo as journal_demo
from partners import demo as partners_demo
from services import demo as services_demo
from stations import demo as stations_demo
from training import demo as training_demo

from ... import demo as reports_demo

# Each app keeps its part in <app>/demo.py; they run in layer order.
PARTS = [("stations", stations_demo), ("clients", clients_demo), ("partners", partners_demo), ("services", services_demo),
         ("training", training_demo), ("funding", funding_demo), ("reports", reports_demo),
         ("journal", journal_demo)]


class Command(BaseCommand):
    help = "Load the Xun County (浚县) demo: organisation, people, services and figures. Idempotent."

    def handle(self, *args, **options):
        context = {}
        with transaction.atomic():
            for label, module in PARTS:
                self.stdout.write(f"seed_demo: {label}")
                module.seed(context)
        self.stdout.write(self.style.SUCCESS("The Xun County demo is loaded. Accounts (password Xunxian@2023):"))
        for username, role in [
            ("admin", "局管理员 bureau admin"), ("bureau", "局业务科室 bureau staff"),
            ("center", "指导中心督导 guidance-center supervisor"), ("xiaohe_head", "小河站站长 station head"),
            ("xiaohe", "小河站社工 social worker"), ("baisi", "白寺站社工 social worker"),
            ("auditor", "审计员 auditor"), ("city", "鹤壁市 city viewer"), ("province", "河南省 province viewer"),
        ]:
            self.stdout.write(f"  {username:<12} {role}")
