"""The public site's addresses (namespace ``portal``): pages, feeds, citizen requests and
tracking, SMS reply codes, verification of signed decisions. Staff pages: office_urls.py."""

from django.urls import path

from pishkhan.portal import feeds, request_views, sitemaps, verify, views

app_name = "portal"
urlpatterns = [
    # Citizen requests and tracking first: the most requested (request_views.py).
    path("track/<str:code>/", request_views.track_case, name="track_case"),
    path("requests/new/", request_views.request_new, name="request_new"),
    path("", views.home, name="home"),
    path("news/", views.news_list, name="news"),
    path("news/feed/", feeds.NewsFeed(), name="news_feed"),
    path("news/feed/atom/", feeds.NewsAtomFeed(), name="news_atom"),
    path("news/<str:slug>/", views.news_detail, name="article"),
    path("news/<str:slug>/comment/", views.comment_create, name="comment"),
    path("news/<str:slug>/cover/", views.news_cover, name="cover"),
    path("services/", views.service_list, name="services"),
    path("services/<slug:code>/", views.service_detail, name="service"),
    path("decisions/", views.decision_register, name="decisions"),
    path("decisions/feed/", feeds.DecisionFeed(), name="decisions_feed"),
    path("stats/", views.stats, name="stats"),
    path("stats/data.csv", views.stats_csv, name="stats_csv"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("requests/receipt/<str:code>/", request_views.request_receipt, name="request_receipt"),
    path("track/", request_views.track, name="track"),
    path("track/<str:code>/answer/", request_views.track_answer, name="track_answer"),
    path("track/<str:code>/verdict/", request_views.track_verdict, name="track_verdict"),
    path("sms/inbound/", request_views.sms_inbound, name="sms_inbound"),
    # Public verification of signed decisions (verify.py).
    path("decisions/verify/", verify.verify_form, name="verify_form"),
    path("decisions/verify/<str:number>/", verify.verify_decision, name="verify_decision"),
]
