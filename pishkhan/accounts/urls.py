from django.urls import path

from pishkhan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("password-reset/", views.password_reset_view, name="password_reset"),
]
