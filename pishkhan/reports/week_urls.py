from django.urls import path

from pishkhan.reports import week

app_name = "cycle"
urlpatterns = [path("", week.week_page, name="week")]
