"""On PostgreSQL the server binds the parameters and prepares a statement that a connection
runs again and again (issue #19): the same query is planned once, not on every request — the
tracking page's look-up cost more to plan than to run (measured in docs/PERFORMANCE.md)."""

from __future__ import annotations

import unittest

from django.db import connection
from django.test import TestCase

from pishkhan.cases.selectors import case_public_state
from pishkhan.cases.tracking import tracking_code_new


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL's prepared statements")
class PreparedStatementTests(TestCase):
    def test_a_repeated_look_up_is_prepared_once(self):
        code = tracking_code_new()  # a well-formed code no case has: the look-up still runs
        for _ in range(8):
            self.assertIsNone(case_public_state(code=code, municipality_id=1))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements"
                " WHERE statement LIKE '%%FROM cases_case c WHERE c.municipality_id = $1%%'"
            )
            self.assertEqual(cursor.fetchone()[0], 1)
