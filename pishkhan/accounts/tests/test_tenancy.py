from django.core.cache import cache
from django.test import override_settings

from pishkhan.test import BaseTestCase, make_city


@override_settings(ALLOWED_HOSTS=["*"])
class TenancyTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other = make_city("othercity", "شهر دیگر")

    def setUp(self):
        cache.clear()

    def test_public_site_is_chosen_by_host_name(self):
        self.assertContains(self.client.get("/", HTTP_HOST="testcity.test"), "شهر آزمون")
        response = self.client.get("/", HTTP_HOST="othercity.test")
        self.assertContains(response, "شهر دیگر")
        self.assertNotContains(response, "شهر آزمون")

    def test_staff_of_one_city_cannot_use_another_citys_office(self):
        self.login(self.secretary)
        self.assertEqual(self.client.get("/office/", HTTP_HOST="testcity.test").status_code, 200)
        self.assertEqual(self.client.get("/office/", HTTP_HOST="othercity.test").status_code, 403)
