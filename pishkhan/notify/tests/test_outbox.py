import datetime as dt
import json
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from pishkhan.notify.models import Message
from pishkhan.notify.services import message_enqueue, outbox_process
from pishkhan.notify.transports import TransportError


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
