from django.urls import path

from pishkhan.directives import views

app_name = "directives"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/letter.pdf", views.letter, name="letter"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence, name="evidence"),
    path("<int:pk>/photos/<str:kind>/<int:photo_pk>/", views.photo, name="photo"),
    path("dispatch/<int:pk>/", views.dispatch, name="dispatch"),
    path("report/", views.report, name="report"),
]
