"""Settings for the test suite: the same module, with the testing switch on."""

import os

os.environ["PISHKHAN_TESTING"] = "1"
os.environ.setdefault("PISHKHAN_VAR_DIR", "/tmp/pishkhan-test-var")
_var = os.environ["PISHKHAN_VAR_DIR"]
os.makedirs(_var, exist_ok=True)
os.environ.setdefault("SQLITE_PATH", f"{_var}/dev.sqlite3")
os.environ.setdefault("SQLITE_TEST_PATH", f"{_var}/test-{os.getpid()}.sqlite3")

from pishkhan.settings import *  # noqa: E402, F403
