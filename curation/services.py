"""Every write of editorial curation: featuring, the case of the week, peer review, personal
collections and their sharing, outcome reminders. Views, hooks, tasks and the demo seed call
these. Editors' decisions go to Wagtail's audit log on the case (its history shows them) and
tell the case's author.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from accounts.models import Verification
from cases.models import CasePage
from curation.listings import is_listable
from curation.models import (
    CollectionShare,
    HomeFeaturedCase,
    PeerReview,
    SavedCase,
    SavedCollection,
)
from curation.models.saved import MAX_TITLE_LENGTH
from notifications.models import Event
from notifications.services import notify
from ops.commit import run_after_commit

FEATURED = "casebook.curation.feature"
UNFEATURED = "casebook.curation.unfeature"
WEEKLY = "casebook.curation.case_of_the_week"
PEER_REVIEWED = "casebook.curation.peer_review"
PEER_REVIEW_CLEARED = "casebook.curation.peer_review_clear"
OUTCOME_REMINDED = "casebook.curation.outcome_reminder"


class Conflict(Exception):
    """A valid request that clashes with what exists (HTTP 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _reindex_on_commit(page_ids) -> None:
    from search.services import enqueue_many

    ids = sorted(set(page_ids))
    if ids:
        run_after_commit(enqueue_many, ids, "index")


# --- Featured cases and the case of the week ---------------------------------------------


@transaction.atomic
def sync_featured(home_id: int, user_id: int | None) -> tuple[set[int], set[int]]:
    """Bring every case's ``featured`` flag in line with the published home page's list (its
    dates aside: the flag means "on the list"); log each change on the case with the editor
    who published, tell the authors of newly featured cases, reindex the changed cases.
    Returns (added, removed) case ids."""
    listed = set(HomeFeaturedCase.objects.filter(home_id=home_id).values_list("case_id", flat=True))
    flagged = set(CasePage.objects.filter(featured=True).values_list("pk", flat=True))
    added, removed = listed - flagged, flagged - listed
    CasePage.objects.filter(pk__in=added).update(featured=True)
    CasePage.objects.filter(pk__in=removed).update(featured=False)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    blurbs = dict(
        HomeFeaturedCase.objects.filter(home_id=home_id, case_id__in=added).values_list(
            "case_id", "blurb"
        )
    )
    for case in CasePage.objects.filter(pk__in=added | removed):
        if case.pk in added:
            log(instance=case, action=FEATURED, user=user, data={"blurb": blurbs.get(case.pk, "")})
            notify([case.owner_id], Event.CASE_FEATURED, actor_id=user_id, page_id=case.pk)
        else:
            log(instance=case, action=UNFEATURED, user=user)
    _reindex_on_commit(added | removed)
    return added, removed


def record_weekly_case(weekly, user) -> None:
    """After an editor scheduled (or changed) a case of the week: the case's history says so
    and its author is told."""
    from curation.home import schedule_changed

    run_after_commit(schedule_changed)
    log(
        instance=weekly.case,
        action=WEEKLY,
        user=user,
        data={"week_starting": weekly.week_starting.isoformat()},
    )
    notify(
        [weekly.case.owner_id],
        Event.CASE_OF_THE_WEEK,
        actor_id=getattr(user, "pk", None),
        page_id=weekly.case_id,
    )


# --- Peer review ---------------------------------------------------------------------------


@transaction.atomic
def mark_peer_reviewed(page: CasePage, editor, reviewer_name: str, reviewed_on) -> PeerReview:
    """Record that ``reviewer_name`` peer reviewed the live case on ``reviewed_on``."""
    if not getattr(editor, "is_editor", False):
        raise PermissionDenied("Only editors can mark a case peer reviewed.")
    name = " ".join(reviewer_name.split())
    if not name:
        raise ValidationError({"reviewer_name": "Name the reviewer, as peers should see it."})
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "The review date cannot be in the future."})
    if not page.live:
        raise ValidationError("Only a published case can be marked peer reviewed.")
    review, _ = PeerReview.objects.update_or_create(
        page=page,
        defaults={
            "reviewer_name": name[:120],
            "reviewed_on": reviewed_on,
            "marked_by": editor,
            "marked_at": timezone.now(),
        },
    )
    log(
        instance=page,
        action=PEER_REVIEWED,
        user=editor,
        data={"reviewer": review.reviewer_name, "reviewed_on": reviewed_on.isoformat()},
    )
    notify([page.owner_id], Event.PEER_REVIEWED, actor_id=editor.pk, page_id=page.pk)
    _reindex_on_commit([page.pk])
    return review


