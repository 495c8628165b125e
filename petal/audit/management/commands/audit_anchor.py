from django.core.management.base import BaseCommand

from petal.audit.anchors import anchor_path, write_anchor


class Command(BaseCommand):
    help = (
        "Append the newest audit event's sequence and hash to this database's anchor file, "
        "outside the database (run it from cron, e.g. hourly)."
    )

    def handle(self, *args, **options):
        anchor = write_anchor()
        if anchor is None:
            self.stdout.write("The audit trail is empty: nothing to anchor yet.")
            return
        self.stdout.write(
            f"Anchored audit event #{anchor.sequence} ({anchor.hash[:12]}…) in {anchor_path()}."
        )
