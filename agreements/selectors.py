"""Reads of agreements that other apps' pages use."""

from django.db.models import Prefetch

from directory.models import Country


def with_parties(agreements):
    return agreements.prefetch_related(Prefetch("parties", queryset=Country.objects.only("alpha3", "name")))
