"""The intake pages: the reports read so far and a report's way in (pasted), a report's page
with its text and each proposal highlighted on its words, and the editor's decisions on each
(Accept, Edit then accept, Reject, and "accept all confident")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.pages import page_view, paginate, render_page
from directory.models import Source
from intake import services
from intake.acceptance import FORMS, PERMISSIONS, entry_form
from intake.forms import RejectForm, ReportForm
from intake.highlight import segments
from intake.models import Proposal, Report

DECIDE = "intake.change_proposal"


def _pending_counts(reports):
    return reports.annotate(
        pending=Count("proposals", filter=Q(proposals__state=Proposal.State.PENDING)),
        proposed=Count("proposals"),
    )


@page_view("intake.view_report")
def report_list(request, form=None):
    reports = _pending_counts(Report.objects.select_related("created_by")).order_by("-created_at", "-id")
    may_add = request.user.has_perm("intake.add_report")
    return render_page(
        request,
        "intake/report_list.html",
        {"page": paginate(request, reports), "form": (form or ReportForm()) if may_add else None},
    )


@login_required
@require_POST
@permission_required("intake.add_report", raise_exception=True)
def new_report(request):
    form = ReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report, created = services.store_report(
                text=data["text"],
                published_on=data["published"].date,
                title=data["title"],
                outlet_name=data["outlet"],
                url=data["url"],
                language=data["language"],
                origin=Report.Origin.PASTED,
                user=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if created:
                messages.success(request, f"Report read: {report.proposals.count()} proposals.")
            else:
                messages.info(request, "This report was read before: here it is, with this publication added.")
            return redirect("intake-report", pk=report.pk)
    request.method = "GET"
    return report_list(request, form=form)


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


@page_view("intake.view_report")
def report_detail(request, pk: int, bound: dict | None = None):
    report = get_object_or_404(Report.objects.select_related("created_by"), pk=pk)
    proposals = list(report.proposals.select_related("decided_by", "record_type"))
    publications = list(report.publications.select_related("source", "feed"))
    source = next((p.source for p in publications if p.source_id), None)
    may_decide = request.user.has_perm(DECIDE)
    rows = []
    for proposal in proposals:
        may = may_decide and request.user.has_perms(PERMISSIONS[proposal.kind])
        form = None
        if may and proposal.state == Proposal.State.PENDING and proposal.kind in FORMS:
            form = (bound or {}).get(proposal.pk) or entry_form(proposal, _form_source(report, source))
        rows.append({"proposal": proposal, "may_decide": may, "form": form})
    return render_page(
        request,
        "intake/report_detail.html",
        {
            "report": report,
            "rows": rows,
            "publications": publications,
            "segments": segments(report.text, proposals),
            "may_decide": may_decide,
            "confident": services.CONFIDENT,
        },
    )


def _form_source(report, source):
    """The source the Edit forms are shown for: the report's, or (before any is made) one
    described by its first publication, unsaved."""
    if source is not None:
        return source
    first = report.publications.first()
    return Source(title=report.title, published_on=first.published_on if first else report.published_on)


def _proposal_for(request, pk: int) -> Proposal:
    if not request.user.has_perm(DECIDE):
        raise PermissionDenied
    proposal = get_object_or_404(Proposal.objects.select_related("report"), pk=pk)
    if not request.user.has_perms(PERMISSIONS[proposal.kind]):
        raise PermissionDenied
    return proposal


def _expected_version(request) -> int | None:
    value = request.POST.get("proposal_version", "")
    return int(value) if value.isdigit() else None


@login_required
@require_POST
def accept_view(request, pk: int):
    proposal = _proposal_for(request, pk)
    edited = request.POST if request.POST.get("edited") else None
    try:
        record = services.accept(proposal, user=request.user, data=edited, expected_version=_expected_version(request))
    except ValidationError as exc:
        if edited is not None and proposal.kind in FORMS:
            form = entry_form(proposal, _form_source(proposal.report, None), edited)
            form.is_valid()
            _form_errors(form, exc)
            messages.error(request, "Not accepted: see the form below.")
            request.method = "GET"
            return report_detail(request, proposal.report_id, bound={proposal.pk: form})
        messages.error(request, f"Not accepted: {_message(exc)}")
    else:
        messages.success(request, f"Accepted: {record}.")
    return redirect(f"{_report_url(proposal)}#proposal-{proposal.pk}")


@login_required
@require_POST
def reject_view(request, pk: int):
    proposal = _proposal_for(request, pk)
    form = RejectForm(request.POST)
    form.is_valid()
    try:
        services.reject(
            proposal,
            user=request.user,
            reason=form.cleaned_data.get("reason", ""),
            expected_version=_expected_version(request),
        )
    except ValidationError as exc:
        messages.error(request, f"Not rejected: {_message(exc)}")
    else:
        messages.success(request, "Rejected.")
    return redirect(f"{_report_url(proposal)}#proposal-{proposal.pk}")


@login_required
@require_POST
def accept_confident_view(request, pk: int):
    if not request.user.has_perm(DECIDE):
        raise PermissionDenied
    report = get_object_or_404(Report, pk=pk)
    accepted, refused = services.accept_confident(report, user=request.user, allowed=request.user.has_perms)
    messages.success(request, f"Accepted {len(accepted)} confident proposals.")
    for proposal, exc in refused:
        messages.warning(request, f"Left for you: {proposal.get_kind_display()} — {_message(exc)}")
    return redirect("intake-report", pk=report.pk)


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k.replace('_', ' ')}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _report_url(proposal) -> str:
    return reverse("intake-report", args=[proposal.report_id])
