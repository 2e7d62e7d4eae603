from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from pishkhan.accounts.access import scope_cases
from pishkhan.accounts.models import User
from pishkhan.accounts.roles import ROLE_PERMISSIONS, Role
from pishkhan.accounts.services import password_reset_confirm, password_reset_request, user_create
from pishkhan.core.errors import ApplicationError
from pishkhan.notify.models import Message
from pishkhan.test import PASSWORD, BaseTestCase


class UserTests(BaseTestCase):
    def test_mobile_is_stored_e164(self):
        user = user_create(mobile="۰۹۳۵۱۲۳۴۵۶۷", full_name="الف", municipality=self.m)
        self.assertEqual(user.mobile, "+989351234567")
        self.assertFalse(user.is_staff)

    def test_bad_national_id_refused(self):
        with self.assertRaises(ValidationError):
            user_create(
                mobile="09351234568", full_name="ب", municipality=self.m, national_id="1234567890"
            )
        self.assertFalse(User.objects.filter(mobile="+989351234568").exists())

    def test_district_manager_needs_a_district(self):
        with self.assertRaises(ValidationError):
            user_create(
                mobile="09351234569", full_name="ج", role=Role.DISTRICT_MANAGER, municipality=self.m
            )

    def test_every_role_is_a_group_with_its_permissions(self):
        for role, perms in ROLE_PERMISSIONS.items():
            group = Group.objects.get(name=role)
            have = {
                f"{p.content_type.app_label}.{p.codename}"
                for p in group.permissions.select_related("content_type")
            }
            self.assertEqual(have, set(perms), role)

    def test_users_hold_their_roles_permissions(self):
        self.assertTrue(self.manager1.has_perm("cases.triage_case"))
        self.assertFalse(self.operator.has_perm("cases.triage_case"))
        self.assertTrue(self.secretary.has_perm("meetings.run_meeting"))
        self.assertFalse(self.member.has_perm("meetings.run_meeting"))
        self.assertTrue(self.head_civil.has_perm("directives.work_directive"))
        self.assertFalse(self.auditor.has_perm("cases.triage_case"))


class ScopeTests(BaseTestCase):
    def test_district_manager_sees_only_own_district(self):
        from pishkhan.accounts.models import District

        qs = District.objects.all()
        # District has a municipality field, so the same scoping helper applies.
        self.assertEqual(
            list(scope_cases(self.manager1, qs, district_field="id").values_list("id", flat=True)),
            [self.d1.id],
        )
        self.assertEqual(
            set(scope_cases(self.secretary, qs, district_field="id")), {self.d1, self.d2}
        )
        self.assertEqual(list(scope_cases(self.head_civil, qs, district_field="id")), [])


class LoginTests(BaseTestCase):
    def test_login_with_mobile_in_any_digits(self):
        local = "0" + self.operator.mobile[3:]
        persian = local.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        response = self.client.post("/accounts/login/", {"mobile": persian, "password": PASSWORD})
        self.assertRedirects(response, "/office/", fetch_redirect_response=False)

    def test_wrong_password_gets_persian_message(self):
        response = self.client.post(
            "/accounts/login/", {"mobile": self.operator.mobile, "password": "nope"}
        )
        self.assertContains(response, "شمارهٔ همراه یا گذرواژه درست نیست")

    def test_too_many_failures_from_one_address_are_throttled(self):
        from django.core.cache import cache

        cache.clear()
        for i in range(20):
            self.client.post("/accounts/login/", {"mobile": f"0912000{i:04d}", "password": "nope"})
        response = self.client.post(
            "/accounts/login/", {"mobile": self.operator.mobile, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "ده دقیقهٔ دیگر", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        cache.clear()

    def test_board_member_must_pass_two_factor(self):
        self.client.post("/accounts/login/", {"mobile": self.member.mobile, "password": PASSWORD})
        response = self.client.get("/office/")
        self.assertRedirects(response, "/accounts/two-factor/", fetch_redirect_response=False)
        page = self.client.get("/accounts/two-factor/")
        self.assertContains(page, "<svg")  # the enrolment QR code

    def test_two_factor_with_real_totp_code(self):
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        self.client.post("/accounts/login/", {"mobile": self.mayor.mobile, "password": PASSWORD})
        self.client.get("/accounts/two-factor/")
        device = TOTPDevice.objects.get(user=self.mayor)
        bad = self.client.post("/accounts/two-factor/", {"token": "000000"})
        self.assertContains(bad, "کد درست نیست")
        device.refresh_from_db()
        self.assertEqual(device.throttling_failure_count, 1)  # guessing is throttled
        device.throttle_reset()
        code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
        response = self.client.post("/accounts/two-factor/", {"token": code})
        self.assertRedirects(response, "/office/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/office/").status_code, 200)


class PasswordResetTests(BaseTestCase):
    def test_code_by_sms_then_new_password(self):
        password_reset_request(mobile=self.operator.mobile)
        sms = Message.objects.get(to=self.operator.mobile, channel="sms")
        code = "".join(ch for ch in sms.body if ch.isdigit())[:6]
        with self.assertRaises(ApplicationError):
            password_reset_confirm(
                mobile=self.operator.mobile,
                code="999999" if code != "999999" else "111111",
                new_password="a-new-long-password",
            )
        password_reset_confirm(
            mobile=self.operator.mobile, code=code, new_password="a-new-long-password"
        )
        self.operator.refresh_from_db()
        self.assertTrue(self.operator.check_password("a-new-long-password"))
        with self.assertRaises(ApplicationError):  # single use
            password_reset_confirm(
                mobile=self.operator.mobile, code=code, new_password="another-long-password"
            )

    def test_unknown_mobile_reveals_nothing(self):
        password_reset_request(mobile="09350000000")
        self.assertFalse(Message.objects.exists())
