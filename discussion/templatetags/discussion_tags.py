"""The case page's discussion section."""

from django import template

register = template.Library()


@register.inclusion_tag("discussion/case_discussion.html", takes_context=True)
def case_discussion(context, page):
    """Proposals, the confirmed diagnosis and the comment threads of a published case.
    Nothing for a preview or a draft: only live cases are discussed."""
    from discussion.views import case_discussion_context

    request = context["request"]
    if context.get("is_preview") or not page.live:
        return {"show": False}
    csrf_token = str(context.get("csrf_token", ""))
    return {
        "show": True,
        "page": page,
        "request": request,
        "user": request.user,
        "csrf_token": csrf_token,
        **case_discussion_context(request, page, csrf_token),
    }
