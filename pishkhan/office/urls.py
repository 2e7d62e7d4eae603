"""The back office's own pages: the landing page (office:home) and the week page (cycle:week).

Each app's staff pages are included beside these under /office/ (see pishkhan/urls.py).
"""

from django.urls import path

from pishkhan.office import views, week

app_name = "office"
urlpatterns = [
    path("", views.office_home, name="home"),
]

# The reports page: /office/reports/ (reports:index, the name the navigation links to).
reports_urls = ([path("", views.reports, name="index")], "reports")

# The week page keeps its historical name, cycle:week: included as (patterns, namespace).
week_urls = ([path("", week.week_page, name="week")], "cycle")
