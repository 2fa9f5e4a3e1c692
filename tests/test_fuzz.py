"""Seeded fuzz: bytes flipped at many offsets of the 54th PDF. Every damaged copy is rejected in
one line, or its tables are blocked as structural, or they publish whole; never a short table
published silently. Bounded in count and time (pure steps, no Prefect)."""

from __future__ import annotations

from collections import Counter

from tests.fuzzing import trials

SEED = 13
COUNT = 40
BUDGET_S = 45.0


def test_flipped_bytes_never_publish_a_short_table() -> None:
    seen = list(trials(SEED, COUNT, BUDGET_S))
    outcomes = Counter(trial.outcome for trial in seen)
    assert len(seen) >= 5, outcomes  # the budget allows a handful even on a busy machine
    for trial in seen:
        assert trial.short == (), f"offset {trial.offset} bit {trial.bit}: short {trial.short}"
        assert "\n" not in trial.reason
        if trial.outcome in ("rejected", "skipped"):
            assert trial.reason, trial
    assert set(outcomes) <= {"rejected", "skipped", "blocked", "published"}
