from django.urls import include, path

from pishkhan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # Citizen requests: /requests/new/, /track/ (see request_urls.py).
    path("", include("pishkhan.portal.request_urls")),
    # Public decision verification: /decisions/verify/… (see verify_urls.py).
    path("", include("pishkhan.portal.verify_urls")),
]
