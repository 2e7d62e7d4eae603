"""Public pages (anonymous visitors). Thin: parse → select → render; cached for anonymous GETs."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pishkhan.accounts.models import Municipality
from pishkhan.core.errors import ApplicationError
from pishkhan.core.ratelimit import client_ip, rate_limited
from pishkhan.directives.promise import promise_report, promise_sections
from pishkhan.meetings.selectors import corrections_of
from pishkhan.portal import selectors
from pishkhan.portal import services as portal_services
from pishkhan.portal.cache import CSRF_MARKER, serve
from pishkhan.portal.forms import CommentForm, new_challenge
from pishkhan.portal.models import Article

COMMENT_MAX_REQUEST_BYTES = 64 * 1024


def _city(request: HttpRequest) -> Municipality:
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        raise Http404(_("شهرداری پیدا نشد"))
    return municipality


def _page_name(request: HttpRequest, name: str) -> str:
    return f"{name}:{request.get_full_path()[:300]}"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    city = _city(request)

    def build() -> HttpResponse:
        context = {
            "latest": list(selectors.article_list_public(municipality=city)[:4]),
            "categories": selectors.service_categories(municipality=city),
            "counter": selectors.week_counter(municipality=city),
            "csrf_token": CSRF_MARKER,
        }
        return render(request, "portal/home.html", context)

    return serve(request, "home", build)


@require_GET
def news_list(request: HttpRequest) -> HttpResponse:
    city = _city(request)

    def build() -> HttpResponse:
        tag = request.GET.get("tag", "")[:60]
        qs = selectors.article_list_public(municipality=city, tag=tag or None)
        page = Paginator(qs, 10).get_page(request.GET.get("page"))
        context = {
            "page": page,
            "tags": list(selectors.tag_list(municipality=city)[:30]),
            "tag": tag,
            "tag_query": urlencode({"tag": tag}) if tag else "",
            "csrf_token": CSRF_MARKER,
        }
        return render(request, "portal/news_list.html", context)

    return serve(request, _page_name(request, "news"), build)


def _article_response(
    request: HttpRequest, article: Article, form: CommentForm | None = None, status: int = 200
) -> HttpResponse:
    question, token = new_challenge()
    if form is None:
        form = CommentForm(initial={"challenge": token})
    else:
        data = form.data.copy()  # type: ignore[attr-defined]
        data["challenge"] = token
        data["answer"] = ""
        form.data = data
    context: dict[str, Any] = {
        "article": article,
        "comments": selectors.comments_public(article=article),
        "similar": selectors.similar_articles(article=article),
        "bulletin_decisions": selectors.bulletin_decisions(article=article),
        "form": form,
        "question": question,
        "paragraphs": [p.strip() for p in article.body.split("\n") if p.strip()],
        "csrf_token": CSRF_MARKER,
    }
    return render(request, "portal/article.html", context, status=status)


@require_GET
def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(request)
    article = selectors.article_get_public(municipality=city, slug=slug)
    if article is None:
        raise Http404(_("این خبر پیدا نشد"))
    return serve(request, f"article:{article.pk}", lambda: _article_response(request, article))


def _refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "portal/refused.html", {"message": message}, status=status)


@require_POST
def comment_create(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(request)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > COMMENT_MAX_REQUEST_BYTES:
        return _refuse(
            request, _("نظر شما بیش از حد طولانی است و ثبت نشد (حداکثر ۳۰۰۰ نویسه)."), 413
        )
    article = selectors.article_get_public(municipality=city, slug=slug)
    if article is None:
        raise Http404(_("این خبر پیدا نشد"))
    ip = client_ip(request)
    if rate_limited(f"comment:{portal_services.ip_hash(ip)}", settings.COMMENT_RATE_LIMIT):
        return _refuse(
            request,
            _("از این نشانی در یک دقیقه نظرهای زیادی رسیده است؛ کمی بعد دوباره بفرستید."),
            429,
        )
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _article_response(request, article, form, status=400)
    if form.cleaned_data["website"]:
        # A bot filled the honeypot: answer as usual, store nothing.
        messages.success(request, _("نظر شما دریافت شد و پس از بررسی نمایش داده می‌شود."))
        return redirect(article.get_absolute_url() + "#comments")
    try:
        comment = portal_services.comment_post(
            article=article,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            body=form.cleaned_data["body"],
            ip=ip,
            user=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
        )
    except ApplicationError as exc:
        form.add_error("body", exc.message)
        return _article_response(request, article, form, status=400)
    if comment.status == comment.Status.APPROVED:
        messages.success(request, _("نظر شما منتشر شد."))
    else:
        messages.success(request, _("نظر شما دریافت شد و پس از بررسی نمایش داده می‌شود."))
    return redirect(article.get_absolute_url() + "#comments")


@require_GET
def news_cover(request: HttpRequest, slug: str) -> FileResponse:
    article = selectors.article_get_public(municipality=_city(request), slug=slug)
    if article is None or not article.cover:
        raise Http404(_("تصویر پیدا نشد"))
    response = FileResponse(article.cover.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    city = _city(request)

    def build() -> HttpResponse:
        q = request.GET.get("q", "")[:100]
        category = request.GET.get("category", "")[:60]
        context = {
            "categories": selectors.service_categories(municipality=city),
            "results": selectors.service_search(municipality=city, query=q, category=category),
            "q": q,
            "category": category,
            "csrf_token": CSRF_MARKER,
        }
        return render(request, "portal/services.html", context)

    return serve(request, _page_name(request, "services"), build)


@require_GET
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    city = _city(request)
    service = selectors.service_get(municipality=city, code=code)
    if service is None:
        raise Http404(_("این خدمت پیدا نشد"))
    return serve(
        request,
        f"service:{service.pk}",
        lambda: render(
            request, "portal/service.html", {"service": service, "csrf_token": CSRF_MARKER}
        ),
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
def decision_register(request: HttpRequest) -> HttpResponse:
    city = _city(request)
    filters = selectors.DecisionFilters(
        q=request.GET.get("q", "")[:100],
        week=_date(request.GET.get("week")),
        district=_int(request.GET.get("district")),
        service=request.GET.get("service", "")[:40],
        department=request.GET.get("department", "")[:40],
    )
    wanted = request.GET.get("page", "")[:6]

    def build() -> HttpResponse:
        qs = selectors.decision_register(municipality=city, filters=filters)
        page = Paginator(qs, 25).get_page(wanted)
        # Nothing unverified is published: decisions of minutes that no longer match what was
        # signed are withheld (and the secretary and mayor alerted).
        tampered = selectors.decisions_withheld(list(page.object_list), what="register")
        later = corrections_of(list(page.object_list), sealed_only=True)
        rows = [
            (d, selectors.decision_status(d), d.item.meeting_id in tampered, later.get(d.pk, []))
            for d in page.object_list
        ]
        params = request.GET.copy()
        params.pop("page", None)
        context = {
            "page": page,
            "rows": rows,
            "filters": filters,
            "choices": selectors.register_choices(municipality=city),
            "status_labels": selectors.STATUS_LABELS,
            "query": params.urlencode(),
            "csrf_token": CSRF_MARKER,
        }
        return render(request, "portal/decisions.html", context)

    # Cached per filter set (the cleaned values, so junk parameters do not multiply entries);
    # a directive's progress shows within PUBLIC_CACHE_SECONDS.
    key = "|".join(
        str(v)
        for v in (
            filters.q,
            filters.week,
            filters.district,
            filters.service,
            filters.department,
            wanted,
        )
    )
    return serve(request, "decisions:" + hashlib.sha256(key.encode()).hexdigest()[:32], build)


@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    city = _city(request)

    def build() -> HttpResponse:
        figures = selectors.transparency_figures(municipality=city)
        promise = promise_sections(promise_report(city.pk))
        return render(
            request,
            "portal/stats.html",
            {
                "figures": figures,
                "tile_url": settings.MAP_TILE_URL,
                "csrf_token": CSRF_MARKER,
                "promise_sections": promise,
            },
        )

    return serve(request, "stats", build)


@require_GET
def stats_csv(request: HttpRequest) -> HttpResponse:
    figures = selectors.transparency_figures(municipality=_city(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pishkhan-stats.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["section", "label", "value", "total", "on_time"])
    for i, week in enumerate(figures["weeks"]):
        writer.writerow(["received", week, figures["received"][i], "", ""])
        writer.writerow(["decided", week, figures["decided"][i], "", ""])
        writer.writerow(["decision_days", week, figures["decision_days"][i], "", ""])
    for row in figures["departments"]:
        writer.writerow(
            ["on_time_department", row["name"], row["pct"], row["total"], row["on_time"]]
        )
    for row in figures["districts"]:
        writer.writerow(["on_time_district", row["name"], row["pct"], row["total"], row["on_time"]])
    for cell in figures["map"]:
        writer.writerow(["map_cell", f"{cell['lat']:.2f},{cell['lon']:.2f}", cell["n"], "", ""])
    return response
