"""A file SMS backend that takes its time, so that kills land in the middle of sending."""

import time

from pishkhan.notify.transports import FileSMSBackend


class SlowFileSMSBackend(FileSMSBackend):
    def send(self, *, to: str, body: str, key: str) -> str:
        time.sleep(0.02)
        result = super().send(to=to, body=body, key=key)
        time.sleep(0.02)
        return result
