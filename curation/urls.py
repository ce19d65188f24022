from django.urls import path

from curation import saved_views, specialty_views

app_name = "curation"
urlpatterns = [
    path("specialties/", specialty_views.specialty_index, name="specialties"),
    path("specialties/<slug:slug>/", specialty_views.specialty_page, name="specialty"),
    path("saved/", saved_views.saved_list, name="saved"),
    path("saved/new/", saved_views.saved_create, name="saved-create"),
    path("saved/case/<id:page_id>/", saved_views.save_case, name="save-case"),
    path("saved/<id:collection_id>/", saved_views.saved_detail, name="saved-detail"),
    path(
        "saved/<id:collection_id>/remove/<id:page_id>/",
        saved_views.remove_case,
        name="saved-remove",
    ),
    path("saved/<id:collection_id>/share/", saved_views.share, name="saved-share"),
    path(
        "saved/<id:collection_id>/unshare/<id:user_id>/",
        saved_views.unshare,
        name="saved-unshare",
    ),
    path("saved/<id:collection_id>/delete/", saved_views.delete, name="saved-delete"),
]
