"""The Content-Security-Policy middleware: the site's strict policy, relaxed only for the
Wagtail admin.

Every script of the site is a static file from 'self' (no inline script, no eval, workers from
'self'). Wagtail 8's admin still writes a few inline scripts (inline panels, date pickers), so
pages under the admin prefix also allow inline scripts; editors alone reach them.
"""

from csp.middleware import CSPMiddleware

ADMIN_PREFIX = "/admin/"
ADMIN_SCRIPT_SRC = ("'self'", "'unsafe-inline'")


class CasebookCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIX):
            parts.replace = {**(parts.replace or {}), "script-src": list(ADMIN_SCRIPT_SRC)}
        return parts
