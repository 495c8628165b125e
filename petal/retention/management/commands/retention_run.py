from django.core.management.base import BaseCommand

from petal.retention.services import retention_run


class Command(BaseCommand):
    help = (
        "Run the retention schedules: delete or anonymise every record that has passed its "
        "time, and record what was done (the run is shown at /retention/runs/). Run it daily "
        "from cron; a second run finds nothing more. With --dry-run nothing is changed and the "
        "counts say what a real run would do now."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be deleted or anonymised, and change nothing",
        )

    def handle(self, *args, **options):
        run = retention_run(dry_run=options["dry_run"])
        verb = "Would have dealt with" if run.dry_run else "Dealt with"
        for entry in run.results:
            if entry["error"]:
                line = f"{entry['name']}: {entry['error']}"
                self.stderr.write(line)
            else:
                done = "deleted" if entry["action"] == "delete" else "anonymised"
                self.stdout.write(f"{entry['name']}: {entry['count']} {done}")
        self.stdout.write(
            f"{run.reference}: {verb} {run.total} record(s); {run.error_count} error(s)."
        )
        if run.error_count:
            # A non-zero exit so cron's mail (or the scheduler) shows that something failed.
            raise SystemExit(1)
