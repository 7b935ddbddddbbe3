"""The review queue page, in the admin where editors already work."""

from django.contrib import messages
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from directory.models import Citation
from directory.services import resolve_conflict
from editorial.review import citation_conflicts, overdue_visits, stale_agreements

QUEUE_LIMIT = 100


@require_http_methods(["GET", "POST"])
def review_queue(request):
    if not request.user.has_perm("directory.change_citation"):
        raise PermissionDenied
    if request.method == "POST":
        return _resolve(request)
    context = {
        **site.each_context(request),
        "title": "Review queue",
        "overdue_visits": overdue_visits()[:QUEUE_LIMIT],
        "stale_agreements": stale_agreements()[:QUEUE_LIMIT],
        "conflicts": citation_conflicts(limit=QUEUE_LIMIT),
    }
    return TemplateResponse(request, "admin/review_queue.html", context)


def _resolve(request):
    ids = [int(pk) for pk in request.POST.getlist("citation") if pk.isdigit()]
    citations = list(Citation.objects.filter(pk__in=ids, resolved_at__isnull=True))
    if len(citations) < 2:
        messages.error(request, "This conflict was already resolved, or its citations are gone.")
        return redirect("review-queue")
    choice = request.POST.get("standing", "")
    standing = next((c for c in citations if str(c.pk) == choice), None)
    if choice != "both" and standing is None:
        messages.error(request, "Choose the claim that stands, or keep both with a note.")
        return redirect("review-queue")
    try:
        resolve_conflict(citations=citations, standing=standing, note=request.POST.get("note", ""), user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Resolved: " + (f"{standing.source} stands." if standing else "both claims kept."))
    return redirect("review-queue")
