"""Each install's own Django secret key, generated once and kept in ``var/`` (mode 0600).

Imported by the settings module: standard library only. A key configured in the environment
(DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE) always wins; without one, ``make run`` must not
sign sessions, reset codes and links with a key published in the source code.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_FILE_NAME = "secret_key"
MIN_LENGTH = 50


def install_secret_key(var_dir: Path) -> str:
    """The key stored in ``var_dir/secret_key``; created (0600, atomically) if missing.

    Several processes may start at once (web workers and the worker): the key is written to a
    private temporary file and linked into place, so a reader never sees a half-written file
    and only one key ever wins.
    """
    path = var_dir / KEY_FILE_NAME
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        tmp = var_dir / f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(64) + "\n")
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process made it first: use theirs
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text().strip()
    if len(key) < MIN_LENGTH:
        raise RuntimeError(f"{path} holds a secret key shorter than {MIN_LENGTH} characters")
    return key
