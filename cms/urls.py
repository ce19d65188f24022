from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from ops import views as ops_views

urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("contribute/", include("cases.urls")),
    path("", include("search.urls")),
    path("api/v1/", include("api.urls")),
    path("media/", include("media_pipeline.urls")),
    path("discussion/", include("discussion.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("curation.urls")),
    path("", include(wagtail_urls)),
]

handler500 = "ops.views.server_error"
