"""Every role against every URL of the project, enumerated from Django's resolver.

``ROWS`` holds one or more rows per URL pattern (a pattern often needs several: someone
else's object, an item hidden by a flag, an unapproved image): how to build the URL, the
method, and the expected answer for each role. ``test_every_url_pattern_has_rows`` fails when
a pattern of the project has no row, so a new URL cannot slip through untested.

"login" means a redirect to a login page (the site's, or the admin's for admin views).
Objects in the rows belong to another user (``world.author``), never to the role's user.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from accounts.models import Verification
from cases.models import CasePage
from cases.models.choices import CaseMode
from curation import services as curation
from discussion import services as discussion
from discussion.models import CaseHold, Comment, Flag
from media_pipeline import approval
from media_pipeline.models import MediaInstance, MediaItem, MediaKind, MediaStatus
from media_pipeline.storage import MediaWriter, new_token
from notifications import services as notifications
from notifications.models import Event
from ops.models import DeadLetter
from search.models import SavedSearch
from tests.factories import (
    CasePageFactory,
    ConditionFactory,
    ProfileFactory,
    make_clinician,
    make_editor,
    make_moderator,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "pending", "rejected", "verified", "editor", "moderator")
#: The apps whose URLs this matrix must cover (Wagtail's own admin and allauth are theirs).
PROJECT_APPS = ("cms", "accounts", "cases", "media_pipeline", "search", "discussion",
                "notifications", "api", "ops", "curation")  # fmt: skip
#: Wagtail's page serving routes every page of the site: the case index, cases and home.
PAGE_SERVING = "wagtail_serve"

L = "login"
#: Wagtail sends an admin user who lacks a permission back to the dashboard with a message.
DENIED = "admin dashboard"
ANYONE = (200,) * 6
VERIFIED = (L, 403, 403, 200, 200, 200)
SIGNED_IN = (L, 200, 200, 200, 200, 200)
#: The JSON API answers 401 instead of sending to the login page.
API_VERIFIED = (401, 403, 403, 200, 200, 200)
API_HIDDEN = (401, 403, 403, 404, 200, 200)
API_WRITE_ONLY = (401, 403, 403, 405, 405, 405)  # GET on an address that takes writes only
ADMIN_EDITORS = (L, L, L, L, 200, DENIED)
ADMIN_MODERATORS = (L, L, L, L, 200, 200)
OTHERS_OBJECT = (L, 403, 403, 404, 404, 404)


@dataclass(frozen=True)
class Row:
    pattern: str  # the URL pattern's name, namespaced
    url: Any  # world -> path
    expected: tuple  # per role, in ROLES order
    method: str = "get"
    data: Any = None  # world -> POST data


ROWS = {
    # pages served by Wagtail
    "home": Row(PAGE_SERVING, lambda w: "/", ANYONE),
    "case index": Row(PAGE_SERVING, lambda w: "/cases/", VERIFIED),
    "case page": Row(PAGE_SERVING, lambda w: w.case.url, VERIFIED),
    "case page held by a flag": Row(
        PAGE_SERVING, lambda w: w.held_case.url, (L, 403, 403, 404, 200, 200)
    ),
    "case never published": Row(PAGE_SERVING, lambda w: w.draft_url, (404,) * 6),
    # accounts
    "profile": Row("accounts:profile", lambda w: "/profile/", (L, 200, 200, 200, 404, 404)),
    "verification queue": Row(
        "accounts_verification_queue", lambda w: "/admin/verification/", ADMIN_EDITORS
    ),
    "verify a clinician": Row(
        "accounts_verify",
        lambda w: f"/admin/verification/{w.applicant.pk}/verify/",
        (L, L, L, L, 302, DENIED),
        "post",
    ),
    "reject a clinician": Row(
        "accounts_reject",
        lambda w: f"/admin/verification/{w.applicant.pk}/reject/",
        (L, L, L, L, 302, DENIED),
        "post",
        lambda w: {"reason": "The number does not match."},
    ),
    # cases: contributing
    "my cases": Row("cases:mine", lambda w: "/contribute/", VERIFIED),
    "post a case": Row("cases:create", lambda w: "/contribute/new/", VERIFIED),
    "edit someone else's case": Row(
        "cases:edit", lambda w: f"/contribute/{w.case.pk}/edit/", OTHERS_OBJECT
    ),
    "preview someone else's case": Row(
        "cases:preview", lambda w: f"/contribute/{w.case.pk}/preview/", OTHERS_OBJECT
    ),
    "submit someone else's case": Row(
        "cases:submit", lambda w: f"/contribute/{w.case.pk}/submit/", OTHERS_OBJECT
    ),
    "autosave a new case": Row(
        "cases:autosave_new",
        lambda w: "/contribute/new/autosave/",
        VERIFIED,
        "post",
        lambda w: {"title": "Half a title"},
    ),
    "autosave someone else's case": Row(
        "cases:autosave",
        lambda w: f"/contribute/{w.case.pk}/autosave/",
        OTHERS_OBJECT,
        "post",
        lambda w: {"title": "Not mine"},
    ),
    "condition lookup": Row("cases:conditions", lambda w: "/contribute/conditions/?q=my", VERIFIED),
    "confirm 'not an identifier' in someone else's case": Row(
        "cases:not_identifier",
        lambda w: f"/contribute/{w.case.pk}/not-an-identifier/",
        OTHERS_OBJECT,
        "post",
        lambda w: {"key": "date:3 March 2024"},
    ),
    "'not an identifier' is POST only": Row(
        "cases:not_identifier",
        lambda w: f"/contribute/{w.case.pk}/not-an-identifier/",
        (L, 403, 403, 405, 405, 405),
    ),
    # search
    "search page": Row("search:search", lambda w: "/search/?q=chest", VERIFIED),
    "search autocomplete": Row(
        "search:autocomplete", lambda w: "/search/autocomplete/?q=ch", VERIFIED
    ),
    "search API": Row(
        "search:api", lambda w: "/api/v1/search/?q=chest", (401, 403, 403, 200, 200, 200)
    ),
    "saved searches": Row("search:saved", lambda w: "/search/saved/", VERIFIED),
    "save a search": Row(
        "search:saved",
        lambda w: "/search/saved/",
        (L, 403, 403, 302, 302, 302),
        "post",
        lambda w: {"q": "pneumonia", "notify": "on"},
    ),
    "delete someone else's saved search": Row(
        "search:saved_delete",
        lambda w: f"/search/saved/{w.saved_search.pk}/delete/",
        OTHERS_OBJECT,
        "post",
    ),
    "deleting a saved search is POST only": Row(
        "search:saved_delete", lambda w: f"/search/saved/{w.saved_search.pk}/delete/", (405,) * 6
    ),
    # media
    "upload to someone else's case": Row(
        "media:upload",
        lambda w: f"/media/upload/{w.case.pk}/",
        (L, 403, 403, 404, 400, 404),
        "post",
    ),
    "upload status of someone else's case": Row(
        "media:status", lambda w: f"/media/status/{w.case.pk}/", (L, 403, 403, 404, 200, 404)
    ),
    "remove someone else's image": Row(
        "media:remove",
        lambda w: f"/media/item/{w.pending_instance.item_id}/remove/",
        (L, 403, 403, 404, 302, 404),
        "post",
    ),
    "approved image": Row(
        "media:file", lambda w: f"/media/file/{w.approved_instance.pk}/thumbnail/", VERIFIED
    ),
    "image awaiting review": Row(
        "media:file",
        lambda w: f"/media/file/{w.pending_instance.pk}/thumbnail/",
        (L, 403, 403, 404, 200, 404),
    ),
    "quarantined image": Row(
        "media:file",
        lambda w: f"/media/file/{w.quarantined_instance.pk}/preview/",
        (L, 403, 403, 404, 200, 404),
    ),
    "frame of an approved image": Row(
        "media:frame",
        lambda w: f"/media/file/{w.approved_instance.pk}/frame/0/",
        (L, 403, 403, 404, 404, 404),  # a photo has no frame renditions
    ),
    "caption someone else's image": Row(
        "media:caption",
        lambda w: f"/media/item/{w.pending_instance.item_id}/caption/",
        (L, 403, 403, 404, 302, 404),
        "post",
        lambda w: {"caption": "Day 3"},
    ),
    "move someone else's image": Row(
        "media:move",
        lambda w: f"/media/item/{w.pending_instance.item_id}/move/",
        (L, 403, 403, 404, 302, 404),
        "post",
        lambda w: {"direction": "up"},
    ),
    "viewer manifest of an approved image": Row(
        "media:viewer", lambda w: f"/media/item/{w.approved_instance.item_id}/viewer/", VERIFIED
    ),
    "viewer manifest of an image awaiting review": Row(
        "media:viewer",
        lambda w: f"/media/item/{w.pending_instance.item_id}/viewer/",
        (L, 403, 403, 404, 200, 404),
    ),
    "viewer manifest of a quarantined image": Row(
        "media:viewer",
        lambda w: f"/media/item/{w.quarantined_instance.item_id}/viewer/",
        (L, 403, 403, 404, 200, 404),  # the editor's answer says why it is not shown
    ),
    "images of someone else's latest version": Row(
        "media:draft", lambda w: f"/media/draft/{w.case.pk}/", (L, 403, 403, 404, 200, 404)
    ),
    "quarantine queue": Row(
        "media_quarantine:queue", lambda w: "/admin/media-quarantine/", ADMIN_EDITORS
    ),
    "review a quarantined image": Row(
        "media_quarantine:review",
        lambda w: f"/admin/media-quarantine/{w.quarantined_instance.item_id}/",
        ADMIN_EDITORS,
    ),
    "withdraw an image": Row(
        "media_quarantine:withdraw",
        lambda w: f"/admin/media-quarantine/{w.approved_instance.item_id}/withdraw/",
        ADMIN_EDITORS,
    ),
    # discussion
    "comment on a case": Row(
        "discussion:comment",
        lambda w: f"/discussion/case/{w.case.pk}/comments/",
        (L, 403, 403, 302, 302, 302),
        "post",
        lambda w: {"body": "A thought"},
    ),
    "comment on a held case": Row(
        "discussion:comment",
        lambda w: f"/discussion/case/{w.held_case.pk}/comments/",
        (L, 403, 403, 404, 302, 302),
        "post",
        lambda w: {"body": "A thought"},
    ),
    "comment on an unpublished case": Row(
        "discussion:comment",
        lambda w: f"/discussion/case/{w.draft.pk}/comments/",
        (L, 403, 403, 404, 404, 404),
        "post",
        lambda w: {"body": "A thought"},
    ),
    "propose a diagnosis": Row(
        "discussion:propose",
        lambda w: f"/discussion/case/{w.case.pk}/proposals/",
        (L, 403, 403, 302, 302, 302),
        "post",
        lambda w: {"diagnosis": "Pericarditis", "rationale": "Saddle ST"},
    ),
    "confirm someone else's diagnosis": Row(
        "discussion:confirm",
        lambda w: f"/discussion/case/{w.case.pk}/confirm/",
        (L, 403, 403, 403, 200, 403),
    ),
    "follow a case": Row(
        "discussion:follow",
        lambda w: f"/discussion/case/{w.case.pk}/follow/",
        (L, 403, 403, 302, 302, 302),
        "post",
    ),
    "edit someone else's comment": Row(
        "discussion:comment-edit",
        lambda w: f"/discussion/comments/{w.comment.pk}/edit/",
        OTHERS_OBJECT,
    ),
    "edit a hidden comment": Row(
        "discussion:comment-edit",
        lambda w: f"/discussion/comments/{w.hidden_comment.pk}/edit/",
        OTHERS_OBJECT,
    ),
    "remove someone else's comment": Row(
        "discussion:comment-remove",
        lambda w: f"/discussion/comments/{w.comment.pk}/remove/",
        (L, 403, 403, 404, 200, 200),
    ),
    "remove a hidden comment": Row(
        "discussion:comment-remove",
        lambda w: f"/discussion/comments/{w.hidden_comment.pk}/remove/",
        (L, 403, 403, 404, 200, 200),
    ),
    "earlier versions of a comment": Row(
        "discussion:comment-history",
        lambda w: f"/discussion/comments/{w.comment.pk}/history/",
        (L, 403, 403, 403, 200, 200),
    ),
    "vote for a proposal": Row(
        "discussion:vote",
        lambda w: f"/discussion/proposals/{w.proposal.pk}/vote/",
        (L, 403, 403, 302, 302, 302),
        "post",
    ),
    "flag a comment": Row(
        "discussion:flag", lambda w: f"/discussion/flag/comment/{w.comment.pk}/", VERIFIED
    ),
    "flag a hidden comment": Row(
        "discussion:flag",
        lambda w: f"/discussion/flag/comment/{w.hidden_comment.pk}/",
        (L, 403, 403, 404, 200, 200),
    ),
    "flag a held case": Row(
        "discussion:flag",
        lambda w: f"/discussion/flag/case/{w.held_case.pk}/",
        (L, 403, 403, 404, 200, 200),
    ),
    "unanswered cases": Row("discussion:unanswered", lambda w: "/discussion/unanswered/", VERIFIED),
    "moderation queue": Row(
        "discussion_moderation:queue", lambda w: "/admin/moderation/", ADMIN_MODERATORS
    ),
    "decide on a flag": Row(
        "discussion_moderation:decide",
        lambda w: f"/admin/moderation/comment/{w.hidden_comment.pk}/dismiss/",
        (L, L, L, L, 302, 302),
        "post",
    ),
    "free-text proposals": Row(
        "discussion_moderation:free-text", lambda w: "/admin/moderation/proposals/", ADMIN_EDITORS
    ),
    "map a free-text proposal": Row(
        "discussion_moderation:map",
        lambda w: f"/admin/moderation/proposals/{w.free_text_proposal.pk}/map/",
        (L, L, L, L, 302, DENIED),
        "post",
        lambda w: {"condition": w.proposal.condition.name},
    ),
    # the JSON API (/api/v1/; writes with JSON bodies: tests/api/test_authentication.py)
    "API: comments of a case": Row(
        "api:case-comments", lambda w: f"/api/v1/cases/{w.case.pk}/comments/", API_VERIFIED
    ),
    "API: comments of a held case": Row(
        "api:case-comments", lambda w: f"/api/v1/cases/{w.held_case.pk}/comments/", API_HIDDEN
    ),
    "API: comments of an unpublished case": Row(
        "api:case-comments",
        lambda w: f"/api/v1/cases/{w.draft.pk}/comments/",
        (401, 403, 403, 404, 404, 404),
    ),
    "API: someone else's comment": Row(
        "api:comment", lambda w: f"/api/v1/comments/{w.comment.pk}/", API_VERIFIED
    ),
    "API: a hidden comment": Row(
        "api:comment", lambda w: f"/api/v1/comments/{w.hidden_comment.pk}/", API_HIDDEN
    ),
    "API: remove someone else's comment": Row(
        "api:comment",
        lambda w: f"/api/v1/comments/{w.comment.pk}/",
        (401, 403, 403, 403, 204, 204),
        "delete",
    ),
    "API: earlier versions of a comment": Row(
        "api:comment-versions",
        lambda w: f"/api/v1/comments/{w.comment.pk}/versions/",
        (401, 403, 403, 403, 200, 200),
    ),
    "API: proposals of a case": Row(
        "api:case-proposals", lambda w: f"/api/v1/cases/{w.case.pk}/proposals/", API_VERIFIED
    ),
    "API: vote for someone else's proposal": Row(
        "api:proposal-vote",
        lambda w: f"/api/v1/proposals/{w.proposal.pk}/vote/",
        API_VERIFIED,
        "post",
    ),
    "API: confirmed diagnosis (none yet)": Row(
        "api:case-confirmed-diagnosis",
        lambda w: f"/api/v1/cases/{w.case.pk}/confirmed-diagnosis/",
        (401, 403, 403, 404, 404, 404),
    ),
    "API: following a case": Row(
        "api:case-follow", lambda w: f"/api/v1/cases/{w.case.pk}/follow/", API_VERIFIED
    ),
    "API: flags": Row("api:flags", lambda w: "/api/v1/flags/", API_WRITE_ONLY),
    "API: notifications": Row(
        "api:notifications", lambda w: "/api/v1/notifications/", (401, 200, 200, 200, 200, 200)
    ),
    "API: mark someone else's notification read": Row(
        "api:notification-read",
        lambda w: f"/api/v1/notifications/{w.notification.pk}/read/",
        (401, 404, 404, 404, 404, 404),
        "post",
    ),
    "API: mark all read": Row(
        "api:notifications-read-all",
        lambda w: "/api/v1/notifications/read-all/",
        (401, 200, 200, 200, 200, 200),
        "post",
    ),
    "API: an unknown address": Row("api:not-found", lambda w: "/api/v1/no-such-thing/", (404,) * 6),
    # operations: probes for load balancers (no content, tests/ops/test_health.py) and the
    # failed-tasks list for editors (tests/ops/test_dead_letters.py)
    "liveness probe": Row("healthz", lambda w: "/healthz", ANYONE),
    "readiness probe": Row("readyz", lambda w: "/readyz", ANYONE),
    "failed tasks": Row("dead_letters:list", lambda w: "/admin/dead-letters/", ADMIN_EDITORS),
    "retry or dismiss a failed task": Row(
        "dead_letters:resolve",
        lambda w: f"/admin/dead-letters/{w.dead_letter.pk}/",
        (L, L, L, L, 302, DENIED),
        "post",
        lambda w: {"action": "dismiss"},
    ),
    # notifications: for every signed-in user (verification news reaches the unverified)
    "notifications": Row("notifications:list", lambda w: "/notifications/", SIGNED_IN),
    "open someone else's notification": Row(
        "notifications:open",
        lambda w: f"/notifications/{w.notification.pk}/open/",
        (L, 404, 404, 404, 404, 404),
        "post",
    ),
    "mark all read": Row(
        "notifications:read-all",
        lambda w: "/notifications/read-all/",
        (L, 302, 302, 302, 302, 302),
        "post",
    ),
    "email preferences": Row(
        "notifications:preferences", lambda w: "/notifications/preferences/", SIGNED_IN
    ),
    "unsubscribe link": Row(
        "notifications:unsubscribe",
        lambda w: f"/notifications/unsubscribe/{notifications.unsubscribe_token(w.author)}/",
        ANYONE,
    ),
    "forged unsubscribe link": Row(
        "notifications:unsubscribe", lambda w: "/notifications/unsubscribe/forged/", (400,) * 6
    ),
    # curation: collections (Wagtail pages), quiz, specialties, saved collections
    "collections index": Row(PAGE_SERVING, lambda w: "/collections/", VERIFIED),
    "collection page": Row(PAGE_SERVING, lambda w: w.collection.url, VERIFIED),
    "quiz start": Row(PAGE_SERVING, lambda w: f"{w.collection.url}quiz/", VERIFIED),
    "quiz step before starting": Row(
        PAGE_SERVING, lambda w: f"{w.collection.url}quiz/1/", (L, 403, 403, 302, 302, 302)
    ),
    "quiz result before starting": Row(
        PAGE_SERVING, lambda w: f"{w.collection.url}quiz/result/", (L, 403, 403, 302, 302, 302)
    ),
    "start a quiz": Row(
        PAGE_SERVING, lambda w: f"{w.collection.url}quiz/", (L, 403, 403, 302, 302, 302), "post"
    ),
    "specialties": Row("curation:specialties", lambda w: "/specialties/", VERIFIED),
    "specialty page": Row(
        "curation:specialty", lambda w: f"/specialties/{w.case.specialty.slug}/", VERIFIED
    ),
    "unknown specialty": Row(
        "curation:specialty", lambda w: "/specialties/no-such-thing/", (L, 403, 403, 404, 404, 404)
    ),
    "saved collections": Row("curation:saved", lambda w: "/saved/", VERIFIED),
    "new saved collection": Row("curation:saved-create", lambda w: "/saved/new/", VERIFIED),
    "save a case": Row("curation:save-case", lambda w: f"/saved/case/{w.case.pk}/", VERIFIED),
    "save a held case": Row(
        "curation:save-case", lambda w: f"/saved/case/{w.held_case.pk}/", OTHERS_OBJECT
    ),
    "someone else's saved collection": Row(
        "curation:saved-detail", lambda w: f"/saved/{w.saved.pk}/", OTHERS_OBJECT
    ),
    "remove from someone else's saved collection": Row(
        "curation:saved-remove",
        lambda w: f"/saved/{w.saved.pk}/remove/{w.case.pk}/",
        OTHERS_OBJECT,
        "post",
    ),
    "share someone else's saved collection": Row(
        "curation:saved-share",
        lambda w: f"/saved/{w.saved.pk}/share/",
        OTHERS_OBJECT,
        "post",
        lambda w: {"user": w.author.username},
    ),
    "unshare someone else's saved collection": Row(
        "curation:saved-unshare",
        lambda w: f"/saved/{w.saved.pk}/unshare/{w.author.pk}/",
        OTHERS_OBJECT,
        "post",
    ),
    "delete someone else's saved collection": Row(
        "curation:saved-delete", lambda w: f"/saved/{w.saved.pk}/delete/", OTHERS_OBJECT, "post"
    ),
    "review queue": Row("curation_review_queue", lambda w: "/admin/review-queue/", ADMIN_EDITORS),
    "approve from the review queue": Row(
        "curation_review_decision",
        lambda w: f"/admin/review-queue/{w.review_state.pk}/approve/",
        (L, L, L, L, 302, DENIED),
        "post",
    ),
    "outcomes overdue": Row(
        "curation_overdue_queue", lambda w: "/admin/outcomes-overdue/", ADMIN_EDITORS
    ),
    "remind an author": Row(
        "curation_remind",
        lambda w: f"/admin/outcomes-overdue/{w.overdue_case.pk}/remind/",
        (L, L, L, L, 302, DENIED),
        "post",
    ),
    "peer review form": Row(
        "curation_peer_review", lambda w: f"/admin/peer-review/{w.case.pk}/", ADMIN_EDITORS
    ),
    "delete a quarantined image": Row(
        "media_quarantine:delete",
        lambda w: f"/admin/media-quarantine/{w.quarantined_instance.item_id}/delete/",
        (L, L, L, L, 302, DENIED),
        "post",
    ),
}


def _project_patterns(patterns, namespace=None):
    """(name, module) of every URL pattern whose view is the project's own."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from _project_patterns(entry.url_patterns, joined)
        elif isinstance(entry, URLPattern):
            view = entry.callback
            while hasattr(view, "__wrapped__"):
                view = view.__wrapped__
            module = getattr(view, "__module__", "") or ""
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            if module.split(".")[0] in PROJECT_APPS or entry.name == PAGE_SERVING:
                yield name


