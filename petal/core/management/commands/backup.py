"""Back up the whole database to one private file."""

from django.core.management.base import BaseCommand, CommandError

from petal.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the whole database to a new file readable only by you (mode 0600). SQLite is "
        "copied safely while Petal runs; PostgreSQL uses pg_dump. Default file: "
        "petal-backup-YYYYmmdd-HHMMSS.* in PETAL_BACKUP_DIR or the current folder."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=None, help="File (or folder) to write the backup to"
        )

    def handle(self, *args, path=None, **options):
        try:
            result = backup_create(path=path)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Backed up to {result.path} ({result.size:,} bytes).")
        )
