"""HTML of comment threads and proposals, built in Python rather than template includes.

A busy case has hundreds of comments; rendering each through nested template includes,
``{% url %}`` tags and date filters cost about 20 ms per hundred (docs/performance.md).
Here every value is escaped by ``format_html``; bodies are the sanitised HTML stored at
save time. The markup matches what the templates rendered before, so styles and tests
hold.
"""

from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Verification

#: An id no object has, to turn one ``reverse`` into a URL pattern for every id.
_SLOT = 987654321


def _url_maker(name: str, *args):
    pattern = reverse(name, args=[*args, _SLOT])
    return lambda pk: pattern.replace(str(_SLOT), str(pk))


class DiscussionRenderer:
    """Renders the posts of one case for one reader."""

    def __init__(self, viewer, page, *, moderator: bool, csrf_token: str):
        self.viewer_id = viewer.pk
        self.owner_id = page.owner_id
        self.moderator = moderator
        self.csrf = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token
        )
        self.edit_url = _url_maker("discussion:comment-edit")
        self.remove_url = _url_maker("discussion:comment-remove")
        self.history_url = _url_maker("discussion:comment-history")
        self.flag_comment_url = _url_maker("discussion:flag", "comment")
        self.flag_proposal_url = _url_maker("discussion:flag", "proposal")
        self.vote_url = _url_maker("discussion:vote")
        self._authors: dict[int | None, SafeString] = {}

    def author(self, user) -> SafeString:
        """Display name, profession and specialty, verified and "author" marks."""
        key = user.pk if user is not None else None
        if key not in self._authors:
            self._authors[key] = self._author(user)
        return self._authors[key]

    def _author(self, user) -> SafeString:
        if user is None:
            return mark_safe('<span class="author"><strong>Former member</strong></span>')
        profile = getattr(user, "clinician_profile", None)
        parts = []
        if profile is None:
            parts.append(
                format_html('<strong>{}</strong> <span class="badge">editor</span>', user.username)
            )
        else:
            specialty = f", {profile.specialty.name}" if profile.specialty_id else ""
            parts.append(
                format_html(
                    '<strong>{}</strong><span class="meta"> · {}{}</span>',
                    profile.display_name,
                    profile.get_profession_display(),
                    specialty,
                )
            )
            if profile.status == Verification.VERIFIED:
                parts.append(
                    mark_safe(
                        ' <span class="badge badge-verified" title="Registration checked by '
                        'an editor">✓ verified</span>'
                    )
                )
        if user.pk == self.owner_id:
            parts.append(mark_safe(' <span class="badge badge-author">author</span>'))
        return format_html('<span class="author">{}</span>', mark_safe("".join(parts)))  # noqa: S308 - escaped parts

    def comment(self, comment, *, reply: bool) -> SafeString:
        when = format_html(
            '<time datetime="{}">{}</time>',
            comment.created_at.isoformat(),
            format_date(comment.created_at, "j M Y, H:i"),
        )
        edited = " · edited" if comment.edited_at and not comment.is_removed else ""
        hidden = (
            ' <span class="badge badge-warning">hidden while a moderator reviews it</span>'
            if comment.is_hidden
            else ""
        )
        header = format_html(
            '<header class="comment-header" id="comment-{}-by">{}<span class="meta"> · {}{}'
            "</span>{}</header>",
            comment.pk,
            self.author(comment.author),
            when,
            edited,
            mark_safe(hidden),  # noqa: S308 - a constant
        )
        if comment.is_removed:
            body = mark_safe('<p class="comment-removed">Comment removed.</p>')
        else:
            body = format_html(
                '<div class="comment-body">{}</div><p class="comment-actions">{}</p>',
                mark_safe(comment.body_html),  # noqa: S308 - sanitised when saved
                self._comment_actions(comment, reply),
            )
        classes = "comment comment-hidden" if comment.is_hidden else "comment"
        return format_html(
            '<article class="{}" id="comment-{}" aria-labelledby="comment-{}-by">{}{}</article>',
            classes,
            comment.pk,
            comment.pk,
            header,
            body,
        )

    def _comment_actions(self, comment, reply: bool) -> SafeString:
        mine = comment.author_id == self.viewer_id
        links = []
        if not reply:
            links.append(
                format_html(
                    '<button type="button" class="link" data-quote="comment-{}" hidden>'
                    "Quote</button>",
                    comment.pk,
                )
            )
        if mine:
            links.append(format_html('<a href="{}">Edit</a>', self.edit_url(comment.pk)))
        if mine or self.moderator:
            links.append(format_html('<a href="{}">Remove</a>', self.remove_url(comment.pk)))
        if not mine:
            links.append(format_html('<a href="{}">Flag</a>', self.flag_comment_url(comment.pk)))
        if self.moderator and comment.edited_at:
            links.append(
                format_html('<a href="{}">Earlier versions</a>', self.history_url(comment.pk))
            )
        return mark_safe("\n".join(links))  # noqa: S308 - each part escaped

    def proposal(self, proposal) -> SafeString:
        free = ' <span class="meta">(free text)</span>' if not proposal.condition_id else ""
        hidden = (
            ' <span class="badge badge-warning">hidden while a moderator reviews it</span>'
            if proposal.hidden_at
            else ""
        )
        votes = proposal.vote_total
        count = format_html(
            '<span class="vote-count" aria-label="{} vote{}">{}</span>',
            votes,
            "" if votes == 1 else "s",
            votes,
        )
        return format_html(
            '<li class="proposal{}" id="proposal-{}"><div class="proposal-main">'
            '<p class="proposal-label"><strong>{}</strong>{}</p>'
            '<div class="proposal-rationale">{}</div>'
            '<p class="meta">Proposed by {}{}</p></div>'
            '<div class="proposal-votes">{}{}</div></li>',
            " comment-hidden" if proposal.hidden_at else "",
            proposal.pk,
            proposal.label,
            mark_safe(free),  # noqa: S308 - a constant
            mark_safe(proposal.rationale_html),  # noqa: S308 - sanitised when saved
            self.author(proposal.author),
            mark_safe(hidden),  # noqa: S308 - a constant
            count,
            self._vote_form(proposal),
        )

    def _vote_form(self, proposal) -> SafeString:
        if proposal.author_id == self.viewer_id:
            return mark_safe("")
        if proposal.voted:
            button = format_html(
                '<input type="hidden" name="vote" value="remove"><button type="submit" '
                'class="secondary" aria-pressed="true" aria-label="Take back your vote for {}">'
                "Voted ✓</button>",
                proposal.label,
            )
        else:
            button = format_html(
                '<button type="submit" aria-pressed="false" aria-label="Vote for {}">Vote</button>',
                proposal.label,
            )
        return format_html(
            '<form method="post" action="{}">{}{}</form><a class="meta" href="{}">Flag</a>',
            self.vote_url(proposal.pk),
            self.csrf,
            button,
            self.flag_proposal_url(proposal.pk),
        )

    def thread(self, thread, comment_url: str) -> SafeString:
        """A top-level comment (or its placeholder), its replies and a reply form."""
        top = thread.comment
        if top is None:
            head = mark_safe(
                '<p class="comment-removed">A comment here is being reviewed by a moderator.</p>'
            )
        else:
            head = self.comment(top, reply=False)
        replies = ""
        if thread.replies:
            replies = format_html(
                '<ol class="replies">{}</ol>',
                format_html_join(
                    "", "<li>{}</li>", ((self.comment(r, reply=True),) for r in thread.replies)
                ),
            )
        form = ""
        if top is not None and not top.is_removed and not top.is_hidden:
            form = format_html(
                '<details class="reply"><summary>Reply</summary>'
                '<form method="post" action="{}" class="discussion-form">{}'
                '<input type="hidden" name="parent" value="{}">'
                '<label for="reply-{}">Your reply</label>'
                '<textarea id="reply-{}" name="body" rows="3" maxlength="10000" required>'
                '</textarea><button type="submit">Reply</button></form></details>',
                comment_url,
                self.csrf,
                top.pk,
                top.pk,
                top.pk,
            )
        return format_html('<li class="thread">{}{}{}</li>', head, replies, form)


def render_threads(renderer: DiscussionRenderer, threads, comment_url: str) -> SafeString:
    return format_html_join("\n", "{}", ((renderer.thread(t, comment_url),) for t in threads))


def render_proposals(renderer: DiscussionRenderer, proposals) -> SafeString:
    return format_html_join("\n", "{}", ((renderer.proposal(p),) for p in proposals))
