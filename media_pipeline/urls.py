from django.urls import path

from . import views

app_name = "media"
urlpatterns = [
    path("upload/<id:page_id>/", views.upload_media, name="upload"),
    path("status/<id:page_id>/", views.upload_status, name="status"),
    path("item/<id:item_id>/remove/", views.remove_item, name="remove"),
    path("item/<id:item_id>/caption/", views.caption_item, name="caption"),
    path("item/<id:item_id>/move/", views.move_item, name="move"),
    path("item/<id:item_id>/viewer/", views.viewer_manifest, name="viewer"),
    path("draft/<id:page_id>/", views.draft_media, name="draft"),
    path("file/<id:instance_id>/frame/<id:frame>/", views.serve_media, name="frame"),
    path("file/<id:instance_id>/<str:rendition>/", views.serve_media, name="file"),
]
