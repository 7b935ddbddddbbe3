from django.core.management.base import BaseCommand, CommandError

from core.models import ApiToken


class Command(BaseCommand):
    help = "Revoke API tokens: one by the key prefix shown when it was issued, or all of a user's."

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--key", help="The token's first characters (its key, as listed in the admin).")
        target.add_argument("--user", help="Revoke every token of this user.")

    def handle(self, *args, key, user, **options):
        if key:
            tokens = ApiToken.objects.filter(token_key__startswith=key)
            if tokens.count() > 1:
                raise CommandError(f"{tokens.count()} tokens start with {key!r}; give more of the key.")
        else:
            tokens = ApiToken.objects.filter(user__username=user)
        count, _ = tokens.delete()
        if not count:
            raise CommandError("No such token.")
        self.stdout.write(f"Revoked {count} token(s).")
