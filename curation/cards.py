"""Case cards as HTML, built in Python: a page of 50 cards rendered through a template include
per card spent more time in the template engine than in the database."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from curation.listings import CaseCard

_PLACEHOLDER = 987654321


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class CardRenderer:
    """Renders cards; reverses the thumbnail URL once, not once per card."""

    def __init__(self):
        self.thumbnail_url = reverse("media:file", args=[_PLACEHOLDER, "thumbnail"])

    def thumbnail(self, card: CaseCard) -> SafeString:
        if not card.thumbnail_id:
            return mark_safe("")
        url = self.thumbnail_url.replace(str(_PLACEHOLDER), str(card.thumbnail_id))
        return format_html(
            '<img class="cb-thumb" src="{}" alt="{}" width="96" height="96" loading="lazy">',
            url,
            card.thumbnail_alt,
        )

    def card(self, card: CaseCard) -> SafeString:
        case = card.case
        activity = card.activity
        counts = (
            (activity.comment_count, activity.proposal_count, activity.vote_count)
            if activity is not None
            else (0, 0, 0)
        )
        activity_line = format_html(
            '<p class="meta cb-activity">{} · {} · {}</p>',
            _plural(counts[0], "comment"),
            _plural(counts[1], "proposal"),
            _plural(counts[2], "vote"),
        )
        if card.quiz_position is not None:
            body = format_html(
                '<h3><a href="{}">Case {}</a></h3><p class="meta">{} · {} · {}</p>{}',
                card.url,
                card.quiz_position,
                case.specialty.name,
                case.get_age_band_display(),
                case.get_sex_display(),
                activity_line,
            )
        else:
            body = format_html(
                '<h3><a href="{}">{}</a></h3>{}<p class="cb-summary">{}</p>'
                '<p class="meta">{} · {} · {}{}</p>{}{}',
                card.url,
                case.title,
                format_html('<p class="cb-blurb">{}</p>', card.blurb) if card.blurb else "",
                case.summary,
                case.diagnosis.name,
                case.specialty.name,
                case.get_age_band_display(),
                mark_safe(' · <span class="badge badge-verified">Peer reviewed</span>')
                if card.peer_reviewed
                else "",
                format_html('<p class="cb-note"><strong>Editor\'s note:</strong> {}</p>', card.note)
                if card.note
                else "",
                activity_line,
            )
        return format_html(
            '<li class="cb-card{}">{}<div class="cb-card-body">{}</div></li>',
            " has-thumb" if card.thumbnail_id else "",
            self.thumbnail(card),
            body,
        )

    def cards(self, cards, *, ordered: bool = False) -> SafeString:
        tag = "ol" if ordered else "ul"
        return format_html(
            '<{} class="cb-cards{}">{}</{}>',
            tag,
            " cb-ordered" if ordered else "",
            format_html_join("", "{}", ((self.card(card),) for card in cards)),
            tag,
        )
