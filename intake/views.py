"""The intake pages: the reports read so far and a report's way in (pasted, uploaded, or fetched
from its link), a report's page with its text and each proposal highlighted on its words, and
the editor's decisions on each (Accept, Edit then accept, Reject, and "accept all confident")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core.pages import page_view, paginate, render_page
from directory.models import Source
from editorial.entry import field_errors
from intake import services
from intake.acceptance import FORMS, PERMISSIONS, entry_form
from intake.forms import RejectForm, ReportForm
from intake.highlight import segments
from intake.models import Proposal, Report
from intake.polling import take_report
from intake.uploads import MAX_BYTES, UploadError, read_upload

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
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report, created = _read(form, request.user)
        except ValidationError as exc:
            field_errors(form, exc)
        else:
            if created:
                messages.success(request, f"Report read: {report.proposals.count()} proposals.")
            else:
                messages.info(request, "This report was read before: here it is, with this publication added.")
            return redirect("intake-report", pk=report.pk)
    request.method = "GET"
    return report_list(request, form=form)


def _read(form, user):
    """(report, created) from the form's pasted text, uploaded file or link."""
    data = form.cleaned_data
    text, title, origin = data["text"], data["title"], Report.Origin.PASTED
    if form.way_in == "uploaded":
        upload = data["file"]
        try:
            read = read_upload(upload.name, upload.read(max(MAX_BYTES.values()) + 1))
        except UploadError as exc:
            raise ValidationError({"file": str(exc)}) from None
        text, title, origin = read.text, title or read.title, Report.Origin.UPLOADED
    return take_report(
        text=text,
        url=data["url"],
        published_on=data["published"].date if data["published"] else None,
        origin=origin,
        title=title,
        outlet_name=data["outlet"],
        language=data["language"],
        user=user,
    )


@page_view("intake.view_report")
def report_detail(request, pk: int):
    """The report's text with each proposal marked on its words, and the proposals with their
    matches and decisions. The Edit forms are pages of their own (edit_view): a report's page
    costs the same few queries however many proposals it has."""
    report = get_object_or_404(Report.objects.select_related("created_by"), pk=pk)
    proposals = list(report.proposals.select_related("decided_by"))
    may_decide = request.user.has_perm(DECIDE)
    rows = [
        {
            "proposal": p,
            "may_decide": may_decide and request.user.has_perms(PERMISSIONS[p.kind]),
            "editable": p.kind in FORMS,
        }
        for p in proposals
    ]
    return render_page(
        request,
        "intake/report_detail.html",
        {
            "report": report,
            "rows": rows,
            "publications": list(report.publications.select_related("source")),
            "segments": segments(report.text, proposals),
            "may_decide": may_decide,
            "confident": services.CONFIDENT,
        },
    )


@login_required
@require_safe
def edit_view(request, pk: int, form=None):
    """The proposal's entry form, pre-filled: the editor corrects it and accepts it as edited."""
    proposal = _proposal_for(request, pk)
    if proposal.kind not in FORMS or proposal.state != Proposal.State.PENDING:
        raise Http404("Only a pending visit, agreement, trade figure or stance is edited before it is accepted.")
    form = form or entry_form(proposal, _form_source(proposal.report))
    return render_page(request, "intake/proposal_edit.html", {"proposal": proposal, "form": form})


def _form_source(report):
    """The source the Edit form is shown for: the report's, or (before any is made) one
    described by its first publication, unsaved."""
    first = report.publications.select_related("source").first()
    if first is not None and first.source is not None:
        return first.source
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
            form = entry_form(proposal, _form_source(proposal.report), edited)
            if form.is_valid():  # the form passed; what it wrote was refused
                field_errors(form, exc)
            request.method = "GET"
            return edit_view(request, proposal.pk, form=form)
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
