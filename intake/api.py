"""API for news intake: a report in (`POST /api/v1/intake/reports/`, its text or its URL), its proposals
out, and an editor's decisions (`POST /api/v1/intake/proposals/{id}/accept/` and `reject/`).

The proposals are those the pages and `manage.py intake_report --json` give, in the same
shape. Accepting goes through the same services as the pages (intake.services.accept): the
entry form's checks, the citation with the quote, the first status row dated by the report.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api.conditional import check_if_match, etag_for
from core.api.errors import Conflict
from core.api.lookups import RecordIdLookupMixin
from core.api.pagination import CursorPagination
from core.api.schema import ErrorSerializer
from intake import services
from intake.acceptance import PERMISSIONS
from intake.models import Proposal, Publication, Report
from intake.polling import take_report


class ProposalSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="kind", read_only=True)
    span = serializers.SerializerMethodField()
    record = serializers.SerializerMethodField()
    decided_by = serializers.CharField(source="decided_by.get_username", read_only=True, default=None)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "report",
            "position",
            "type",
            "fields",
            "quote",
            "span",
            "reliability",
            "speaker",
            "confidence",
            "matches",
            "conflict",
            "state",
            "decided_by",
            "decided_at",
            "note",
            "record",
            "version",
        ]
        read_only_fields = fields

    def get_span(self, proposal) -> list[int]:
        return [proposal.span_start, proposal.span_end]

    def get_record(self, proposal) -> dict | None:
        """What accepting it wrote or cited: {"type": "visits.visit", "id": "12"}."""
        if proposal.record_type_id is None:
            return None
        ct = proposal.record_type
        return {"type": f"{ct.app_label}.{ct.model}", "id": proposal.record_id}


class PublicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publication
        fields = ["title", "outlet_name", "url", "published_on", "feed", "guid", "source"]


class ReportSerializer(serializers.ModelSerializer):
    publications = PublicationSerializer(many=True, read_only=True)
    proposals = ProposalSerializer(many=True, read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "title",
            "language",
            "published_on",
            "origin",
            "reason",
            "created_at",
            "publications",
            "proposals",
            "text",
        ]
        read_only_fields = fields


class ReportListSerializer(ReportSerializer):
    class Meta(ReportSerializer.Meta):
        fields = [f for f in ReportSerializer.Meta.fields if f not in ("proposals", "text")]
        read_only_fields = fields

    proposals = None


class ReportCreateSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False,
        trim_whitespace=False,
        allow_blank=True,
        help_text="The report's text; without it, `url` is fetched.",
    )
    published_on = serializers.DateField(
        required=False,
        help_text="The day it was published; its relative dates are read from it. A fetched page's own date is used "
        "when this is not given.",
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    outlet = serializers.CharField(required=False, allow_blank=True, max_length=200)
    url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    language = serializers.CharField(required=False, default="en", max_length=8)


class AcceptSerializer(serializers.Serializer):
    fields = serializers.DictField(
        required=False,
        help_text="Corrections, named as the proposal's own fields (start_date, status, host_country…); "
        "reliability, speaker and quote may be corrected too.",
    )


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


_IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, description="The proposal's ETag: refused with 412 if it changed."
)
_DECIDED = OpenApiResponse(ErrorSerializer, description="The proposal was decided otherwise already.")
_REFUSED = OpenApiResponse(
    ErrorSerializer, description="The record it would write is refused; `fields` names each field and why."
)


@extend_schema_view(
    list=extend_schema(description="Reports read, newest first (without their text and proposals: read one)."),
    retrieve=extend_schema(description="A report with its text, publications and proposals."),
)
class ReportViewSet(RecordIdLookupMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Report.objects.all()
    serializer_class = ReportSerializer
    pagination_class = CursorPagination
    ordering = ["-id"]

    def get_queryset(self):
        reports = Report.objects.all()
        if self.action == "list":
            return reports.defer("text", "signature")
        return reports.prefetch_related("publications", "proposals__decided_by", "proposals__record_type")

    def get_serializer_class(self):
        return ReportListSerializer if self.action == "list" else ReportSerializer

    @extend_schema(
        request=ReportCreateSerializer,
        responses={
            201: ReportSerializer,
            200: OpenApiResponse(ReportSerializer, description="The same text was read before: that report."),
        },
        description="Read a report's text: the report with its proposals. Nothing but the report is written; "
        "the same (or a near-identical) text is the report already read, with this publication added.",
    )
    def create(self, request, *args, **kwargs):
        body = ReportCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        report, created = take_report(
            text=data.get("text", ""),
            url=data.get("url", ""),
            published_on=data.get("published_on"),
            origin=Report.Origin.PASTED,
            title=data.get("title", ""),
            outlet_name=data.get("outlet", ""),
            language=data.get("language", "en"),
            user=request.user,
        )
        report = self.get_queryset().get(pk=report.pk)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ReportSerializer(report, context=self.get_serializer_context()).data, status=code)


class ProposalViewSet(RecordIdLookupMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Proposal.objects.select_related("decided_by", "record_type").order_by("id")
    serializer_class = ProposalSerializer
    pagination_class = CursorPagination
    ordering = ["id"]
    filterset_fields = ["report", "state", "kind", "conflict"]
    write_permission: str | None = None

    def _decide(self, request, decide):
        proposal = self.get_object()
        missing = [p for p in PERMISSIONS[proposal.kind] if not request.user.has_perm(p)]
        if missing:
            raise PermissionDenied(f"Accepting this needs: {', '.join(missing)}.")
        if request.headers.get("If-Match"):
            check_if_match(request, proposal)
        try:
            with transaction.atomic():
                decide(proposal)
        except ValidationError as exc:
            if getattr(exc, "error_dict", None) and "state" in exc.error_dict:
                raise Conflict(" ".join(exc.message_dict["state"])) from None
            raise
        proposal.refresh_from_db()
        response = Response(self.get_serializer(proposal).data)
        response["ETag"] = etag_for(proposal)
        return response

    @extend_schema(
        request=AcceptSerializer,
        parameters=[_IF_MATCH],
        responses={
            200: ProposalSerializer,
            400: _REFUSED,
            409: _DECIDED,
        },
        description="Accept the proposal (with corrections): the record is written, or the matched one cited, "
        "through the same services as the pages. Accepting an accepted proposal returns it unchanged.",
    )
    @action(detail=True, methods=["post"], write_permission="change")
    def accept(self, request, pk=None, format=None):
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = body.validated_data.get("fields") or None
        return self._decide(request, lambda p: services.accept(p, user=request.user, fields=fields))

    @extend_schema(
        request=RejectSerializer,
        parameters=[_IF_MATCH],
        responses={200: ProposalSerializer, 409: _DECIDED},
        description="Reject the proposal, with the reason.",
    )
    @action(detail=True, methods=["post"], write_permission="change")
    def reject(self, request, pk=None, format=None):
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = body.validated_data.get("reason", "")
        return self._decide(request, lambda p: services.reject(p, user=request.user, reason=reason))
