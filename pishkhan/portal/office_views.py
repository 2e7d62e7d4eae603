"""Back office: news articles (write → review → publish) and the comment moderation queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pishkhan.accounts.access import staff_required
from pishkhan.accounts.models import User
from pishkhan.core.errors import ApplicationError
from pishkhan.portal import services
from pishkhan.portal.forms import ArticleForm, ReplyForm
from pishkhan.portal.models import Article, Comment


def _article(request: HttpRequest, pk: int) -> Article:
    user: User = request.user  # type: ignore[assignment]
    article = Article.objects.filter(pk=pk, municipality_id=user.municipality_id or 0).first()
    if article is None:
        raise Http404(_("این خبر پیدا نشد"))
    return article


@staff_required("portal.publish_article")
def article_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    qs = Article.objects.filter(municipality_id=user.municipality_id or 0).order_by("-created_at")
    status = request.GET.get("status", "")
    if status in Article.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.select_related("author"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/office/articles.html",
        {
            "page": page,
            "status": status,
            "statuses": Article.Status.choices,
            "status_query": f"status={status}" if status else "",
        },
    )


@staff_required("portal.publish_article")
def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    article = _article(request, pk) if pk else None
    if request.method == "POST":
        form = ArticleForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            kwargs = {
                "title": data["title"],
                "body": data["body"],
                "lead": data["lead"],
                "source": data["source"],
                "tags": form.tag_names(),
                "cover": data["cover"] or None,
                "cover_alt": data["cover_alt"],
                "publish_at": form.publish_at(),
                "actor": user,
            }
            try:
                if article is None:
                    article = services.article_create(municipality=user.municipality, **kwargs)  # type: ignore[arg-type]
                else:
                    article = services.article_update(article=article, **kwargs)  # type: ignore[arg-type]
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("خبر ذخیره شد."))
                return redirect("portal_office:article_edit", pk=article.pk)
    elif article is not None:
        form = ArticleForm(
            initial={
                "title": article.title,
                "lead": article.lead,
                "body": article.body,
                "source": article.source,
                "cover_alt": article.cover_alt,
                "tags": "، ".join(t.name for t in article.tags.all()),
                "publish_date": article.publish_at.date() if article.publish_at else None,
            }
        )
    else:
        form = ArticleForm()
    return render(request, "portal/office/article_form.html", {"form": form, "article": article})


ACTIONS = {
    "submit": lambda a, u: services.article_submit(article=a, actor=u),
    "return": lambda a, u: services.article_return(article=a, actor=u),
    "publish": lambda a, u: services.article_publish(article=a, actor=u),
    "archive": lambda a, u: services.article_archive(article=a, actor=u),
}


@require_POST
@staff_required("portal.publish_article")
def article_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    article = _article(request, pk)
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](article, request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("وضعیت خبر به‌روز شد."))
    return redirect("portal_office:article_edit", pk=article.pk)


@staff_required("portal.moderate_comment")
def moderation(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    status = request.GET.get("status", Comment.Status.PENDING)
    if status not in Comment.Status.values:
        status = Comment.Status.PENDING
    qs = (
        Comment.objects.filter(article__municipality_id=user.municipality_id or 0, status=status)
        .select_related("article", "parent")
        .order_by("-created_at")
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/office/moderation.html",
        {
            "page": page,
            "status": status,
            "statuses": Comment.Status.choices,
            "status_query": f"status={status}",
        },
    )


def _comment(request: HttpRequest, pk: int) -> Comment:
    user: User = request.user  # type: ignore[assignment]
    comment = Comment.objects.filter(
        pk=pk, article__municipality_id=user.municipality_id or 0
    ).first()
    if comment is None:
        raise Http404(_("این نظر پیدا نشد"))
    return comment


@require_POST
@staff_required("portal.moderate_comment")
def comment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    comment = _comment(request, pk)
    to = {
        "approve": Comment.Status.APPROVED,
        "reject": Comment.Status.REJECTED,
        "spam": Comment.Status.SPAM,
    }.get(action)
    if to is None:
        raise Http404
    try:
        services.comment_moderate(
            comment=comment,
            to=to,
            actor=request.user,  # type: ignore[arg-type]
            note=request.POST.get("note", ""),
        )  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("نظر بررسی شد."))
    return redirect("portal_office:moderation")


@require_POST
@staff_required("portal.moderate_comment")
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("متن پاسخ را بنویسید (حداکثر ۳۰۰۰ نویسه)."))
        return redirect("portal_office:moderation")
    try:
        services.comment_reply(parent=comment, body=form.cleaned_data["body"], actor=request.user)  # type: ignore[arg-type]
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("پاسخ رسمی منتشر شد."))
    return redirect("portal_office:moderation")


@require_POST
@staff_required("meetings.run_meeting")
def bulletin_rerun(request: HttpRequest, start: str) -> HttpResponse:
    """Publish the week's refused bulletin again, once its minutes verify (the week page)."""
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from pishkhan.cycle.models import Week

    user: User = request.user  # type: ignore[assignment]
    try:
        day = dt.date.fromisoformat(start)
    except ValueError:
        raise Http404 from None
    week = Week.objects.filter(municipality_id=user.municipality_id or 0, start=day).first()
    if week is None:
        raise Http404
    try:
        services.bulletin_rerun(week=week, actor=user, now=timezone.now())
        messages.success(request, _("بولتن مصوبات این هفته منتشر شد."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('cycle:week')}?start={week.start.isoformat()}")
