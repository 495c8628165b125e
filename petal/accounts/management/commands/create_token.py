from django.core.management.base import BaseCommand, CommandError

from petal.accounts.models import User
from petal.accounts.services import token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user; prints the token alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Command-line token")
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args, email, name, days, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the email {email}")
        if not 1 <= days <= 365:
            raise CommandError("--days must be between 1 and 365")
        token, raw = token_create(actor=user, name=name, days=days)
        self.stdout.write(
            f"Token ‘{token.name}’ for {user.email}, expires {token.expires_at:%d %B %Y}:"
        )
        self.stdout.write(raw)
