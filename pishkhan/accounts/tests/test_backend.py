"""The session user comes with its city, district and department; permissions in one query,
the same answers as Django's ModelBackend."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from pishkhan.accounts.backends import MobileBackend
from pishkhan.accounts.models import User
from pishkhan.test import BaseTestCase


class MobileBackendTests(BaseTestCase):
    def test_user_arrives_with_city_district_and_department(self):
        user = MobileBackend().get_user(self.manager1.pk)
        with self.assertNumQueries(0):
            self.assertEqual(user.municipality, self.m)
            self.assertEqual(user.district, self.d1)
            self.assertIsNone(user.department)
        head = MobileBackend().get_user(self.head_civil.pk)
        with self.assertNumQueries(0):
            self.assertEqual(head.department.code, "civil")

    def test_inactive_or_missing_user_is_nobody(self):
        User.objects.filter(pk=self.operator.pk).update(is_active=False)
        self.assertIsNone(MobileBackend().get_user(self.operator.pk))
        self.assertIsNone(MobileBackend().get_user(987654))

    def test_permissions_match_model_backend_in_one_query(self):
        # a direct permission on top of the role's group, and a second group
        held = ModelBackend().get_all_permissions(User.objects.get(pk=self.operator.pk))
        extra = next(
            p
            for p in Permission.objects.select_related("content_type")
            if f"{p.content_type.app_label}.{p.codename}" not in held and p.codename != "merge_case"
        )
        self.operator.user_permissions.add(extra)
        second = Group.objects.create(name="extra-group")
        second.permissions.add(Permission.objects.get(codename="merge_case"))
        self.operator.groups.add(second)
        for user in (self.operator, self.manager1, self.citizen, self.admin):
            expected = ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
            fresh = User.objects.get(pk=user.pk)
            with self.assertNumQueries(1):
                got = MobileBackend().get_all_permissions(fresh)
                MobileBackend().get_all_permissions(fresh)  # cached on the user object
            self.assertEqual(got, expected, user.role)
        self.assertIn(
            f"{extra.content_type.app_label}.{extra.codename}",
            MobileBackend().get_all_permissions(User.objects.get(pk=self.operator.pk)),
        )
        self.assertIn(
            "cases.merge_case",
            MobileBackend().get_all_permissions(User.objects.get(pk=self.operator.pk)),
        )

    def test_superuser_has_every_permission_and_inactive_none(self):
        boss = User.objects.get(pk=self.admin.pk)
        boss.is_superuser = True
        self.assertEqual(len(MobileBackend().get_all_permissions(boss)), Permission.objects.count())
        idle = User.objects.get(pk=self.operator.pk)
        idle.is_active = False
        self.assertEqual(MobileBackend().get_all_permissions(idle), set())
