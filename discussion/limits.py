"""Per-user rate limits on discussion writes (django-ratelimit on Django's cache).

Users verified less than ``NEW_USER_DAYS`` ago get the lower ``NEW_`` rates.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

MESSAGES = {
    "comment": "You have posted many comments in a short time. Please wait a while.",
    "proposal": "You have proposed many diagnoses in a short time. Please wait a while.",
    "vote": "You have voted many times in a short time. Please wait a while.",
    "flag": "You have flagged many posts today. Moderators will look at them; try again tomorrow.",
}


class RateLimited(Exception):
    def __init__(self, action: str):
        super().__init__(MESSAGES[action])
        self.message = MESSAGES[action]


def _rate_for(action: str):
    def rate(group, request):
        rates = settings.CASEBOOK_DISCUSSION["RATES"]
        return rates[f"NEW_{action}"] if _is_new(request.user) else rates[action]

    return rate


def _is_new(user) -> bool:
    profile = getattr(user, "clinician_profile", None)
    if profile is None or profile.reviewed_at is None:
        return not getattr(user, "is_moderator", False)
    days = settings.CASEBOOK_DISCUSSION["NEW_USER_DAYS"]
    return profile.reviewed_at > timezone.now() - timedelta(days=days)


def check_rate(request, action: str) -> None:
    """Count one ``action`` by the request's user; RateLimited when over the limit."""
    if is_ratelimited(
        request,
        group=f"discussion.{action}",
        key="user",
        rate=_rate_for(action),
        method=is_ratelimited.ALL,
        increment=True,
    ):
        raise RateLimited(action)
