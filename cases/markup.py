"""Clinical text: Markdown in, sanitised HTML out, limited to a named feature list."""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

# The only HTML a clinical section may render. Anything else (script, style, iframe, img,
# event handlers, javascript: links) is dropped by nh3, whatever the author typed.
CLINICAL_MARKUP_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "sup", "sub", "blockquote", "code", "h3"}
)
CLINICAL_MARKUP_ATTRIBUTES = {"a": {"href", "title"}}
CLINICAL_LINK_SCHEMES = frozenset({"http", "https", "mailto"})

# Wagtail rich-text features for free StreamField content in the admin.
EXTRA_CONTENT_FEATURES = ["bold", "italic", "ol", "ul", "link", "superscript", "subscript"]

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@lru_cache(maxsize=2048)
def render_markdown(text: str) -> str:
    """Render an author's Markdown to HTML that is safe to mark as safe in a template."""
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=set(CLINICAL_MARKUP_TAGS),
        attributes={k: set(v) for k, v in CLINICAL_MARKUP_ATTRIBUTES.items()},
        url_schemes=set(CLINICAL_LINK_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(text: str) -> str:
    """Text for search and previews: Markdown rendered, every tag stripped."""
    return nh3.clean(render_markdown(text), tags=set()).strip()
