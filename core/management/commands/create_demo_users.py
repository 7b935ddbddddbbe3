from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, create_user_in_role


class Command(BaseCommand):
    help = "Create the demo editor and analyst accounts (development instances only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo accounts are never created when CHANCERY_ENV=production; use create_user.")
        for username, role in DEMO_ACCOUNTS:
            create_user_in_role(username=username, role=role, password=DEMO_PASSWORD, validate=False)
            self.stdout.write(f"{username} / {DEMO_PASSWORD} ({role})")
