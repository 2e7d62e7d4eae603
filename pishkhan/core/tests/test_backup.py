import os
import sqlite3
import subprocess
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase

from pishkhan.accounts.models import Municipality


class BackupRestoreTests(TransactionTestCase):
    def test_backup_then_restore_gives_the_same_rows(self):
        Municipality.objects.create(slug="backup-city", name="شهر پشتیبان")
        out = StringIO()
        target = Path(tempfile.mkdtemp()) / (
            "b.sqlite3" if connection.vendor == "sqlite" else "b.dump"
        )
        call_command("backup", output=str(target), stdout=out)
        self.assertTrue(target.exists() and target.stat().st_size > 0)
        if connection.vendor == "sqlite":
            rows = (
                sqlite3.connect(target)
                .execute("SELECT name FROM accounts_municipality WHERE slug='backup-city'")
                .fetchall()
            )
            self.assertEqual(rows, [("شهر پشتیبان",)])
        else:
            db = connection.settings_dict
            restored = f"{db['NAME']}_restore"
            args = ["-h", db.get("HOST") or "127.0.0.1", "-U", db.get("USER") or "postgres"]
            subprocess.run(["dropdb", *args, "--if-exists", restored], check=True)
            subprocess.run(["createdb", *args, "-T", "template0", restored], check=True)
            try:
                subprocess.run(["pg_restore", *args, "-d", restored, str(target)], check=True)
                rows = subprocess.run(
                    [
                        "psql",
                        *args,
                        "-d",
                        restored,
                        "-Atc",
                        "SELECT name FROM accounts_municipality WHERE slug='backup-city'",
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=dict(os.environ),
                ).stdout
                self.assertEqual(rows.strip(), "شهر پشتیبان")
            finally:
                subprocess.run(["dropdb", *args, "--if-exists", restored], check=True)
