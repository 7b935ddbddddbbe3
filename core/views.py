from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found


@require_GET
@never_cache
def health(request):
    """Liveness for load balancers and compose health checks: answers only if the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    """404s under /api/ answer in the API's error shape; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        body = {"error": {"status": 404, "code": "not_found", "message": f"Nothing at {request.path}."}}
        return JsonResponse(body, status=404)
    return page_not_found(request, exception)
