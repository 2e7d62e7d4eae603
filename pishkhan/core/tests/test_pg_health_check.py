"""A reused PostgreSQL connection is pinged (SELECT 1) before a request's first query only when
it sat idle (pishkhan/core/postgresql): a connection the server dropped while idle is replaced
without the request seeing it, and a connection in steady use costs no extra round trip."""

from __future__ import annotations

import time
import unittest
from unittest import mock

import psycopg
from django.db import OperationalError, connection, connections
from django.test import SimpleTestCase, override_settings


def one() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return int(cursor.fetchone()[0])


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def request_boundary() -> None:
    """What Django does when a request starts and ends (close_old_connections)."""
    connection.close_if_unusable_or_obsolete()


def kill(pid: int) -> None:
    """The server drops the connection (a restart, an idle timeout in a proxy)."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.05)


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's connection health check")
class IdleHealthCheckTests(SimpleTestCase):
    databases = {"default"}

    def setUp(self) -> None:
        self.assertTrue(connection.health_check_enabled or connection.connection is None)
        one()

    def tearDown(self) -> None:
        connection.close()

    def test_a_connection_in_steady_use_is_not_pinged(self) -> None:
        with (
            override_settings(DB_HEALTH_CHECK_IDLE_SECONDS=60),
            mock.patch.object(type(connections["default"]), "is_usable", return_value=True) as ping,
        ):
            for _ in range(5):
                request_boundary()
                self.assertEqual(one(), 1)
            self.assertEqual(ping.call_count, 0)
        with (
            override_settings(DB_HEALTH_CHECK_IDLE_SECONDS=0),
            mock.patch.object(type(connections["default"]), "is_usable", return_value=True) as ping,
        ):
            request_boundary()
            one()
            one()  # once per request
            self.assertEqual(ping.call_count, 1)

    def test_a_connection_dropped_while_idle_is_replaced_unseen(self) -> None:
        pid = backend_pid()
        kill(pid)
        with override_settings(DB_HEALTH_CHECK_IDLE_SECONDS=0):  # it sat idle
            request_boundary()
            self.assertEqual(one(), 1)
            self.assertNotEqual(backend_pid(), pid)

    def test_a_connection_dropped_in_steady_use_fails_one_request_only(self) -> None:
        pid = backend_pid()
        kill(pid)
        with override_settings(DB_HEALTH_CHECK_IDLE_SECONDS=60):
            request_boundary()
            with self.assertRaises(OperationalError):
                one()  # this request gets the "try again" page (DatabaseUnavailableMiddleware)
            request_boundary()  # the request ends: Django closes the broken connection
            self.assertIsNone(connection.connection)
            self.assertEqual(one(), 1)
            self.assertNotEqual(backend_pid(), pid)
