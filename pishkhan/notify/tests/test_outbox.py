import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import transaction
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import timezone

from pishkhan.notify.models import Message, WorkerHeartbeat
from pishkhan.notify.selectors import worker_heartbeat_at
from pishkhan.notify.services import message_enqueue, outbox_process
from pishkhan.notify.transports import FileSMSBackend, TransportError


def enqueue(key="k1"):
    return message_enqueue(
        template="accounts/messages/reset_code",
        context={"code": "123456"},
        mobile="+989121234567",
        dedupe_key=key,
    )


class OutboxTests(TestCase):
    def test_message_only_exists_if_the_transaction_commits(self):
        try:
            with transaction.atomic():
                enqueue()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        self.assertFalse(Message.objects.exists())

    def test_dedupe_key_makes_enqueue_idempotent(self):
        enqueue()
        enqueue()
        self.assertEqual(Message.objects.count(), 1)

    def test_file_backend_writes_once(self):
        enqueue()
        path = Path(settings.SMS_FILE_PATH) / "sms.jsonl"
        before = path.read_text().count("\n") if path.exists() else 0
        self.assertEqual(outbox_process(), {"sent": 1})
        self.assertEqual(outbox_process(), {})
        lines = path.read_text().splitlines()[before:]
        self.assertEqual(len(lines), 1)
        self.assertIn("123456", json.loads(lines[0])["body"])

    @override_settings(
        SMS_BACKEND="pishkhan.notify.transports.HttpSMSBackend",
        SMS_GATEWAY_URL="http://127.0.0.1:9/sms",
    )
    def test_gateway_down_retries_with_backoff_then_sends_in_order(self):
        enqueue("a")
        enqueue("b")
        now = timezone.now()
        self.assertEqual(outbox_process(now=now), {"queued": 2})
        msg = Message.objects.first()
        self.assertEqual(msg.attempts, 1)
        self.assertGreater(msg.next_attempt_at, now)
        self.assertEqual(outbox_process(now=now), {})  # not due yet
        sent = []

        def ok(self, *, to, body, key):
            sent.append(key)
            return "gw-" + key

        with mock.patch("pishkhan.notify.transports.HttpSMSBackend.send", ok):
            self.assertEqual(outbox_process(now=now + dt.timedelta(hours=2)), {"sent": 2})
        self.assertEqual(sent, [str(m.key) for m in Message.objects.order_by("id")])
        self.assertEqual(Message.objects.filter(status="sent").count(), 2)

    @override_settings(OUTBOX_MAX_ATTEMPTS=2)
    def test_gives_up_after_max_attempts(self):
        enqueue()
        with mock.patch(
            "pishkhan.notify.transports.FileSMSBackend.send", side_effect=TransportError("down")
        ):
            outbox_process(now=timezone.now())
            outbox_process(now=timezone.now() + dt.timedelta(days=1))
        self.assertEqual(Message.objects.get().status, "failed")


class FileSMSBackendTests(SimpleTestCase):
    """The default SMS backend appends, delivers each key once, and reads only what is new."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)
        self.settings_override = override_settings(SMS_FILE_PATH=self.dir)
        self.settings_override.enable()
        self.addCleanup(self.settings_override.disable)
        FileSMSBackend._seen.clear()
        self.path = Path(self.dir) / "sms.jsonl"

    def lines(self):
        return [json.loads(line) for line in self.path.read_text().splitlines() if line.strip()]

    def test_a_key_is_delivered_once(self):
        backend = FileSMSBackend()
        backend.send(to="+989121234567", body="یک", key="k1")
        backend.send(to="+989121234567", body="یک", key="k1")
        self.assertEqual([m["key"] for m in self.lines()], ["k1"])

    def test_a_key_another_process_appended_is_not_sent_again(self):
        FileSMSBackend().send(to="+989121234567", body="یک", key="k1")
        with open(self.path, "a", encoding="utf-8") as fh:  # another worker process's line
            fh.write(json.dumps({"to": "x", "body": "دو", "key": "k2", "at": "t"}) + "\n")
        FileSMSBackend().send(to="+989121234567", body="دو", key="k2")
        FileSMSBackend().send(to="+989121234567", body="سه", key="k3")
        self.assertEqual([m["key"] for m in self.lines()], ["k1", "k2", "k3"])

    def test_reads_only_what_was_appended_since_the_last_send(self):
        backend = FileSMSBackend()
        for n in range(50):
            backend.send(to="+989121234567", body=f"پیام {n:02d}", key=f"k{n:02d}")
        _inode, offset, keys = FileSMSBackend._seen[str(self.path)]
        self.assertEqual((offset, len(keys)), (self.path.stat().st_size, 50))
        # Rewrite the first line in place (same length) with another key: a backend that
        # re-read the whole file would now believe "zz" was sent and skip it.
        first = self.path.read_bytes().split(b"\n", 1)[0]
        with open(self.path, "r+b") as fh:
            fh.write(first.replace(b'"k00"', b'"zz" '))
        backend.send(to="+989121234567", body="آخر", key="zz")
        self.assertEqual(self.lines()[-1]["key"], "zz")

    def test_a_line_torn_by_a_crash_does_not_swallow_the_next_message(self):
        # Torn inside a Persian letter, as SIGKILL stops a write at a page boundary.
        self.path.write_bytes('{"to": "x", "body": "نیمه", "key": "k0"}'.encode()[:24])
        FileSMSBackend().send(to="+989121234567", body="کامل", key="k1")
        FileSMSBackend().send(to="+989121234567", body="کامل", key="k0")  # the torn one, again
        torn, *whole = self.path.read_bytes().splitlines()
        with self.assertRaises(UnicodeDecodeError):
            torn.decode()
        self.assertEqual([json.loads(line)["key"] for line in whole], ["k1", "k0"])

    def test_a_replaced_file_is_read_again(self):
        backend = FileSMSBackend()
        backend.send(to="+989121234567", body="یک", key="k1")
        self.path.unlink()
        backend.send(to="+989121234567", body="یک", key="k1")  # a new file: not a duplicate
        self.assertEqual([m["key"] for m in self.lines()], ["k1"])


class HeartbeatTests(TestCase):
    def test_the_last_beat(self):
        self.assertIsNone(worker_heartbeat_at())
        beat = timezone.now() - dt.timedelta(seconds=90)
        WorkerHeartbeat.objects.create(name="worker", at=beat)
        WorkerHeartbeat.objects.create(name="older", at=beat - dt.timedelta(hours=1))
        self.assertEqual(worker_heartbeat_at(), beat)  # the freshest worker's
        self.assertEqual(worker_heartbeat_at(name="older"), beat - dt.timedelta(hours=1))
        self.assertIsNone(worker_heartbeat_at(name="other"))
