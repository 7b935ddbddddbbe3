"""Signals an app sends so that other apps can follow its changes without importing them."""

from django.dispatch import Signal

# Sent by the import runner after each batch it writes. Bulk writes bypass post_save, so
# anything that follows changes to a model (the timelines) listens for this as well.
# sender: the model class; pks: the primary keys of the rows created or updated.
records_imported = Signal()