def test_every_url_pattern_has_rows():
    patterns = set(_project_patterns(get_resolver().url_patterns))
    covered = {row.pattern for row in ROWS.values()}
    assert None not in patterns, "every project URL pattern needs a name"
    assert patterns - covered == set(), "add rows to ROWS for these URL patterns"
    assert covered - patterns == set(), "these rows name patterns that do not exist"


@dataclass
class World:
    author: Any
    case: Any
    held_case: Any
    draft: Any
    draft_url: str
    comment: Any
    hidden_comment: Any
    proposal: Any
    free_text_proposal: Any
    applicant: Any
    approved_instance: Any
    pending_instance: Any
    quarantined_instance: Any
    notification: Any
    dead_letter: Any
    collection: Any
    saved: Any
    saved_search: Any
    review_state: Any
    overdue_case: Any


def _stored_photo(page, author, status=MediaStatus.READY):
    """A photo item of ``page`` with tiny stored renditions, added to the case's draft."""
    writer = MediaWriter(f"cases/{new_token()}")
    item = MediaItem.objects.create(page=page, kind=MediaKind.PHOTO, status=status)
    instance = MediaInstance.objects.create(
        item=item,
        source_key=writer.save(b"\xff\xd8 not really a jpeg", ".jpg"),
        source_content_type="image/jpeg",
        preview_key=writer.save(b"RIFF preview", ".webp"),
        thumbnail_key=writer.save(b"RIFF thumbnail", ".webp"),
    )
    approval.add_to_draft(page.pk, [item], author)
    return instance


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end; each
    test runs in a savepoint within it, so what a test writes is undone after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> World:
    author = make_clinician()
    case = CasePageFactory(owner=author, case_mode=CaseMode.OPINION)
    held_case = CasePageFactory(owner=author)
    CaseHold.objects.create(page=held_case)
    draft = CasePageFactory(owner=author, live=True)
    draft_url = draft.url
    draft.unpublish()

    approved = _stored_photo(case, author)
    quarantined = _stored_photo(case, author, MediaStatus.QUARANTINED)
    case.refresh_from_db()
    case.get_latest_revision().publish()
    pending = _stored_photo(case, author)

    comment = discussion.add_comment(case, author, "My own thoughts")
    hidden = discussion.add_comment(case, author, "Seen at St Elsewhere")
    Comment.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    Flag.objects.create(
        reporter=make_clinician(),
        content_type_id=_content_type(Comment),
        object_id=hidden.pk,
        page=case,
        reason="identifier",
    )
    proposal = discussion.propose(case, author, condition=ConditionFactory(), rationale="why")
    free_text = discussion.propose(case, author, free_text="Something unusual", rationale="why")
    notification = notifications.notify([author.pk], Event.COMMENT, page_id=case.pk)[0]
    case.refresh_from_db()
    collection = _collection(case)
    saved = curation.create_saved_collection(author, "Teaching file")
    curation.save_case(saved, case, author)
    submitted = CasePageFactory(owner=author, live=False)
    submitted.save_revision(user=author)
    review_state = submitted.get_workflow().start(submitted, author)
    overdue = CasePageFactory(owner=author, case_mode=CaseMode.OPINION)
    CasePage.objects.filter(pk=overdue.pk).update(
        first_published_at=timezone.now() - timezone.timedelta(days=90)
    )
    return World(
        author=author,
        case=case,
        held_case=held_case,
        draft=draft,
        draft_url=draft_url,
        comment=comment,
        hidden_comment=Comment.objects.get(pk=hidden.pk),
        proposal=proposal,
        free_text_proposal=free_text,
        applicant=ProfileFactory(status=Verification.PENDING),
        approved_instance=approved,
        pending_instance=pending,
        quarantined_instance=quarantined,
        notification=notification,
        dead_letter=DeadLetter.objects.create(
            task_path="search.tasks.index_case_task", args=[case.pk], error="KeyError"
        ),
        collection=collection,
        saved=saved,
        saved_search=SavedSearch.objects.create(user=author, name="Pneumonia", query="pneumonia"),
        review_state=review_state,
        overdue_case=overdue,
    )


