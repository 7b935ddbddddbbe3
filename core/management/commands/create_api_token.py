from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API token to a user; the token acts with that user's role. It is shown once and stored hashed."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. 'trade dashboard'.")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}; create one with create_user first.")
        instance, token = ApiToken.objects.create(user=user, name=name)
        self.stderr.write(
            f"Token {instance.token_key}… for {username} ({name}); expires {instance.expiry:%Y-%m-%d}. Store it now: it is not shown again."
        )
        self.stdout.write(token)
