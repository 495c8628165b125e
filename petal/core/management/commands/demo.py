from django.core.management.base import BaseCommand
from django.db import transaction

from petal.accounts.demo import DEFAULT_PASSWORD, load_demo
from petal.barriers.demo import load_demo as load_barriers
from petal.barriers.demo import meeting_totals
from petal.champions.demo import load_demo as load_champions
from petal.consent.demo import INDIVIDUAL_EMAIL, load_consents
from petal.directory.demo import load_services
from petal.meetings.demo import load_demo as load_meetings
from petal.outcomes.demo import load_demo as load_outcomes
from petal.people.demo import load_people
from petal.programme.demo import load_demo as load_programme
from petal.referrals.demo import load_referrals


class Command(BaseCommand):
    help = "Load Petal's fictional demo data. Safe to run more than once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="Password for every demo sign-in"
        )

    def handle(self, *args, password, **options):
        from django.conf import settings
        from django.core.management.base import CommandError

        if settings.PRODUCTION:
            raise CommandError(
                "Demo data has known passwords: it is never loaded when PETAL_ENV=production."
            )
        with transaction.atomic():
            users = load_demo(password=password)
            people = load_people()
            consents = load_consents(password=password)
            services = load_services()
            referrals = load_referrals()
            meetings = load_meetings(password=password)
            champions = load_champions(password=password)
            barriers = load_barriers()
            meetings_held, actions = meeting_totals()
            programme = load_programme()
            outcomes = load_outcomes()
        self.stdout.write(
            f"Demo data loaded ({people} fictional people, {consents} consents, "
            f"{services} services, {referrals} referrals)."
        )
        self.stdout.write(
            f"Meetings: {meetings_held} professionals meetings, problem-solving sessions and "
            f"governance meetings, with {actions} actions."
        )
        self.stdout.write(
            f"Champions: {champions.champions} approved champions ({champions.pending} pledges "
            f"waiting for approval), {champions.questions} network questions with "
            f"{champions.answers} answers, {champions.stories} stories and "
            f"{champions.events} events."
        )
        self.stdout.write(
            f"Barriers: {barriers.barriers} barriers at every level of the governance ladder, "
            f'with {barriers.decisions} decisions, {barriers.me_toos} "me too"s and '
            f"{barriers.learning} learning entries ({barriers.published} published on "
            f'"You said, we did"); {barriers.meetings} Tactical Group, Strategic Group and '
            "Public Service Board meetings."
        )
        for sentence in [*programme, *outcomes]:
            self.stdout.write(sentence)
        users = [*users, *meetings.users, *champions.users, *barriers.users]
        self.stdout.write("Sign in at /sign-in with any of these:")
        width = max(len(u.email) for u in users)
        for u in users:
            self.stdout.write(f"  {u.email.ljust(width)}  {u.what}")
        self.stdout.write(
            f"  {INDIVIDUAL_EMAIL.ljust(width)}  a person supported by Petal (their own record)"
        )
        self.stdout.write(f"Password for all of them: {password}")
