from django.core.management.base import BaseCommand

from petal.meetings.services import action_reminders


class Command(BaseCommand):
    help = (
        "Remind the owners of open actions due today or earlier (once each). The task worker "
        "does this on the morning each action is due; run this daily from cron as a safety "
        "net, or where no worker runs."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {action_reminders()} action reminder(s).")
