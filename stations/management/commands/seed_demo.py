import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the Xun County (浚县) demo: organisation, people, services and figures. Idempotent."

    def handle(self, *args, **options):
        # Each app keeps its part in <app>/demo.py; they run in INSTALLED_APPS order (the
        # layer order), so this command never imports a higher layer by name.
        context = {}
        with transaction.atomic():
            for config in apps.get_app_configs():
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{config.name}.demo":
                        raise
                    continue
                self.stdout.write(f"seed_demo: {config.label}")
                module.seed(context)
        self.stdout.write(self.style.SUCCESS("The Xun County demo is loaded. Accounts (password Xunxian@2023):"))
        for username, role in [
            ("admin", "局管理员 bureau admin"), ("bureau", "局业务科室 bureau staff"),
            ("center", "指导中心督导 guidance-center supervisor"), ("xiaohe_head", "小河站站长 station head"),
            ("xiaohe", "小河站社工 social worker"), ("baisi", "白寺站社工 social worker"),
            ("auditor", "审计员 auditor"), ("city", "鹤壁市 city viewer"),
        ]:
            self.stdout.write(f"  {username:<12} {role}")
