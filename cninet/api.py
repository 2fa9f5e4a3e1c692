"""Python access for downstream consumers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cninet.settings import default_curated
from cninet.store import read


def load(
    dataset: str,
    version: int | None = None,
    edition: int | None = None,
    curated: Path | str | None = None,
) -> pd.DataFrame:
    """A curated dataset as a DataFrame: latest version unless ``version`` is given."""
    return read(Path(curated) if curated else default_curated(), dataset, version, edition)
