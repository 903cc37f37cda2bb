"""Settings: a handful of constants read once from the environment."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATABASE_URL = os.environ.get("BILATERAL_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bilateral.db'}")
HOST = os.environ.get("BILATERAL_HOST", "127.0.0.1")
PORT = int(os.environ.get("BILATERAL_PORT", "8000"))
DEBUG = _flag("BILATERAL_DEBUG", False)
CORS_ORIGINS = [origin.strip() for origin in os.environ.get("BILATERAL_CORS_ORIGINS", "*").split(",") if origin.strip()]
MAX_PAGE_SIZE = 100
SEEDS_DIR = ROOT / "seeds"
