from django.core.management.base import BaseCommand, CommandError

from petal.outcomes.services.exports import KEEP_DAYS, export_purge


class Command(BaseCommand):
    help = (
        "Delete background exports (and their files) asked for more than 7 days ago, and mark "
        "as failed any that stopped without finishing. Run daily from cron; a second run "
        "deletes nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=KEEP_DAYS,
            help=f"Delete exports asked for more than this many days ago (default {KEEP_DAYS})",
        )

    def handle(self, *args, **options):
        days = options["older_than_days"]
        if days < 1:
            raise CommandError("--older-than-days must be at least 1")
        result = export_purge(days=days)
        self.stdout.write(
            f"Deleted {result['deleted']} export(s); marked {result['stopped']} that had "
            "stopped as failed."
        )
