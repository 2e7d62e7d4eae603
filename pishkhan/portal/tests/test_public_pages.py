from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from pishkhan.cases.models import ServiceType
from pishkhan.core.jalali import week_start
from pishkhan.directives.models import Directive
from pishkhan.meetings.models import Meeting
from pishkhan.portal.models import Article, Comment
from pishkhan.portal.selectors import similar_articles, week_counter
from pishkhan.portal.tests.helpers import case, decision, published
from pishkhan.test import BaseTestCase, make_city
from pishkhan.visits.models import Visit


class HomeTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_home_shows_news_services_links_and_counter(self) -> None:
        published(self.city, "خبر تازهٔ شهر", "متن")
        case(self.city)
        case(self.city)
        decision(self.city, number="1405-1", directive_status="done")
        response = self.client.get("/")
        self.assertContains(response, "خبر تازهٔ شهر")
        self.assertContains(response, 'href="/requests/new/"')
        self.assertContains(response, 'href="/track/"')
        self.assertContains(response, "/services/?category=civil")
        counter = response.content.decode()
        # 3 cases this week (2 + the decision's case), in Persian digits.
        self.assertIn("۳", counter)
        self.assertNotIn("زهرا رضایی", counter)
        self.assertNotIn("09121234567", counter)

    def test_week_counter_figures(self) -> None:
        today = timezone.localdate()
        c = case(self.city)
        case(self.city, week_start=week_start(today) - dt.timedelta(days=7))
        Visit.objects.create(
            municipality=self.m,
            case=c,
            week_start=week_start(today),
            manager=self.senior,
            day=today,
            status=Visit.Status.REPORTED,
        )
        decision(self.city, number="1405-2", deadline=today, directive_status="done")
        d_late = decision(self.city, number="1405-3", deadline=today - dt.timedelta(days=1))
        Directive.objects.create(
            municipality=self.m,
            number="D-late",
            decision=d_late,
            department=self.green,
            deadline=today - dt.timedelta(days=1),
            status="overdue",
            issued_at=timezone.now(),
        )
        decision(
            self.city,
            number="1405-4",
            status=Meeting.Status.CLOSED,
            week=week_start(today) - dt.timedelta(days=14),
        )
        data = week_counter(municipality=self.m, today=today)
        self.assertEqual(data["received"], 3)  # c + the two decisions' cases of this week
        self.assertEqual(data["visited"], 1)
        self.assertEqual(data["decided"], 2)  # signed only
        self.assertEqual(data["directives_due"], 2)
        self.assertEqual(data["on_time_pct"], 50)

    def test_english_uses_english_names_and_percent(self) -> None:
        from pishkhan.cases.models import ServiceCategory

        ServiceCategory.objects.filter(pk=self.category.pk).update(name_en="Streets")
        decision(self.city, number="1405-7", deadline=timezone.localdate(), directive_status="done")
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        response = self.client.get("/")
        self.assertContains(response, 'dir="ltr"')
        self.assertContains(response, "Streets")
        self.assertContains(response, "100%")
        self.client.post("/i18n/setlang/", {"language": "fa", "next": "/"})
        self.assertContains(self.client.get("/"), "۱۰۰٪")  # a separate cache entry per language

    @override_settings(ALLOWED_HOSTS=["testserver", "othercity.test"])
    def test_other_city_news_is_not_shown(self) -> None:
        other = make_city("othercity")
        published(other, "خبر شهر دیگر", "متن")
        response = self.client.get("/")
        self.assertNotContains(response, "خبر شهر دیگر")
        response = self.client.get("/", HTTP_HOST="othercity.test")
        self.assertContains(response, "خبر شهر دیگر")


class NewsTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_list_pagination_tags_and_hidden_states(self) -> None:
        for i in range(12):
            published(self.city, f"خبر شمارهٔ {i}", "متن")
        Article.objects.create(municipality=self.m, slug="draft", title="پیش‌نویس پنهان", body="x")
        published(self.city, "خبر آینده", "x", publish_at=timezone.now() + dt.timedelta(days=1))
        response = self.client.get("/news/")
        self.assertEqual(len(response.context["page"].object_list), 10)
        self.assertNotContains(response, "پیش‌نویس پنهان")
        self.assertNotContains(response, "خبر آینده")
        page2 = self.client.get("/news/?page=2")
        self.assertContains(page2, "خبر شمارهٔ 11")
        self.assertNotContains(page2, "خبر شمارهٔ 0<")

    def test_list_query_count_is_constant(self) -> None:
        for i in range(3):
            published(self.city, f"خبر {i}", "متن")
        self.client.get("/news/?tag=x")  # warm municipality lookup cache
        with self.assertNumQueries(4):
            self.client.get("/news/?page=1")
        for i in range(15):
            published(self.city, f"خبر بیشتر {i}", "متن")
        cache.clear()
        self.client.get("/news/?tag=x")
        with self.assertNumQueries(4):
            self.client.get("/news/?page=1")

    def test_persian_slug_article_page(self) -> None:
        a = published(
            self.city,
            "پیشخوان خدمت",
            "بند اول\nبند دوم <script>alert(1)</script>",
            slug="پیشخوان-خدمت",
            source="روابط عمومی",
        )
        response = self.client.get(a.get_absolute_url())
        self.assertContains(response, '<p dir="auto">بند اول</p>', html=True)
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "روابط عمومی")
        self.assertContains(response, 'property="og:title"')
        self.assertContains(response, "نظرات شما")
        self.assertEqual(self.client.get("/news/ناموجود/").status_code, 404)

    def test_similar_content_by_text_not_tag(self) -> None:
        base = published(self.city, "آسفالت", "ترمیم آسفالت خیابان و لکه‌گیری چاله‌های معابر شهری")
        near = published(
            self.city, "چاله", "لکه‌گيري چاله‌هاي معابر و آسفالت خیابان امام"
        )  # Arabic ي
        published(self.city, "درخت", "هرس درختان پارک و فضای سبز")
        result = similar_articles(article=base)
        self.assertEqual(result[0], near)
        self.assertEqual(len(result), 1)

    def test_feeds_and_sitemap(self) -> None:
        published(self.city, "خبر خوراک", "متن", slug="feed-item")
        decision(self.city, number="1405-9")
        rss = self.client.get("/news/feed/")
        self.assertEqual(rss.status_code, 200)
        self.assertContains(rss, "خبر خوراک")
        self.assertContains(self.client.get("/news/feed/atom/"), "<feed")
        dec = self.client.get("/decisions/feed/")
        self.assertContains(dec, "/decisions/verify/1405-9/")
        self.assertNotContains(dec, "زهرا رضایی")
        sm = self.client.get("/sitemap.xml")
        self.assertContains(sm, "/news/feed-item/")
        self.assertContains(sm, "/services/pothole/")


class CacheTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_anonymous_pages_are_cached_and_busted_on_publish(self) -> None:
        from pishkhan.portal.services import article_publish

        published(self.city, "اول", "متن")
        self.client.get("/")
        with self.assertNumQueries(0):  # served from the cache, municipality included
            response = self.client.get("/")
        self.assertContains(response, "اول")
        a = Article.objects.create(
            municipality=self.m,
            slug="dovom",
            title="خبر دوم منتشرشده",
            body="x",
            status=Article.Status.REVIEW,
        )
        with self.captureOnCommitCallbacks(execute=True):
            article_publish(article=a, actor=self.secretary)
        self.assertContains(self.client.get("/"), "خبر دوم منتشرشده")

    def test_cached_page_gets_a_fresh_csrf_token_per_visitor(self) -> None:
        a = published(self.city, "خبر", "متن")
        first = self.client.get(a.get_absolute_url()).content.decode()
        self.assertNotIn("__PISHKHAN_CSRF__", first)
        self.client.cookies.clear()
        second = self.client.get(a.get_absolute_url()).content.decode()
        self.assertNotIn("__PISHKHAN_CSRF__", second)
        self.assertIn("csrfmiddlewaretoken", second)

    def test_logged_in_staff_is_not_served_from_cache(self) -> None:
        self.client.get("/")
        self.login(self.secretary)
        self.assertContains(self.client.get("/"), "میز کار")


class ServicesTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_list_search_normalised_and_detail(self) -> None:
        ServiceType.objects.filter(pk=self.tree.pk).update(keywords="شاخه درختان")
        response = self.client.get("/services/?q=" + "درخت")
        self.assertContains(response, "هرس درخت")
        self.assertNotContains(response, "ترمیم چاله")
        # Arabic kaf/yeh in the query still match.
        response = self.client.get("/services/?q=" + "چاله")
        self.assertContains(response, "ترمیم چاله")
        response = self.client.get("/services/?category=civil")
        self.assertContains(response, "ترمیم چاله")
        detail = self.client.get("/services/pothole/")
        self.assertContains(detail, 'href="/requests/new/?service=pothole"')
        self.assertContains(detail, "معاونت عمرانی")
        self.assertEqual(self.client.get("/services/nope/").status_code, 404)

    @override_settings(ALLOWED_HOSTS=["testserver", "othercity.test"])
    def test_inactive_and_other_city_services_hidden(self) -> None:
        ServiceType.objects.filter(pk=self.tree.pk).update(is_active=False)
        other = make_city("othercity")
        self.assertEqual(self.client.get("/services/tree/").status_code, 404)
        self.assertNotContains(self.client.get("/services/"), "هرس درخت")
        self.assertEqual(
            self.client.get(
                f"/services/{other['tree'].code}/", HTTP_HOST="othercity.test"
            ).status_code,
            200,
        )


class CommentVisibilityTests(BaseTestCase):
    def test_only_approved_comments_and_never_emails(self) -> None:
        a = published(self.city, "خبر", "متن")
        Comment.objects.create(
            article=a, name="مهمان", email="x@example.com", body="تأییدشده", status="approved"
        )
        Comment.objects.create(article=a, name="منتظر", body="در صف", status="pending")
        Comment.objects.create(article=a, name="هرز", body="spam body", status="spam")
        response = self.client.get(a.get_absolute_url())
        self.assertContains(response, "تأییدشده")
        self.assertNotContains(response, "در صف")
        self.assertNotContains(response, "spam body")
        self.assertNotContains(response, "x@example.com")
