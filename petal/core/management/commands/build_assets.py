from django.core.management.base import BaseCommand, CommandError

from petal.core.assets import build_assets


class Command(BaseCommand):
    help = "Copy GOV.UK Frontend and HTMX from node_modules into Petal's static files."
    requires_system_checks = []

    def handle(self, *args, **options):
        try:
            written = build_assets()
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Wrote {len(written)} front-end files.")
