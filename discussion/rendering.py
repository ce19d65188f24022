"""HTML of comment threads and proposals, built in Python rather than template includes.

A busy case has hundreds of comments; rendering each through nested template includes,
``{% url %}`` tags and date filters cost about 20 ms per hundred, and ``format_html`` per
fragment about half of that again (docs/performance.md). Here the fragments are plain
f-strings: every value that comes from a person or the database passes through ``_e``
(``html.escape``, the same five characters Django escapes); bodies are the sanitised HTML
stored at save time. The markup matches what the templates rendered before, so styles and
tests hold.
"""

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from accounts.models import Verification

#: An id no object has, to turn one ``reverse`` into a URL pattern for every id.
_SLOT = 987654321

_HIDDEN_BADGE = ' <span class="badge badge-warning">hidden while a moderator reviews it</span>'


def _e(value) -> str:
    return escape(str(value))


def _url_maker(name: str, *args):
    head, tail = (_e(part) for part in reverse(name, args=[*args, _SLOT]).split(str(_SLOT)))
    return lambda pk: f"{head}{int(pk)}{tail}"


class DiscussionRenderer:
    """Renders the posts of one case for one reader."""

    def __init__(self, viewer, page, *, moderator: bool, csrf_token: str):
        self.viewer_id = viewer.pk
        self.owner_id = page.owner_id
        self.moderator = moderator
        self.csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(csrf_token)}">'
        self.edit_url = _url_maker("discussion:comment-edit")
        self.remove_url = _url_maker("discussion:comment-remove")
        self.history_url = _url_maker("discussion:comment-history")
        self.flag_comment_url = _url_maker("discussion:flag", "comment")
        self.flag_proposal_url = _url_maker("discussion:flag", "proposal")
        self.vote_url = _url_maker("discussion:vote")
        self._authors: dict[int | None, str] = {}

    def author(self, user) -> str:
        """Display name, profession and specialty, verified and "author" marks."""
        key = user.pk if user is not None else None
        if key not in self._authors:
            self._authors[key] = self._author(user)
        return self._authors[key]

    def _author(self, user) -> str:
        if user is None:
            return '<span class="author"><strong>Former member</strong></span>'
        profile = getattr(user, "clinician_profile", None)
        if profile is None:
            parts = f'<strong>{_e(user.username)}</strong> <span class="badge">editor</span>'
        else:
            specialty = f", {profile.specialty.name}" if profile.specialty_id else ""
            meta = f"{profile.get_profession_display()}{specialty}"
            parts = (
                f"<strong>{_e(profile.display_name)}</strong>"
                f'<span class="meta"> · {_e(meta)}</span>'
            )
            if profile.status == Verification.VERIFIED:
                parts += (
                    ' <span class="badge badge-verified" title="Registration checked by '
                    'an editor">✓ verified</span>'
                )
        if user.pk == self.owner_id:
            parts += ' <span class="badge badge-author">author</span>'
        return f'<span class="author">{parts}</span>'

    def comment(self, comment, *, reply: bool) -> str:
        pk = int(comment.pk)
        created = localtime(comment.created_at)
        when = f'<time datetime="{created.isoformat()}">{created.day} {created:%b %Y, %H:%M}</time>'
        edited = " · edited" if comment.edited_at and not comment.is_removed else ""
        hidden = _HIDDEN_BADGE if comment.is_hidden else ""
        header = (
            f'<header class="comment-header" id="comment-{pk}-by">'
            f'{self.author(comment.author)}<span class="meta"> · {when}{edited}</span>'
            f"{hidden}</header>"
        )
        if comment.is_removed:
            body = '<p class="comment-removed">Comment removed.</p>'
        else:
            body = (
                f'<div class="comment-body">{comment.body_html}</div>'
                f'<p class="comment-actions">{self._comment_actions(comment, reply)}</p>'
            )
        classes = "comment comment-hidden" if comment.is_hidden else "comment"
        return (
            f'<article class="{classes}" id="comment-{pk}" aria-labelledby="comment-{pk}-by">'
            f"{header}{body}</article>"
        )

    def _comment_actions(self, comment, reply: bool) -> str:
        pk = int(comment.pk)
        mine = comment.author_id == self.viewer_id
        links = []
        if not reply:
            links.append(
                f'<button type="button" class="link" data-quote="comment-{pk}" hidden>'
                "Quote</button>"
            )
        if mine:
            links.append(f'<a href="{self.edit_url(pk)}">Edit</a>')
        if mine or self.moderator:
            links.append(f'<a href="{self.remove_url(pk)}">Remove</a>')
        if not mine:
            links.append(f'<a href="{self.flag_comment_url(pk)}">Flag</a>')
        if self.moderator and comment.edited_at:
            links.append(f'<a href="{self.history_url(pk)}">Earlier versions</a>')
        return "\n".join(links)

    def proposal(self, proposal) -> str:
        pk = int(proposal.pk)
        free = ' <span class="meta">(free text)</span>' if not proposal.condition_id else ""
        hidden = _HIDDEN_BADGE if proposal.hidden_at else ""
        votes = int(proposal.vote_total)
        plural = "" if votes == 1 else "s"
        return (
            f'<li class="proposal{" comment-hidden" if proposal.hidden_at else ""}" '
            f'id="proposal-{pk}"><div class="proposal-main">'
            f'<p class="proposal-label"><strong>{_e(proposal.label)}</strong>{free}</p>'
            f'<div class="proposal-rationale">{proposal.rationale_html}</div>'
            f'<p class="meta">Proposed by {self.author(proposal.author)}{hidden}</p></div>'
            f'<div class="proposal-votes"><span class="vote-count" '
            f'aria-label="{votes} vote{plural}">{votes}</span>{self._vote_form(proposal)}'
            "</div></li>"
        )

    def _vote_form(self, proposal) -> str:
        if proposal.author_id == self.viewer_id:
            return ""
        label = _e(proposal.label)
        if proposal.voted:
            button = (
                '<input type="hidden" name="vote" value="remove"><button type="submit" '
                'class="secondary" aria-pressed="true" '
                f'aria-label="Take back your vote for {label}">Voted ✓</button>'
            )
        else:
            button = (
                '<button type="submit" aria-pressed="false" '
                f'aria-label="Vote for {label}">Vote</button>'
            )
        return (
            f'<form method="post" action="{self.vote_url(proposal.pk)}">{self.csrf}{button}'
            f'</form><a class="meta" href="{self.flag_proposal_url(proposal.pk)}">Flag</a>'
        )

    def thread(self, thread, comment_url: str) -> str:
        """A top-level comment (or its placeholder), its replies and a reply form."""
        top = thread.comment
        if top is None:
            head = '<p class="comment-removed">A comment here is being reviewed by a moderator.</p>'
        else:
            head = self.comment(top, reply=False)
        replies = ""
        if thread.replies:
            items = "".join(f"<li>{self.comment(r, reply=True)}</li>" for r in thread.replies)
            replies = f'<ol class="replies">{items}</ol>'
        form = ""
        if top is not None and not top.is_removed and not top.is_hidden:
            pk = int(top.pk)
            form = (
                '<details class="reply"><summary>Reply</summary>'
                f'<form method="post" action="{_e(comment_url)}" class="discussion-form">'
                f'{self.csrf}<input type="hidden" name="parent" value="{pk}">'
                f'<label for="reply-{pk}">Your reply</label>'
                f'<textarea id="reply-{pk}" name="body" rows="3" maxlength="10000" required>'
                '</textarea><button type="submit">Reply</button></form></details>'
            )
        return f'<li class="thread">{head}{replies}{form}</li>'


def render_threads(renderer: DiscussionRenderer, threads, comment_url: str) -> SafeString:
    # Safe: every fragment escapes what it interpolates (``_e``) or is sanitised HTML.
    return mark_safe("\n".join(renderer.thread(t, comment_url) for t in threads))  # noqa: S308


def render_proposals(renderer: DiscussionRenderer, proposals) -> SafeString:
    # Safe: as above.
    return mark_safe("\n".join(renderer.proposal(p) for p in proposals))  # noqa: S308
