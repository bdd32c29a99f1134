"""Settings for bench_throughput.py only: the portal's settings, served as in production.

DEBUG off, only 127.0.0.1 as host, and the benchmark URLs (the portal's plus
one minimal view as the baseline). Everything else, including the database
(DATABASE_URL) and DB_CONN_MAX_AGE, comes from bantar.settings unchanged.
"""

from bantar.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "benchmarks.bench_urls"
