from django.core.management.base import BaseCommand, CommandError

from petal.access.roles import Role
from petal.accounts.models import Organisation, User
from petal.accounts.services import membership_add, user_create


class Command(BaseCommand):
    help = (
        "Create a sign-in with a role (for the first administrator of a new installation). "
        "The person sets their password through 'I have forgotten my password'."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("full_name")
        parser.add_argument("--role", default=Role.ADMINISTRATOR, choices=[r.value for r in Role])
        parser.add_argument("--organisation", help="Organisation slug", default=None)

    def handle(self, *args, email, full_name, role, organisation, **options):
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"{email} already has a sign-in")
        org = None
        if organisation:
            org = Organisation.objects.filter(slug=organisation).first()
            if org is None:
                raise CommandError(f"No organisation with the slug {organisation}")
        user = user_create(actor=None, email=email, full_name=full_name)
        membership_add(actor=None, user=user, role=role, organisation=org)
        self.stdout.write(f"Created {user.email} as {Role(role).label}.")
