"""Signals other apps may listen to."""

from django.dispatch import Signal

# Sent inside the transaction that records an editor's decision on a registration, with
# ``profile=``, ``by=`` (the editor) and ``verified=`` (True, or False for a rejection).
verification_decided = Signal()
