"""The public site's staff pages under /office/site/ (namespace ``portal_office``): news articles
and comment moderation."""

from django.urls import path

from pishkhan.portal import office_views as views

app_name = "portal_office"
urlpatterns = [
    path("articles/", views.article_list, name="articles"),
    path("articles/new/", views.article_edit, name="article_new"),
    path("articles/<int:pk>/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/<str:action>/", views.article_action, name="article_action"),
    path("comments/", views.moderation, name="moderation"),
    path("bulletin/<str:start>/rerun/", views.bulletin_rerun, name="bulletin_rerun"),
    path("comments/<int:pk>/reply/", views.comment_reply, name="comment_reply"),
    path("comments/<int:pk>/<str:action>/", views.comment_action, name="comment_action"),
]
