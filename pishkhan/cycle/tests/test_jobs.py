"""The worker's background job registry (cycle.jobs); the scan it runs is tested in cases."""

from unittest import mock

from django.test import SimpleTestCase

from pishkhan.cycle import jobs


class JobsRunTests(SimpleTestCase):
    def test_jobs_repeat_while_they_find_work_and_a_failure_stops_only_itself(self):
        backlog = [3, 3, 1, 0]
        calls = []

        def drain() -> int:
            calls.append("drain")
            return backlog.pop(0)

        def broken() -> int:
            raise RuntimeError("boom")

        errors = []
        with mock.patch.dict(jobs.JOBS, clear=True):
            jobs.register_job("a.broken", run=broken)
            jobs.register_job("b.drain", run=drain)
            done = jobs.jobs_run(on_error=lambda name, exc: errors.append((name, str(exc))))
        self.assertEqual(done, {"a.broken": 0, "b.drain": 7})
        self.assertEqual(len(calls), 4)
        self.assertEqual(errors, [("a.broken", "boom")])

    def test_a_job_stops_repeating_when_its_budget_is_spent(self):
        calls = []

        def endless() -> int:
            calls.append(1)
            return 10

        with mock.patch.dict(jobs.JOBS, clear=True):
            jobs.register_job("endless", run=endless)
            self.assertEqual(jobs.jobs_run(budget_seconds=0), {"endless": 10})
        self.assertEqual(len(calls), 1)
