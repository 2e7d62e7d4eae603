"""RSS/Atom feeds of news and of signed decisions (public data only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.models import Municipality
from pishkhan.core.pii import mask_pii
from pishkhan.meetings.models import Decision
from pishkhan.portal import selectors
from pishkhan.portal.models import Article


def _city(request: HttpRequest) -> Municipality:
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        raise Http404
    return municipality


class NewsFeed(Feed):  # type: ignore[type-arg]
    link = "/news/"
    description = _("اخبار پیشخوان خدمت شهرداری")

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Municipality:
        return _city(request)

    def title(self, obj: Municipality) -> str:
        return gettext("اخبار شهرداری %(city)s") % {"city": obj.name}

    def items(self, obj: Municipality) -> list[Article]:
        return list(selectors.article_list_public(municipality=obj)[:20])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.lead or item.body[:300]

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.publish_at


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description


class DecisionFeed(Feed):  # type: ignore[type-arg]
    link = "/decisions/"
    description = _("مصوبات امضاشدهٔ جلسات پیشخوان خدمت")

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Municipality:
        return _city(request)

    def title(self, obj: Municipality) -> str:
        return gettext("مصوبات پیشخوان خدمت شهرداری %(city)s") % {"city": obj.name}

    def items(self, obj: Municipality) -> list[Decision]:
        decisions = list(selectors.decision_public_qs(municipality=obj)[:50])
        withheld = selectors.decisions_withheld(decisions, what="register")
        return [d for d in decisions if d.item.meeting_id not in withheld]

    def item_title(self, item: Decision) -> str:
        return gettext("مصوبهٔ %(number)s: %(title)s") % {
            "number": item.number,
            "title": mask_pii(item.item.title),
        }

    def item_description(self, item: Decision) -> str:
        return mask_pii(item.text)

    def item_link(self, item: Decision) -> str:
        return f"/decisions/verify/{item.number}/"

    def item_pubdate(self, item: Decision) -> dt.datetime:
        return item.created_at
