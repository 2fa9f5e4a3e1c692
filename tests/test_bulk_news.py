"""Bulk news: a folder of many articles is one run (one batch task), not one sub-flow per file;
English and Chinese news and a look-alike side by side, real Prefect, real Delta tables."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from uuid import UUID

import pandas as pd
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterId,
)

from cninet.process import PLAIN_STEPS, run_source, run_sources_batched
from cninet.store import read
from flows.pipeline import process_sources
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("prefect_harness")
CORPUS = ROOT / "tests" / "corpus"
FILES = (
    "news_en/e49-2022-02-respectively.txt",
    "news_en/e55-2025-01-china-daily.txt",
    "news_zh/z53-2024-03-headline-typo.txt",
    "news_zh/z44-2019-08-shangbannian.txt",
    "lookalike/la-itu-world-2023.txt",
    "lookalike/la-cac-2013-zh.txt",
)


async def runs_named(name: str, parent: str) -> int:
    async with get_client() as client:
        parents = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(parent)]))
        )
        runs = await client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[name])))
    started = min(run.start_time for run in parents if run.start_time)
    return sum(1 for run in runs if run.start_time and run.start_time >= started)


def test_a_folder_of_news_is_one_run_with_one_batch(workdir: Path) -> None:
    raw = workdir / "raw"
    raw.mkdir()
    for name in FILES:
        shutil.copy(CORPUS / name, raw / Path(name).name)
    result = process_sources(sorted(raw.iterdir()), workdir / "curated")
    statuses = {Path(s.path).name: s.status for s in result.sources}
    assert set(statuses.values()) == {"extracted"}, statuses
    # no sub-flow per file: every text went through the one batch task
    assert asyncio.run(runs_named("extract-source", result.run_id)) == 0
    indicators = read(workdir / "curated", "indicators")
    by_source = indicators.groupby(indicators["source_path"].map(lambda p: Path(p).name))
    counts = by_source.size().to_dict()
    assert "la-itu-world-2023.txt" not in counts and "la-cac-2013-zh.txt" not in counts
    zh = indicators[indicators["source_path"].str.endswith("z53-2024-03-headline-typo.txt")]
    users = zh[zh["indicator_id"] == "internet_users"]
    assert users["value"].tolist() == [10.92]  # the body's figure; the headline's 10.29 flags it
    assert any("erratum_text_mentions_disagree" in f for f in users["quality_flags"].iloc[0])
    articles = read(workdir / "curated", "news_articles")
    assert set(articles["source_path"].map(lambda p: Path(p).name)) == {Path(f).name for f in FILES}


def test_joint_validation_equals_validating_each_source(tmp_path: Path) -> None:
    """Validating many small sources at once gives each exactly the rows and flags it would get
    alone (the contradiction flag of the headline-typo article included)."""
    paths = []
    for name in (
        *FILES,
        "news_zh/z56-2025-07-zhongxinshe.txt",
        "news_en/e22-2008-07-dateline-miit.txt",
    ):
        target = tmp_path / Path(name).name
        shutil.copy(CORPUS / name, target)
        paths.append(target)
    alone = [run_source(path, "run", PLAIN_STEPS) for path in paths]
    joint = run_sources_batched(paths, "run")
    assert [o.path for o in joint] == [o.path for o in alone]
    flagged = 0
    for one, many in zip(alone, joint, strict=True):
        assert one.validated.keys() == many.validated.keys()
        for dataset, validated in one.validated.items():
            other = many.validated[dataset]
            if not (validated.frame.empty and other.frame.empty):
                pd.testing.assert_frame_equal(validated.frame, other.frame, check_dtype=False)
            assert sorted(map(repr, validated.flags)) == sorted(map(repr, other.flags))
            flagged += len(validated.flags)
    assert flagged > 0
