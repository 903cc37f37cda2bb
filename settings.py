"""Settings: a handful of constants read once from the environment."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# The fixture files the database is seeded from: every `*.yaml` of this folder, with the page texts they quote.
FIXTURES = Path(os.environ.get("BILATERAL_FIXTURES", ROOT / "seeds" / "fixtures"))
DATABASE_URL = os.environ.get("BILATERAL_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bilateral.db'}")
HOST = os.environ.get("BILATERAL_HOST", "127.0.0.1")
PORT = int(os.environ.get("BILATERAL_PORT", "8000"))
DEBUG = _flag("BILATERAL_DEBUG", False)
CORS_ORIGINS = [origin.strip() for origin in os.environ.get("BILATERAL_CORS_ORIGINS", "*").split(",") if origin.strip()]
REDIS_URL = os.environ.get("BILATERAL_REDIS_URL") or None
CACHE_MAX_AGE = int(os.environ.get("BILATERAL_CACHE_MAX_AGE", "60"))
MAX_PAGE_SIZE = 100
# A page of a connection asked for with neither `first` nor `last`: small, so a query that pages nothing stays cheap.
DEFAULT_PAGE_SIZE = 10
# The compiled read path answers the queries it can plan; 0 leaves every query to normal execution.
COMPILED = _flag("BILATERAL_COMPILED", True)
# It reads what it can nest in one statement, the database building the JSON; 0 reads each field in a statement.
NESTED = _flag("BILATERAL_NESTED", True)

# Limits on what one request may ask; each refusal names the limit it hit.
MAX_DEPTH = int(os.environ.get("BILATERAL_MAX_DEPTH", "16"))
MAX_ALIASES = int(os.environ.get("BILATERAL_MAX_ALIASES", "30"))
MAX_TOKENS = int(os.environ.get("BILATERAL_MAX_TOKENS", "2000"))
MAX_COST = int(os.environ.get("BILATERAL_MAX_COST", "500000"))
# Introspection's objects per request, a batch's together: room for every tool's introspection query, twice.
MAX_INTROSPECTION_COST = int(os.environ.get("BILATERAL_MAX_INTROSPECTION_COST", "5000"))
MAX_DOCUMENT_BYTES = int(os.environ.get("BILATERAL_MAX_DOCUMENT_BYTES", "32768"))
MAX_BODY_BYTES = int(os.environ.get("BILATERAL_MAX_BODY_BYTES", "131072"))
MAX_BATCH = int(os.environ.get("BILATERAL_MAX_BATCH", "10"))
# Every string argument or input field (`contains`, `search`'s `query`, slugs, ids, cursors), in characters.
MAX_STRING_LENGTH = int(os.environ.get("BILATERAL_MAX_STRING_LENGTH", "2000"))
DATABASE_TIMEOUT = float(os.environ.get("BILATERAL_DATABASE_TIMEOUT", "5"))

# Bounded work: a time budget per request, and how many costly operations run at once.
REQUEST_TIMEOUT = float(os.environ.get("BILATERAL_REQUEST_TIMEOUT", "5"))
LIGHT_COST = int(os.environ.get("BILATERAL_LIGHT_COST", "10000"))
MAX_HEAVY = int(os.environ.get("BILATERAL_MAX_HEAVY", "2"))
MAX_QUEUE = int(os.environ.get("BILATERAL_MAX_QUEUE", "16"))
QUEUE_TIMEOUT = float(os.environ.get("BILATERAL_QUEUE_TIMEOUT", "2"))
POOL_SIZE = int(os.environ.get("BILATERAL_POOL_SIZE", "10"))
# Of the pool, the connections only cheap operations seen before may use: a burst of costly ones leaves them free.
LIGHT_CONNECTIONS = POOL_SIZE // 5 if POOL_SIZE > 1 else 0
READY_TIMEOUT = 2.0
# On PostgreSQL the data version is known in process (resolvers/notified.py): told of each commit, and read again at
# least this often; a version read longer ago than `VERSION_TRUSTED_FOR` is not trusted, and requests read it in
# their own snapshots. A commit is so seen by every server within that bound, and mostly within a round trip.
VERSION_CONFIRM_EVERY = 0.25
VERSION_TRUSTED_FOR = 1.0
# Clients: the time to send a request's head, and then each part of its body.
CLIENT_TIMEOUT = float(os.environ.get("BILATERAL_CLIENT_TIMEOUT", "10"))
# Seconds an idle keep-alive connection stays open.
KEEP_ALIVE = int(os.environ.get("BILATERAL_KEEP_ALIVE", "5"))

# Caches: the in-process store's size (persisted queries get an eighth more of each); Redis is given this
# long to answer before it is skipped.
CACHE_MAX_BYTES = int(os.environ.get("BILATERAL_CACHE_MAX_BYTES", str(64 * 1024 * 1024)))
CACHE_MAX_ENTRIES = int(os.environ.get("BILATERAL_CACHE_MAX_ENTRIES", "100000"))
# Persisted queries one client (by peer address) may register per minute, in each worker process.
MAX_REGISTRATIONS = int(os.environ.get("BILATERAL_MAX_REGISTRATIONS", "100"))
REDIS_TIMEOUT = float(os.environ.get("BILATERAL_REDIS_TIMEOUT", "0.05"))

# Operations: worker processes on one port, metrics, the log's format, the HTTP parser, and stopping gracefully.
WORKERS = int(os.environ.get("BILATERAL_WORKERS", "1"))
# `GET /metrics`: `private` serves loopback clients and whoever sends `Authorization: Bearer <the token>`;
# `public` serves anyone; `off` removes it.
METRICS = os.environ.get("BILATERAL_METRICS", "private").strip().lower()
METRICS_TOKEN = os.environ.get("BILATERAL_METRICS_TOKEN") or None
LOG_FORMAT = os.environ.get("BILATERAL_LOG_FORMAT", "text").strip().lower()  # `text` or `json`
# The HTTP/1.1 parser, and the event loop that goes with it: `httptools` (C) on uvloop, or `h11` (pure Python) on
# asyncio, the fallback. Both close a connection whose request head does not arrive within `CLIENT_TIMEOUT`.
HTTP = os.environ.get("BILATERAL_HTTP", "httptools").strip().lower()
LOOPS = {"httptools": "uvloop", "h11": "asyncio"}


def share_of(value: str) -> float | None:
    """`on` (1), `off` (0) or a share from 0 to 1; None for anything else (refused at start)."""
    named = {"on": 1.0, "off": 0.0}
    try:
        share = named[value] if value in named else float(value)
    except ValueError:
        return None
    return share if 0.0 <= share <= 1.0 else None


# The request log: every request (`on`), none (`off`), or a share of them (`0.1`, chosen by request id); answers
# of 500 and above are always logged.
ACCESS_LOG_SETTING = os.environ.get("BILATERAL_ACCESS_LOG", "on").strip().lower()
_ACCESS_SHARE = share_of(ACCESS_LOG_SETTING)
ACCESS_LOG = 1.0 if _ACCESS_SHARE is None else _ACCESS_SHARE  # `cli.py serve` refuses a bad value; else log all
# On SIGTERM: seconds `/ready` answers 503 while the port still serves (by default, long enough for a request
# begun just before to end within its budget), then seconds requests in flight may take once the port closes.
SHUTDOWN_DRAIN = float(os.environ.get("BILATERAL_SHUTDOWN_DRAIN", str(REQUEST_TIMEOUT + 1)))
SHUTDOWN_TIMEOUT = int(os.environ.get("BILATERAL_SHUTDOWN_TIMEOUT", "30"))
