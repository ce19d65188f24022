from django.urls import path

from . import views

app_name = "media"
urlpatterns = [
    path("upload/<id:page_id>/", views.upload_media, name="upload"),
    path("status/<id:page_id>/", views.upload_status, name="status"),
    path("item/<id:item_id>/remove/", views.remove_item, name="remove"),
    path("file/<id:instance_id>/frame/<id:frame>/", views.serve_media, name="frame"),
    path("file/<id:instance_id>/<str:rendition>/", views.serve_media, name="file"),
]
