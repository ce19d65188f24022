"""Posts' text: validation, @mentions and the safe HTML a thread shows.

Posts use the same Markdown subset as case text (``cases.markup``: no raw HTML, no
``javascript:`` or ``data:`` links). Mentions are ``@username`` or ``@[Display Name]`` of an
existing user who may see cases; anything else stays plain text.

Every post is checked for likely patient identifiers (issue 12) with the checker case drafts
use (``cases.identifiers``): a finding the author has not confirmed as "not an identifier"
holds the post back, unwritten, with each finding named so that the author can fix it.
"""

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower

from accounts.models import User, Verification
from accounts.roles import EDITOR, MODERATOR
from cases.identifiers import TextFinding, check_texts, parse_confirmations, unconfirmed
from cases.markup import render_markdown

MENTION = re.compile(
    r"(?<![\w@])@(?:\[(?P<display>[^\]\n]{1,60})\]|(?P<username>[A-Za-z0-9_.+-]*[A-Za-z0-9_]))"
)
#: Bidirectional embeddings, overrides and isolates: they can make text read differently
#: from what is stored ("Trojan Source"); refused rather than silently dropped.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
ALLOWED_CONTROLS = frozenset("\n\t")


def clean_post_text(text: str | None, *, max_length: int, what: str = "Your comment") -> str:
    """``text`` normalised (LF line breaks, trimmed), or a ValidationError that says why."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ValidationError(f"{what} is empty.", code="empty")
    if len(text) > max_length:
        raise ValidationError(
            f"{what} is {len(text):,} characters long; the limit is {max_length:,}.",
            code="too_long",
        )
    for char in text:
        if char in BIDI_CONTROLS or (
            unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROLS
        ):
            raise ValidationError(
                f"{what} contains an invisible control character "
                f"(U+{ord(char):04X}); remove it and try again.",
                code="control_character",
            )
    return text


@dataclass(frozen=True)
class Mention:
    raw: str  # as typed, e.g. "@[Dr Ada Lovelace]"
    user: User

    @property
    def label(self) -> str:
        profile = getattr(self.user, "clinician_profile", None)
        return f"@{profile.display_name if profile else self.user.username}"


def find_mentions(text: str) -> list[Mention]:
    """The mentions in ``text`` that name exactly one user who may see cases, in order."""
    found = list(MENTION.finditer(text))
    usernames = {m["username"].lower() for m in found if m["username"]}
    names = {m["display"].strip().lower() for m in found if m["display"]}
    if not found:
        return []
    candidates = (
        _mentionable()
        .annotate(
            lower_username=Lower("username"), lower_display=Lower("clinician_profile__display_name")
        )
        .filter(Q(lower_username__in=usernames) | Q(lower_display__in=names))
        .select_related("clinician_profile")
    )
    by_username: dict[str, User] = {}
    by_display: dict[str, list[User]] = {}
    for user in candidates:
        by_username[user.lower_username] = user
        by_display.setdefault(user.lower_display or "", []).append(user)
    mentions = []
    for match in found:
        if match["username"]:
            user = by_username.get(match["username"].lower())
        else:
            same_name = by_display.get(match["display"].strip().lower(), [])
            user = same_name[0] if len(same_name) == 1 else None
        if user is not None:
            mentions.append(Mention(raw=match.group(0), user=user))
    return mentions


def _mentionable():
    verified = Q(clinician_profile__status=Verification.VERIFIED)
    staff = Q(is_superuser=True) | Q(groups__name__in=(EDITOR, MODERATOR))
    return User.objects.filter(verified | staff, is_active=True).distinct()


def render_post(text: str, mentions: Iterable[Mention]) -> str:
    """Sanitised HTML for ``text``, each resolved mention marked up."""
    rendered = render_markdown(text)
    for mention in {m.raw: m for m in mentions}.values():
        escaped = html.escape(mention.raw, quote=False)
        span = f'<span class="mention">{html.escape(mention.label)}</span>'
        rendered = re.sub(rf"(?<![\w@]){re.escape(escaped)}(?![\w\]])", span, rendered)
    return rendered


class PossibleIdentifiers(ValidationError):
    """A post holds text that looks like a patient identifier, not confirmed otherwise by its
    author. ``findings`` are the open ``TextFinding``; nothing was written."""

    def __init__(self, findings: list[TextFinding]):
        self.findings = findings
        named = "; ".join(
            f"“{finding.text}” in {finding.field_label.lower()} looks like {finding.label}"
            for finding in findings
        )
        super().__init__(
            f"Not posted, because it may identify the patient: {named}. Remove or change it and "
            "post again; if it is not an identifier, confirm that and post again.",
            code="possible_identifier",
        )


def require_no_identifiers(
    texts: dict[str, str],
    labels: dict[str, str],
    not_identifiers: Iterable[str] = (),
    mentions: Iterable[Mention] = (),
) -> None:
    """Raise ``PossibleIdentifiers`` when a text (name -> text, ``labels`` name -> label)
    holds a finding not in ``not_identifiers`` (``kind:text`` keys the author confirmed).

    Resolved @mentions name colleagues, not the patient, and are not checked.
    """
    masked = {}
    for name, text in texts.items():
        for mention in mentions:
            text = text.replace(mention.raw, " " * len(mention.raw))
        masked[name] = text
    findings = unconfirmed(check_texts(masked, parse_confirmations(not_identifiers), labels))
    if findings:
        raise PossibleIdentifiers(findings)
