from django.core.management.base import BaseCommand

from petal.referrals.services import referral_reminders


class Command(BaseCommand):
    help = (
        "Remind receiving organisations of referrals left unacknowledged past the service's "
        "response time (once each). The task worker does this on time by itself; run this "
        "hourly from cron as a safety net, or where no worker runs."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {referral_reminders()} referral reminder(s).")
