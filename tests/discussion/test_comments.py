"""Comments: safe Markdown, replies one level deep, mentions, edits with history, removal."""

from html.parser import HTMLParser

import pytest

from accounts.models import Verification
from discussion.models import Comment, CommentVersion
from notifications.models import Event, Notification
from tests.factories import CasePageFactory, UserFactory, make_clinician, make_editor

pytestmark = pytest.mark.django_db


def comment_url(case):
    return f"/discussion/case/{case.pk}/comments/"


def test_comment_is_shown_with_its_author(client, case, author, peer, post):
    response = post(peer, comment_url(case), {"body": "Could this be **aortic dissection**?"})

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    page = client.get(case.url).content.decode()
    assert "<strong>aortic dissection</strong>" in page
    assert "Dr Ada Peer" in page and "Doctor, Cardiology" in page and "✓ verified" in page
    post(author, comment_url(case), {"body": "Thank you."})
    page = client.get(case.url).content.decode()
    assert page.count("badge-author") == 1


def elements(html: str) -> list[tuple[str, dict]]:
    """Every element of ``html`` with its attributes (escaped text is not an element)."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>hi",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[pic](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="https://doi.org/10.1000/x" onclick="steal()">x</a>',
        "<iframe src=https://doi.org/10.1000/x></iframe>",
    ],
)
def test_raw_html_and_unsafe_links_never_render(case, peer, post, body):
    post(peer, comment_url(case), {"body": body})

    rendered = elements(Comment.objects.get().body_html)
    assert {tag for tag, _ in rendered} <= {"p", "a"}
    for _, attrs in rendered:
        assert not any(name.startswith("on") for name in attrs)
        assert not attrs.get("href", "https:").startswith(("javascript:", "data:"))


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("", 400, "Your comment is empty."),
        ("   \n  ", 400, "Your comment is empty."),
        ("x" * 10_001, 400, "the limit is 10,000"),
        ("Drug \u202egnp.exe", 400, "invisible control character (U+202E)"),
        ("bell \x07 here", 400, "invisible control character (U+0007)"),
    ],
)
def test_bad_comments_are_refused_and_keep_the_text(case, peer, post, body, status, message):
    response = post(peer, comment_url(case), {"body": body})

    assert response.status_code == status
    assert message in response.content.decode()
    assert not Comment.objects.exists()
    if body.strip():
        assert body[:50] in response.content.decode()  # the text is there to copy


def test_emoji_and_combining_characters_are_fine(case, peer, post):
    assert post(peer, comment_url(case), {"body": "Agree 👍🏽 — café, naïve"}).status_code == 302
    assert Comment.objects.get().body == "Agree 👍🏽 — café, naïve"


def test_replies_are_one_level_deep(client, case, peer, other_peer, post):
    post(peer, comment_url(case), {"body": "Top"})
    top = Comment.objects.get()
    post(other_peer, comment_url(case), {"body": "Reply", "parent": top.pk})
    reply = Comment.objects.get(body="Reply")
    post(peer, comment_url(case), {"body": "Reply to reply", "parent": reply.pk})

    assert reply.parent_id == top.pk
    assert Comment.objects.get(body="Reply to reply").parent_id == top.pk
    notified = Notification.objects.filter(recipient=peer, event=Event.REPLY)
    assert notified.count() == 1


def test_replies_to_removed_or_foreign_comments_are_refused(case, peer, other_peer, post):
    post(peer, comment_url(case), {"body": "Top"})
    top = Comment.objects.get()
    post(peer, f"/discussion/comments/{top.pk}/remove/")
    elsewhere = CasePageFactory()

    removed = post(other_peer, comment_url(case), {"body": "Answer", "parent": top.pk})
    foreign = post(other_peer, comment_url(elsewhere), {"body": "Answer", "parent": top.pk})

    assert removed.status_code == 409
    assert "removed, so it cannot be answered" in removed.content.decode()
    assert foreign.status_code == 409
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("state", ["draft", "unpublished", "held"])
def test_no_comments_on_cases_peers_cannot_see(case, author, peer, post, state):
    if state == "draft":
        case = CasePageFactory(owner=author, live=False)
    elif state == "unpublished":
        case.unpublish()
    else:
        from discussion.models import CaseHold

        CaseHold.objects.create(page=case)

    response = post(peer, comment_url(case), {"body": "Hello"})

    assert response.status_code == 404
    assert not Comment.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "pending", "rejected"])
def test_only_verified_clinicians_comment(client, case, role):
    if role != "anonymous":
        client.force_login(make_clinician(status=getattr(Verification, role.upper())))

    response = client.post(comment_url(case), {"body": "Hello"})

    assert response.status_code in (302, 403)
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_mentions_by_username_and_display_name(client, case, peer, other_peer, post):
    body = f"@{other_peer.username} and @[Dr Ada Peer], also @nobody-here and @[Nobody Known]"
    editor = make_editor()

    post(editor, comment_url(case), {"body": body})

    comment = Comment.objects.get()
    assert set(comment.mentions.all()) == {peer, other_peer}
    assert comment.body_html.count('class="mention"') == 2
    assert "@nobody-here" in comment.body_html and "@[Nobody Known]" in comment.body_html
    events = set(Notification.objects.values_list("recipient__username", "event"))
    assert (peer.username, Event.MENTION) in events
    assert (other_peer.username, Event.MENTION) in events


def test_a_mention_of_an_unverified_user_stays_plain(case, peer, post):
    pending = make_clinician(status=Verification.PENDING)

    post(peer, comment_url(case), {"body": f"Ask @{pending.username}"})

    assert not Comment.objects.get().mentions.exists()
    assert not Notification.objects.filter(recipient=pending).exists()


def test_edit_marks_edited_and_keeps_history(client, case, peer, post):
    post(peer, comment_url(case), {"body": "First thoughts"})
    comment = Comment.objects.get()

    response = post(peer, f"/discussion/comments/{comment.pk}/edit/", {"body": "Second thoughts"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Second thoughts" and comment.edited_at is not None
    assert list(CommentVersion.objects.values_list("body", flat=True)) == ["First thoughts"]
    assert "· edited" in client.get(case.url).content.decode()
    client.force_login(make_editor())
    history = client.get(f"/discussion/comments/{comment.pk}/history/").content.decode()
    assert "First thoughts" in history and "Second thoughts" in history


def test_only_the_author_edits_and_only_moderators_see_history(
    client, case, peer, other_peer, post
):
    post(peer, comment_url(case), {"body": "Mine"})
    comment = Comment.objects.get()

    assert (
        post(other_peer, f"/discussion/comments/{comment.pk}/edit/", {"body": "x"}).status_code
        == 404
    )
    assert client.get(f"/discussion/comments/{comment.pk}/history/").status_code == 403
    assert Comment.objects.get().body == "Mine"


def test_edit_with_bad_text_changes_nothing(case, peer, post):
    post(peer, comment_url(case), {"body": "Keep me"})
    comment = Comment.objects.get()

    response = post(peer, f"/discussion/comments/{comment.pk}/edit/", {"body": ""})

    assert response.status_code == 400
    assert Comment.objects.get().body == "Keep me"
    assert not CommentVersion.objects.exists()


def test_removal_leaves_a_placeholder_and_wipes_the_text(client, case, peer, other_peer, post):
    post(peer, comment_url(case), {"body": "Oops, too much detail"})
    comment = Comment.objects.get()
    post(other_peer, comment_url(case), {"body": "A reply", "parent": comment.pk})

    assert post(other_peer, f"/discussion/comments/{comment.pk}/remove/").status_code == 404
    response = post(peer, f"/discussion/comments/{comment.pk}/remove/")

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_removed and comment.body == "" and comment.body_html == ""
    page = client.get(case.url).content.decode()
    assert "Comment removed." in page and "too much detail" not in page
    assert "A reply" in page


def test_a_deleted_user_leaves_a_readable_thread(client, case, post):
    leaving = make_clinician(user=UserFactory(username="leaving"))
    post(leaving, comment_url(case), {"body": "Still useful"})
    leaving.delete()

    client.force_login(make_clinician())
    page = client.get(case.url).content.decode()
    assert "Still useful" in page and "Former member" in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_comment_posted_while_the_task_queue_is_away_is_kept(client, case, peer, monkeypatch):
    # Its follow-up (reindex, notifications) cannot be enqueued: the comment is committed,
    # the error logged, and the author sees the comment, not a 500 (a Django 5.2 robust
    # on-commit hook that is a functools.partial turned the error into one).
    from django_tasks.base import Task
    from redis.exceptions import ConnectionError

    def refuse(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "enqueue", refuse)
    client.force_login(peer)
    response = client.post(comment_url(case), {"body": "Seen this before?"})

    assert response.status_code == 302
    assert Comment.objects.get().body == "Seen this before?"
