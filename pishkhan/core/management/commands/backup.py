"""Back up the database to a file: SQLite's online backup API, or pg_dump (custom format)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


class Command(BaseCommand):
    help = "Write a consistent backup of the database into var/backups (or --output)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output", help="file to write (default: var/backups/pishkhan-<time>.<ext>)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            target = Path(
                options["output"] or settings.VAR_DIR / "backups" / f"pishkhan-{stamp}.sqlite3"
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            source = sqlite3.connect(db["NAME"])
            dest = sqlite3.connect(target)
            with dest:
                source.backup(dest)
            dest.close()
            source.close()
        elif connection.vendor == "postgresql":
            if not shutil.which("pg_dump"):
                raise CommandError("pg_dump is not installed (apt-get install postgresql-client)")
            target = Path(
                options["output"] or settings.VAR_DIR / "backups" / f"pishkhan-{stamp}.dump"
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            env = dict(os.environ, PGPASSWORD=str(db.get("PASSWORD") or ""))
            cmd = [
                "pg_dump",
                "-Fc",
                "-f",
                str(target),
                "-h",
                str(db.get("HOST") or "127.0.0.1"),
                "-p",
                str(db.get("PORT") or 5432),
                "-U",
                str(db.get("USER") or "postgres"),
                str(db["NAME"]),
            ]
            subprocess.run(cmd, check=True, env=env)  # noqa: S603
        else:
            raise CommandError(f"unsupported database: {connection.vendor}")
        self.stdout.write(str(target))