@transaction.atomic
def clear_peer_review(page: CasePage, editor) -> None:
    if not getattr(editor, "is_editor", False):
        raise PermissionDenied("Only editors can change a case's peer review.")
    deleted, _ = PeerReview.objects.filter(page=page).delete()
    if deleted:
        log(instance=page, action=PEER_REVIEW_CLEARED, user=editor)
        _reindex_on_commit([page.pk])


# --- Outcome reminders ---------------------------------------------------------------------


@transaction.atomic
def remind_outcome(page: CasePage, editor) -> None:
    """An editor asks the author of an overdue case for its outcome (logged on the case)."""
    if not getattr(editor, "is_editor", False):
        raise PermissionDenied("Only editors send outcome reminders.")
    log(instance=page, action=OUTCOME_REMINDED, user=editor)
    notify([page.owner_id], Event.OUTCOME_REMINDER, actor_id=editor.pk, page_id=page.pk)


# --- Personal collections ------------------------------------------------------------------


def _clean_title(title: str) -> str:
    cleaned = " ".join((title or "").split())
    if not cleaned:
        raise ValidationError("Give the collection a name.")
    if len(cleaned) > MAX_TITLE_LENGTH:
        raise ValidationError(f"Collection names are at most {MAX_TITLE_LENGTH} characters.")
    return cleaned


@transaction.atomic
def create_saved_collection(owner, title: str) -> SavedCollection:
    title = _clean_title(title)
    if SavedCollection.objects.filter(owner=owner, title__iexact=title).exists():
        raise Conflict(f"You already have a collection called “{title}”.")
    return SavedCollection.objects.create(owner=owner, title=title)


def save_case(collection: SavedCollection, page: CasePage, user) -> SavedCase:
    """Add a case the user may see to their own collection (once)."""
    if collection.owner_id != user.pk:
        raise PermissionDenied("Only the owner adds cases to a collection.")
    if not is_listable(page):
        raise ValidationError("Only published cases can be saved.")
    try:
        with transaction.atomic():
            return SavedCase.objects.create(collection=collection, page=page)
    except IntegrityError:
        raise Conflict(f"“{page.title}” is already in “{collection.title}”.") from None


def remove_saved_case(collection: SavedCollection, page_id: int, user) -> bool:
    if collection.owner_id != user.pk:
        raise PermissionDenied("Only the owner removes cases from a collection.")
    deleted, _ = SavedCase.objects.filter(collection=collection, page_id=page_id).delete()
    return bool(deleted)


def delete_saved_collection(collection: SavedCollection, user) -> None:
    if collection.owner_id != user.pk:
        raise PermissionDenied("Only the owner deletes a collection.")
    collection.delete()


def colleague_named(name: str):
    """The active, verified clinician whose username (or display name, when only one has
    it) is ``name``, or None."""
    name = " ".join((name or "").split())
    if not name:
        return None
    verified = get_user_model().objects.filter(
        is_active=True, clinician_profile__status=Verification.VERIFIED
    )
    by_username = verified.filter(username__iexact=name).first()
    if by_username is not None:
        return by_username
    matches = list(verified.filter(Q(clinician_profile__display_name__iexact=name))[:2])
    return matches[0] if len(matches) == 1 else None


@transaction.atomic
def share_collection(collection: SavedCollection, owner, name: str) -> CollectionShare:
    """Share read-only with one named, verified colleague, who is told."""
    if collection.owner_id != owner.pk:
        raise PermissionDenied("Only the owner shares a collection.")
    if not " ".join((name or "").split()):
        raise ValidationError("Type a colleague's username or display name.")
    colleague = colleague_named(name)
    if colleague is None:
        raise ValidationError(
            f"No verified clinician is called “{name.strip()[:60]}”: check the username "
            "(collections are shared only with verified colleagues)."
        )
    if colleague.pk == owner.pk:
        raise ValidationError("This is your own collection already.")
    share, created = CollectionShare.objects.get_or_create(collection=collection, user=colleague)
    if not created:
        raise Conflict("This collection is already shared with that colleague.")
    notify([colleague.pk], Event.COLLECTION_SHARED, actor_id=owner.pk)
    return share


def unshare_collection(collection: SavedCollection, owner, user_id: int) -> bool:
    if collection.owner_id != owner.pk:
        raise PermissionDenied("Only the owner changes who a collection is shared with.")
    deleted, _ = CollectionShare.objects.filter(collection=collection, user_id=user_id).delete()
    return bool(deleted)
