"""Everything under /office/: the landing page here, each app's staff pages included."""

from django.urls import path

from pishkhan.reports import views

app_name = "office"
urlpatterns = [
    path("", views.office_home, name="home"),
]
