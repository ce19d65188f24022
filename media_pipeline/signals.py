"""Signals other apps may listen to (search reindexes a case when its media changes)."""

from django.dispatch import Signal

# Sent with ``page_id=`` after a committed change that may alter which media of that case
# peers see: an item released or redacted from quarantine, or withdrawn by an editor.
# (Publishing a revision changes them too; that is the page_published signal.)
media_changed = Signal()
