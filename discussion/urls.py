from django.urls import path

from . import views

app_name = "discussion"
urlpatterns = [
    path("case/<id:page_id>/comments/", views.post_comment, name="comment"),
    path("case/<id:page_id>/proposals/", views.post_proposal, name="propose"),
    path("case/<id:page_id>/confirm/", views.confirm_diagnosis, name="confirm"),
    path("case/<id:page_id>/follow/", views.toggle_follow, name="follow"),
    path("comments/<id:comment_id>/edit/", views.edit_comment, name="comment-edit"),
    path("comments/<id:comment_id>/remove/", views.remove_comment, name="comment-remove"),
    path("comments/<id:comment_id>/history/", views.comment_history, name="comment-history"),
    path("proposals/<id:proposal_id>/vote/", views.toggle_vote, name="vote"),
    path("flag/<str:kind>/<id:object_id>/", views.flag, name="flag"),
    path("unanswered/", views.unanswered, name="unanswered"),
]
