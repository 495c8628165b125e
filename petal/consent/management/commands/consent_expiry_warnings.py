from django.core.management.base import BaseCommand

from petal.consent.services import consent_expiry_warnings


class Command(BaseCommand):
    help = "Tell whoever recorded each consent that it ends soon (once). Run daily."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14)

    def handle(self, *args, days, **options):
        sent = consent_expiry_warnings(days=days)
        self.stdout.write(f"Sent {sent} consent expiry warning(s).")
