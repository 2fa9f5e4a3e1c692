"""Figures that live only in the report's sentences (Core Data, chapters I–II …) → indicators."""

from extractors.narrative import extract_facts
from extractors.spec import TextSpec

SPEC = TextSpec(
    id="indicators_text",
    dataset="indicators",
    chapter="text",
    facts=extract_facts,
    source_kind="report_text",
    description="Narrative figures with their sentence, unit and period, per indicator vocabulary",
)
