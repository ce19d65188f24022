"""Signals other apps may listen to (search reindexes a case when its media changes)."""

from django.dispatch import Signal

# Sent with ``page_id=`` after a media item of that case became ready and the change is
# committed.
media_ready = Signal()
