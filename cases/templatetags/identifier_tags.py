"""``{% identifier_findings findings %}``: the text check's findings with one-click confirms.

For a case: ``{% identifier_findings check.findings check.file_names confirm_url=url %}``.
In a comment or proposal form: ``{% identifier_findings findings %}`` inside the ``<form>``;
each "Not an identifier" button re-posts the form with ``not_identifier=<kind:text>``.
"""

from django import template

register = template.Library()


@register.inclusion_tag("cases/includes/identifier_findings.html")
def identifier_findings(findings, file_names=(), confirm_url=""):
    findings, file_names = list(findings or ()), list(file_names or ())
    everything = findings + file_names
    return {
        "findings": findings,
        "file_names": file_names,
        "confirm_url": confirm_url,
        "open_count": sum(1 for item in everything if not item.confirmed),
        "confirmed_count": sum(1 for item in everything if item.confirmed),
    }
