"""What the two Office of the Historian commands add to every import command: --country-alias."""

import functools

from django.core.management.base import CommandError

from directory.models import Country
from imports.command import ImportCommand


def parse_alias(text: str) -> tuple[str, str]:
    """'korea-north=PRK' -> ('korea-north', 'PRK'); the code must be one of Chancery's countries."""
    ident, sep, code = text.partition("=")
    ident, code = ident.strip(), code.strip().upper()
    if not sep or not ident or not code:
        raise CommandError(f"--country-alias {text!r}: expected ID=ISO3, e.g. --country-alias korea-north=PRK")
    if not Country.objects.filter(pk=code).exists():
        raise CommandError(
            f"--country-alias {text!r}: {code!r} is not a country code Chancery knows "
            "(an ISO 3166-1 alpha-3 code such as PRK, or a withdrawn one such as SUN)"
        )
    return ident, code


class HsgImportCommand(ImportCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--country-alias",
            action="append",
            default=[],
            metavar="ID=ISO3",
            help="Resolve an Office of the Historian country id the crosswalk does not know (or maps otherwise) "
            "to this country for every record, e.g. --country-alias atlantis=GRC. Repeatable.",
        )

    def handle(self, *args, country_alias, **options):
        aliases = dict(parse_alias(text) for text in country_alias)
        if aliases:
            self.importer_class = functools.partial(type(self).importer_class, country_aliases=aliases)
        return super().handle(*args, **options)
