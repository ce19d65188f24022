"""Following a case: explicit follow and unfollow, and the automatic follow of taking part."""

from discussion.models import Follow


def follow(user, page) -> Follow:
    row, _ = Follow.objects.update_or_create(user=user, page=page, defaults={"following": True})
    return row


def unfollow(user, page) -> Follow:
    row, _ = Follow.objects.update_or_create(user=user, page=page, defaults={"following": False})
    return row


def follow_on_taking_part(user, page) -> None:
    """Authors and participants follow a case, unless they once unfollowed it."""
    if user is not None:
        Follow.objects.get_or_create(user=user, page=page)


def mark_seen(user, page) -> None:
    """The user opened the case: activity up to now is no longer news (one UPDATE)."""
    from django.utils import timezone

    Follow.objects.filter(user=user, page=page, following=True).update(last_seen_at=timezone.now())


def is_following(user, page) -> bool:
    row = Follow.objects.filter(user=user, page=page).values_list("following", flat=True).first()
    if row is None:
        return page.owner_id == user.pk
    return row
