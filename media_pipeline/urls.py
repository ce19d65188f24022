from django.urls import path

from . import views

app_name = "media"
urlpatterns = [
    path("upload/<int:page_id>/", views.upload_media, name="upload"),
    path("status/<int:page_id>/", views.upload_status, name="status"),
    path("item/<int:item_id>/remove/", views.remove_item, name="remove"),
    path("file/<int:instance_id>/frame/<int:frame>/", views.serve_media, name="frame"),
    path("file/<int:instance_id>/<str:rendition>/", views.serve_media, name="file"),
]
