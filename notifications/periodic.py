"""Periodic jobs of notifications (see ops.periodic and docs/operations.md)."""

from datetime import timedelta

from notifications.tasks import send_daily_digests_task, send_outcome_reminders_task
from ops.periodic import register

# Hourly, although a digest is daily: each user's digest is due 24 hours after their last
# one, so digests spread over the day and a missed hour delays them by an hour, not a day.
register(
    "send-daily-digests",
    send_daily_digests_task,
    every=timedelta(hours=1),
    purpose="Email each daily-digest user whose last digest is a day old their unread, "
    "un-emailed notifications in one message (who did what, no clinical text).",
)
register(
    "send-outcome-reminders",
    send_outcome_reminders_task,
    every=timedelta(hours=1),
    purpose="Remind, once, the author of an opinion case published "
    "CASEBOOK_OUTCOME_REMINDER_DAYS ago without a confirmed diagnosis to record the outcome.",
)
