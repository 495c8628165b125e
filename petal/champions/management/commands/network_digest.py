import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from petal.champions.services.network import network_digest
from petal.champions.tasks import send_network_digest


class Command(BaseCommand):
    help = (
        "Send the weekly Champion Network digest: to each reader who follows a tag, one email "
        "about the new questions carrying it. Run weekly from cron (Monday morning); running "
        "it again in the same week sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--week-starting",
            help="The Monday of the week to send for (YYYY-MM-DD); this week's by default",
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue it for the task worker instead"
        )

    def handle(self, *args, **options):
        week = options.get("week_starting")
        if week:
            try:
                dt.date.fromisoformat(week)
            except ValueError as exc:
                raise CommandError("--week-starting must be a date like 2026-03-02") from exc
        if options["enqueue"]:
            result = send_network_digest.enqueue(week_starting=week)
            self.stdout.write(f"Queued the network digest (task {result.id}).")
            return
        self.stdout.write(f"Sent {network_digest(week_starting=week)} network digest(s).")
