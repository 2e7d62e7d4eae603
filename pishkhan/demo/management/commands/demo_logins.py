from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pishkhan.demo.org import DEMO_PASSWORD, PEOPLE, mobile


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for suffix, name, role, title, *_ in PEOPLE:
            local = "0" + mobile(suffix)[3:]
            self.stdout.write(f"  {local}  {role:<17} {title} ({name})")
