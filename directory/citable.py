"""Which records a source can be cited for (Citation.clean, the citation pickers)."""

from django.conf import settings


def is_citable(model) -> bool:
    """Chancery's records, the content apps' models; never audit rows, citations, the computed
    timeline, or users, tokens and other bookkeeping outside those apps."""
    meta = model._meta if model is not None else None
    content = meta is not None and meta.app_label in settings.CHANCERY_CONTENT_APPS and meta.app_label != "timelines"
    return content and meta.label != "directory.Citation" and not meta.model_name.startswith("historical")
