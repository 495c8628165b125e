from django.core.management.base import BaseCommand, CommandError

from petal.programme.services.newsletters import (
    CONFIRM_DAYS,
    PURGE_AFTER_DAYS,
    subscribers_purge_unconfirmed,
)


class Command(BaseCommand):
    help = (
        "Delete newsletter sign-ups that were never confirmed and whose emailed confirmation "
        "link has expired, recording how many in the audit trail. Run daily from cron; a "
        "second run deletes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=PURGE_AFTER_DAYS,
            help=f"Only sign-ups whose last link was sent more than this many days ago "
            f"(default {PURGE_AFTER_DAYS}: the link works for {CONFIRM_DAYS})",
        )

    def handle(self, *args, **options):
        days = options["older_than_days"]
        if days < CONFIRM_DAYS:
            raise CommandError(
                f"--older-than-days must be at least {CONFIRM_DAYS}: the emailed link works "
                f"for {CONFIRM_DAYS} days"
            )
        count = subscribers_purge_unconfirmed(older_than_days=days)
        self.stdout.write(f"Deleted {count} unconfirmed newsletter sign-up(s).")