def _collection(case):
    from curation.models import CollectionIndexPage, CollectionItem, CollectionPage

    collection = CollectionPage(title="Chest pain essentials", intro="Five cases.", quiz=True)
    collection.items = [CollectionItem(case=case, note="Look at the ECG.")]
    CollectionIndexPage.objects.get().add_child(instance=collection)
    return collection


def _content_type(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def _user_for(role):
    if role == "anonymous":
        return None
    if role == "editor":
        return make_editor()
    if role == "moderator":
        return make_moderator()
    return make_clinician(status=getattr(Verification, role.upper()))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROWS))
def test_access(client, world, name, role):
    row = ROWS[name]
    url = row.url(world)
    assert resolve(url.split("?")[0]).view_name == row.pattern, "the row's URL is another pattern's"
    client.logout()  # building the world signed in its author
    user = _user_for(role)
    if user:
        client.force_login(user)

    data = row.data(world) if row.data else {}
    response = getattr(client, row.method)(url, data) if row.method != "get" else client.get(url)

    expected = row.expected[ROLES.index(role)]
    if expected == L:
        assert response.status_code == 302
        assert "login" in response["Location"]
    elif expected == DENIED:
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    else:
        assert response.status_code == expected, response.content.decode()[:500]


def test_pending_user_sees_verification_page(client, world):
    client.logout()
    client.force_login(make_clinician(status=Verification.PENDING))
    response = client.get(world.case.url)
    assert b"verification is pending" in response.content
    assert b"crushing" not in response.content


def test_rejected_user_sees_the_reason(client, world):
    user = make_clinician(status=Verification.REJECTED)
    user.clinician_profile.rejection_reason = "The GMC number does not match your name."
    user.clinician_profile.save()
    client.force_login(user)
    response = client.get("/cases/")
    assert b"does not match your name" in response.content


def test_anonymous_landing_does_not_list_cases(client, world):
    client.logout()
    response = client.get("/")
    assert b"Sign up" in response.content
    assert b"Case " not in response.content


def test_inactive_verified_user_sees_nothing(client, world):
    user = make_clinician()
    user.is_active = False
    user.save()
    client.force_login(user)
    assert client.get("/cases/").status_code in (302, 403)


@pytest.mark.parametrize(
    "url",
    [
        "/discussion/case/99999999999999999999/follow/",
        "/discussion/comments/9223372036854775808/edit/",
        "/media/file/99999999999999999999/preview/",
        "/notifications/99999999999999999999/open/",
        "/api/v1/cases/99999999999999999999/comments/",
        "/saved/99999999999999999999/delete/",
    ],
)
def test_ids_too_large_for_the_database_are_not_found(client, world, url):
    client.force_login(make_clinician())

    assert client.post(url).status_code == 404
