from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
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
