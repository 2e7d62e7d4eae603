"""Errors that services raise; views turn them into Persian messages."""

from __future__ import annotations

from django.utils.translation import gettext as _


class ApplicationError(Exception):
    """A rule of the domain was broken; ``message`` is shown to the user (Persian)."""

    def __init__(self, message: str, *, extra: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class InvalidTransition(ApplicationError):
    def __init__(self, old: str, new: str) -> None:
        # The codes go to API clients in ``extra``; people read a sentence.
        super().__init__(
            _("این کار در وضعیت کنونی ممکن نیست؛ صفحه را تازه کنید و وضعیت را ببینید."),
            extra={"from": old, "to": new},
        )
        self.old = old
        self.new = new


class PermissionDeniedError(ApplicationError):
    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("شما اجازهٔ این کار را ندارید."))
