"""`GET /trade/flows/{id}/revisions/`: what later releases of its dataset changed in a figure."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from trade.models import FlowRevision


class FlowRevisionSerializer(serializers.ModelSerializer):
    import_run = serializers.IntegerField(source="import_run_id", allow_null=True, help_text="The run that loaded it.")

    class Meta:
        model = FlowRevision
        fields = ["id", "old_value", "new_value", "old_release", "new_release", "import_run", "recorded_at"]


class FlowRevisionsMixin:
    """Adds the revisions endpoint to the flows' viewset."""

    @extend_schema(
        responses={200: FlowRevisionSerializer(many=True)},
        description="The figure's revisions, oldest first: each later release that changed its value, with the "
        "value and release before and after and the import run that loaded it. Empty for a figure no release "
        "has revised. A figure corrected by hand has its changes in its audit history instead.",
    )
    @action(detail=True, methods=["get"], renderer_classes=api_settings.DEFAULT_RENDERER_CLASSES, pagination_class=None)
    def revisions(self, request, pk=None, format=None):  # format: the router's `.json` suffix route passes it
        flow = self.get_object()
        revisions = flow.revisions.order_by("recorded_at", "id")
        return Response(FlowRevisionSerializer(revisions, many=True).data)
