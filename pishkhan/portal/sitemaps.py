from __future__ import annotations

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import Http404, HttpRequest, HttpResponse

from pishkhan.accounts.models import Municipality
from pishkhan.cases.models import ServiceType
from pishkhan.portal import selectors
from pishkhan.portal.models import Article

STATIC_PAGES = ["/", "/news/", "/services/", "/decisions/", "/stats/", "/requests/new/", "/track/"]


class StaticSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "daily"

    def items(self) -> list[str]:
        return STATIC_PAGES

    def location(self, item: str) -> str:
        return item


class ArticleSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "weekly"

    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality

    def items(self) -> list[Article]:
        return list(selectors.article_list_public(municipality=self.municipality)[:1000])

    def lastmod(self, item: Article) -> dt.datetime:
        return item.updated_at


class ServiceSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "monthly"

    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality

    def items(self) -> list[ServiceType]:
        return selectors.service_search(municipality=self.municipality)

    def location(self, item: ServiceType) -> str:
        return f"/services/{item.code}/"


def sitemap(request: HttpRequest) -> HttpResponse:
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        raise Http404
    maps = {
        "pages": StaticSitemap(),
        "news": ArticleSitemap(municipality),
        "services": ServiceSitemap(municipality),
    }
    return sitemap_view(request, sitemaps=maps)  # type: ignore[arg-type]
