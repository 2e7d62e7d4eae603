from django.urls import include, path

from pishkhan.portal import feeds, sitemaps, views

app_name = "portal"
urlpatterns = [
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
    # Citizen requests: /requests/new/, /track/ (see request_urls.py).
    path("", include("pishkhan.portal.request_urls")),
    # Public decision verification: /decisions/verify/… (see verify_urls.py).
    path("", include("pishkhan.portal.verify_urls")),
]
