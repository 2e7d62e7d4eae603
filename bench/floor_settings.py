"""Settings for bench/floor.py: the product's, with its bench-only URLs in front."""

from pishkhan.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor"
