"""Reads of intake that other pages use: the review queue's share of proposals."""

from django.db.models import Count, Q

from intake.models import Proposal, Report

QUEUE_LIMIT = 50


def conflicting_proposals(limit: int = QUEUE_LIMIT) -> list[Proposal]:
    """Pending proposals that contradict a record (intake.matching), oldest report first."""
    pending = Proposal.objects.filter(state=Proposal.State.PENDING, conflict=True)
    return list(pending.select_related("report").order_by("report_id", "position")[:limit])


def reports_waiting(limit: int = QUEUE_LIMIT):
    """Reports with proposals no editor has decided on yet, and how many."""
    return (
        Report.objects.annotate(pending=Count("proposals", filter=Q(proposals__state=Proposal.State.PENDING)))
        .filter(pending__gt=0)
        .order_by("created_at", "id")[:limit]
    )
