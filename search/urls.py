from django.urls import path

from search import api, saved_views, views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/autocomplete/", views.autocomplete_view, name="autocomplete"),
    path("search/saved/", saved_views.saved_searches, name="saved"),
    path("search/saved/<id:pk>/delete/", saved_views.delete_saved_search, name="saved_delete"),
    path("api/v1/search/", api.search_api, name="api"),
]
