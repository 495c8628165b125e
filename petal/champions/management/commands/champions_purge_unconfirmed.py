from django.core.management.base import BaseCommand, CommandError

from petal.champions.services.champions import PLEDGE_LINK_DAYS
from petal.champions.services.purge import DEFAULT_OLDER_THAN_DAYS, unconfirmed_pledges_purge


class Command(BaseCommand):
    help = (
        "Delete visitors' signatures of the champions pledge that were never confirmed and "
        "whose emailed link has expired, recording how many in the audit trail. Run daily "
        "from cron; a second run deletes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=DEFAULT_OLDER_THAN_DAYS,
            help=f"Only signatures made more than this many days ago "
            f"(default {DEFAULT_OLDER_THAN_DAYS}: the link works for {PLEDGE_LINK_DAYS})",
        )

    def handle(self, *args, **options):
        days = options["older_than_days"]
        if days < PLEDGE_LINK_DAYS:
            raise CommandError(
                f"--older-than-days must be at least {PLEDGE_LINK_DAYS}: the emailed link "
                f"works for {PLEDGE_LINK_DAYS} days"
            )
        count = unconfirmed_pledges_purge(older_than_days=days)
        self.stdout.write(f"Deleted {count} unconfirmed pledge(s).")
