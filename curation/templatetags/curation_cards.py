"""``{% case_cards cards %}`` and ``{% case_card card %}``: cards built in Python
(``curation.cards``)."""

from django import template

from curation.cards import CardRenderer

register = template.Library()


def _renderer(context) -> CardRenderer:
    renderer = context.render_context.get("curation_card_renderer")
    if renderer is None:
        renderer = context.render_context["curation_card_renderer"] = CardRenderer()
    return renderer


@register.simple_tag(takes_context=True)
def case_cards(context, cards, ordered=False):
    return _renderer(context).cards(cards, ordered=ordered)


@register.simple_tag(takes_context=True)
def case_card(context, card):
    return _renderer(context).card(card)
