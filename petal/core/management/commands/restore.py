"""Replace the whole database with a backup, then check the audit chain."""

from django.core.management.base import BaseCommand, CommandError

from petal.audit.selectors import audit_chain_verify
from petal.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore the whole database from a backup made by `manage.py backup`. This REPLACES "
        "EVERYTHING in the database; it needs --yes. The audit chain is checked afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Confirm that everything in the database is to be replaced",
        )

    def handle(self, *args, path, yes=False, **options):
        if not yes:
            raise CommandError(
                "Restoring replaces EVERYTHING in the database with the backup's contents; "
                "anything recorded since the backup is lost. Run again with --yes to go ahead."
            )
        try:
            backup_restore(path=path)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored from {path}."))
        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(
                f"The audit chain is broken at event #{report.broken_at}: {report.problem} "
                f"({report.checked} events checked before it)."
            )
        self.stdout.write(f"Audit chain verified: {report.checked} events, unbroken.")
