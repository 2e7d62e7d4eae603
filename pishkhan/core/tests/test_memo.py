from django.core.cache import cache
from django.test import SimpleTestCase

from pishkhan.core import memo


class ProcessMemoTests(SimpleTestCase):
    def setUp(self):
        cache.clear()
        memo._held.clear()
        self.builds = 0

    def build(self):
        self.builds += 1
        return ["شهر", self.builds]

    def test_built_once_then_held(self):
        first = memo.process_memo("k", self.build)
        second = memo.process_memo("k", self.build)
        self.assertIs(first, second)  # the same object: no copy through the cache
        self.assertEqual(self.builds, 1)

    def test_rebuilt_when_the_stamp_is_gone(self):
        memo.process_memo("k", self.build)
        cache.clear()
        self.assertEqual(memo.process_memo("k", self.build), ["شهر", 2])
        memo.process_memo_forget("k")
        self.assertEqual(memo.process_memo("k", self.build), ["شهر", 3])
        self.assertEqual(memo.process_memo("k", self.build), ["شهر", 3])

    def test_rebuilt_after_the_timeout(self):
        memo.process_memo("k", self.build, timeout=1)
        cache.delete("memo-stamp:k")  # what the cache does when the timeout passes
        memo.process_memo("k", self.build, timeout=1)
        self.assertEqual(self.builds, 2)

    def test_another_process_adopts_the_stamp_instead_of_replacing_it(self):
        memo.process_memo("k", self.build)
        stamp = cache.get("memo-stamp:k")
        memo._held.clear()  # a second worker process: same cache, nothing held yet
        memo.process_memo("k", self.build)
        self.assertEqual(cache.get("memo-stamp:k"), stamp)
        memo.process_memo("k", self.build)
        self.assertEqual(self.builds, 2)

    def test_none_is_held_too(self):
        calls = []
        for _ in range(3):
            memo.process_memo("none", lambda: calls.append(1))
        self.assertEqual(len(calls), 1)

    def test_the_stamp_is_read_at_most_once_per_recheck_window(self):
        with self.settings(MEMO_RECHECK_SECONDS=60):
            memo.process_memo("k", self.build)
            cache.clear()  # another process's edit, seen only when the window has passed
            self.assertEqual(memo.process_memo("k", self.build), ["شهر", 1])
            memo._checked["k"] -= 61
            self.assertEqual(memo.process_memo("k", self.build), ["شهر", 2])

    def test_forgetting_is_seen_at_once_by_the_process_that_edits(self):
        with self.settings(MEMO_RECHECK_SECONDS=60):
            memo.process_memo("k", self.build)
            memo.process_memo_forget("k")
            self.assertEqual(memo.process_memo("k", self.build), ["شهر", 2])
