from django.urls import path

from search import api, views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/autocomplete/", views.autocomplete_view, name="autocomplete"),
    path("api/v1/search/", api.search_api, name="api"),
]
