"""Paths and run settings, with the defaults ``make run`` relies on."""

from __future__ import annotations

import os
import subprocess
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CURATED_ENV = "CNINET_CURATED_DIR"
RAW_ENV = "CNINET_RAW_DIR"
REPORTS_DIR = "_reports"


def default_curated() -> Path:
    return Path(os.environ.get(CURATED_ENV, "curated"))


@cache
def code_version() -> str:
    """Package version, plus the git commit when run from a checkout."""
    try:
        base = version("cninet")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        base = "0+unknown"
    try:
        commit = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return base
    return f"{base}+g{commit}" if commit else base
