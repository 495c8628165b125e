"""A large synthetic data set for benchmarks. Every later issue grows it with its own records."""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.models import Membership, Organisation, OrganisationKind, User
from petal.audit.services import audit_bulk_append
from petal.reference.models import Partnership, ProgrammeArea

ROLES = [r for r in Role if r not in (Role.PARTNERSHIP_COORDINATOR,)]


class Command(BaseCommand):
    help = "Make a large synthetic data set (organisations, users, memberships, audit events)."

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=200)
        parser.add_argument("--users", type=int, default=2000)
        parser.add_argument("--events", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--password", default="synthetic-password-2026")
        parser.add_argument(
            "--people", type=int, default=0, help="People to add, with about 5 episodes each"
        )
        parser.add_argument(
            "--consents", type=int, default=0, help="Consents to add, over every person"
        )
        parser.add_argument(
            "--referrals",
            type=int,
            default=0,
            help="Referrals to add over the past year (needs people and the demo services)",
        )
        parser.add_argument(
            "--meetings",
            type=int,
            default=0,
            help="Meetings to add, with their invitations and actions (needs people)",
        )
        parser.add_argument(
            "--champions",
            type=int,
            default=0,
            help="Trusted Person Champions to add, each with a sign-in, areas and skills",
        )
        parser.add_argument(
            "--questions",
            type=int,
            default=0,
            help="Champion Network questions to add, with about three answers each",
        )
        parser.add_argument(
            "--network-events",
            type=int,
            default=0,
            help="Champion events (workshops, network meetings) to add, with registrations",
        )
        parser.add_argument(
            "--barriers",
            type=int,
            default=0,
            help="Barriers to add over the past two years, up the governance ladder, with "
            'decisions, meetings and "me too"s',
        )
        parser.add_argument(
            "--assessments",
            type=int,
            default=0,
            help="People to give 2–4 NDT assessments each over the past two years (needs people)",
        )
        parser.add_argument(
            "--service-use",
            type=int,
            default=0,
            help="People to give a year of quarterly service use (needs people)",
        )

    def handle(
        self,
        *args,
        organisations,
        users,
        events,
        seed,
        password,
        people,
        consents,
        referrals=0,
        meetings=0,
        champions=0,
        questions=0,
        network_events=0,
        barriers=0,
        assessments=0,
        service_use=0,
        **options,
    ):
        rng = random.Random(seed)  # noqa: S311 - synthetic data, not security.
        area = ProgrammeArea.objects.get(slug="cambridgeshire-peterborough")
        partnerships = list(Partnership.objects.all())
        kinds = [k for k, _ in OrganisationKind.choices]
        start = Organisation.objects.filter(slug__startswith="synthetic-").count()
        with transaction.atomic():
            Organisation.objects.bulk_create(
                [
                    Organisation(
                        slug=f"synthetic-{start + i:05d}",
                        name=f"Synthetic organisation {start + i:05d}",
                        kind=rng.choice(kinds),
                        programme_area=area,
                    )
                    for i in range(organisations)
                ],
                batch_size=1000,
            )
            orgs = list(Organisation.objects.values_list("pk", flat=True))
            hashed = make_password(password)
            first = User.objects.filter(email__startswith="synthetic-").count()
            User.objects.bulk_create(
                [
                    User(
                        email=f"synthetic-{first + i:06d}@example.org",
                        full_name=f"Synthetic Worker {first + i:06d}",
                        password=hashed,
                    )
                    for i in range(users)
                ],
                batch_size=1000,
            )
            new_users = list(
                User.objects.filter(email__startswith="synthetic-")
                .order_by("-pk")
                .values_list("pk", flat=True)[:users]
            )
            memberships = []
            for user_id in new_users:
                role = rng.choice(ROLES + [Role.PARTNERSHIP_COORDINATOR])
                memberships.append(
                    Membership(
                        user_id=user_id,
                        role=role,
                        organisation_id=rng.choice(orgs),
                        partnership=rng.choice(partnerships)
                        if role == Role.PARTNERSHIP_COORDINATOR
                        else None,
                    )
                )
            Membership.objects.bulk_create(memberships, batch_size=1000)
        now = timezone.now()
        actions = [
            "account.signed_in",
            "account.signed_out",
            "site.page_updated",
            "account.sign_in_failed",
        ]
        written = audit_bulk_append(
            {
                "actor_id": rng.choice(new_users) if new_users else None,
                "actor_label": "synthetic",
                "action": rng.choice(actions),
                "occurred_at": now - timedelta(seconds=events - i),
            }
            for i in range(events)
        )
        self.stdout.write(
            f"Made {organisations} organisations, {users} users and {written} audit events."
        )
        if people:
            from petal.people.synth import synth_people

            made, episodes = synth_people(people, seed=seed)
            self.stdout.write(f"Made {made} people with {episodes} need episodes.")
        if consents:
            from petal.consent.synth import synth_consents

            self.stdout.write(f"Made {synth_consents(consents, seed=seed)} consents.")
        if referrals:
            from petal.referrals.synth import synth_referrals

            self.stdout.write(f"Made {synth_referrals(referrals, seed=seed)} referrals.")
        if meetings:
            from petal.meetings.synth import synth_meetings

            self.stdout.write(f"Made {synth_meetings(meetings, seed=seed)} meetings.")
        if champions:
            from petal.champions.synth import synth_champions

            self.stdout.write(f"Made {synth_champions(champions, seed=seed)} champions.")
        if questions:
            from petal.champions.synth import synth_questions

            made, answers = synth_questions(questions, seed=seed)
            self.stdout.write(f"Made {made} network questions with {answers} answers.")
        if network_events:
            from petal.champions.synth import synth_events

            self.stdout.write(f"Made {synth_events(network_events, seed=seed)} champion events.")
        if barriers:
            from petal.barriers.synth import synth_barriers

            made, decisions, me_toos = synth_barriers(barriers, seed=seed)
            self.stdout.write(
                f'Made {made} barriers with {decisions} decisions and {me_toos} "me too"s.'
            )
        if assessments:
            from petal.outcomes.synth import synth_assessments

            made, answers = synth_assessments(assessments, seed=seed)
            self.stdout.write(f"Made {made} NDT assessments with {answers} answers.")
        if service_use:
            from petal.outcomes.synth import synth_service_use

            self.stdout.write(f"Made {synth_service_use(service_use, seed=seed)} service use rows.")
