"""No lost edits: a form remembers the version it was loaded with and refuses a stale save.

Two editors open the same visit; the first saves; when the second saves, the version the
form was loaded with is no longer the record's, so the save is refused with what the other
editor changed (from the audit history), and nothing is overwritten.
"""

from django import forms
from django.db import transaction


def changes_since(instance, loaded_version: int) -> list[str]:
    """'editor changed locale from "Dushanbe" to "Khujand" (2026-11-27 21:40)' for each later edit."""
    history = getattr(instance, "history", None)
    if history is None:
        return []
    records = list(
        history.filter(version__gte=loaded_version)
        .order_by("history_date", "history_id")
        .select_related("history_user")
    )
    lines = []
    for previous, record in zip(records, records[1:], strict=False):
        delta = record.diff_against(previous)
        who = record.history_user.get_username() if record.history_user else "an import or a script"
        changed = [
            f"{change.field} from {_shown(change.old)} to {_shown(change.new)}"
            for change in delta.changes
            if change.field not in ("version", "updated_at")
        ]
        if changed:
            lines.append(f"{who} changed {', '.join(changed)} ({record.history_date:%Y-%m-%d %H:%M})")
    return lines


def _shown(value) -> str:
    return "nothing" if value in (None, "") else f"“{value}”"


def stale_edit_message(instance, loaded_version: int, current_version: int) -> str:
    name = instance._meta.verbose_name
    lines = changes_since(instance, loaded_version)
    detail = "; ".join(lines) if lines else "the details are in its history"
    return (
        f"This {name} was changed by someone else after you opened it (your copy is version {loaded_version}, "
        f"it is now version {current_version}): {detail}. Your changes were not saved; reload the page and make them again."
    )


class VersionedModelForm(forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        loaded = cleaned.get("loaded_version")
        if loaded is None:
            raise forms.ValidationError("This form is missing the version it was loaded with; reload the page.")
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        if transaction.get_connection().in_atomic_block:
            # Held until the save commits, so nobody slips in between this check and the save.
            rows = rows.select_for_update()
        current = rows.values_list("version", flat=True).get()
        if current != loaded:
            raise forms.ValidationError(stale_edit_message(self.instance, loaded, current), code="stale")
        return cleaned
