"""Issue, revoke and list Open311 API keys.

python manage.py open311_key create APP-NAME [--municipality SLUG] [--trusted-relay]
    # prints the key once
python manage.py open311_key revoke PREFIX
python manage.py open311_key list [--municipality SLUG]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pishkhan.accounts.models import ApiClient, Municipality
from pishkhan.accounts.services import api_client_create, api_client_revoke


class Command(BaseCommand):
    help = "Manage Open311 API keys (create prints the new key; only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a key for an application")
        create.add_argument("name")
        create.add_argument("--municipality", default="")
        create.add_argument(
            "--trusted-relay",
            action="store_true",
            help="the app answers its own users: it may send reports without e-mail or phone",
        )
        revoke = sub.add_parser("revoke", help="revoke a key by its prefix (as shown by list)")
        revoke.add_argument("prefix")
        listing = sub.add_parser("list", help="list keys")
        listing.add_argument("--municipality", default="")

    def _municipality(self, slug: str) -> Municipality:
        qs = Municipality.objects.filter(is_active=True)
        if slug:
            found = qs.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"No municipality with slug {slug!r}.")
            return found
        if qs.count() != 1:
            raise CommandError("Several (or no) municipalities: pass --municipality SLUG.")
        return qs.get()

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            municipality = self._municipality(options["municipality"])
            name = options["name"].strip()
            if not name:
                raise CommandError("The application name is empty.")
            client, key = api_client_create(
                municipality=municipality, name=name, trusted_relay=options["trusted_relay"]
            )
            self.stderr.write(f"Key for {client.name} ({municipality.slug}); shown only once:")
            self.stdout.write(key)
        elif action == "revoke":
            prefix = options["prefix"].strip()
            matches = list(ApiClient.objects.filter(key_prefix=prefix, revoked_at__isnull=True))
            if len(matches) != 1:
                raise CommandError(
                    f"{len(matches)} active keys have prefix {prefix!r}; need exactly one."
                )
            api_client_revoke(client=matches[0])
            self.stdout.write(f"Revoked {matches[0].name} ({prefix}…).")
        else:
            qs = ApiClient.objects.select_related("municipality").order_by("created_at")
            if options["municipality"]:
                qs = qs.filter(municipality__slug=options["municipality"])
            for client in qs:
                state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
                state += ", trusted relay" if client.trusted_relay else ""
                self.stdout.write(
                    f"{client.key_prefix}\t{client.municipality.slug}\t{state}\t{client.name}"
                )
