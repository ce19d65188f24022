from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.my_cases, name="mine"),
    path("new/", views.case_create, name="create"),
    path("new/autosave/", views.case_autosave, name="autosave_new"),
    path("<id:page_id>/edit/", views.case_edit, name="edit"),
    path("<id:page_id>/autosave/", views.case_autosave, name="autosave"),
    path("<id:page_id>/preview/", views.case_preview, name="preview"),
    path("<id:page_id>/submit/", views.case_submit, name="submit"),
    path("<id:page_id>/not-an-identifier/", views.not_identifier, name="not_identifier"),
    path("conditions/", views.condition_lookup, name="conditions"),
]
