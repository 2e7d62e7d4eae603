"""Public verification of signed decisions (/decisions/verify/...)."""

from django.urls import path

from pishkhan.portal import verify

urlpatterns = [
    path("decisions/verify/", verify.verify_form, name="verify_form"),
    path("decisions/verify/<str:number>/", verify.verify_decision, name="verify_decision"),
]
