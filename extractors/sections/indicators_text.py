"""Figures that live only in the report's sentences (Core Data, chapters I–II …) → indicators."""

from extractors.readers.report_body import report_facts
from extractors.spec import TextSpec

SPEC = TextSpec(
    id="indicators_text",
    dataset="indicators",
    chapter="text",
    facts=report_facts,
    source_kind="report_text",
    description="Narrative figures with their sentence, unit and period, per indicator vocabulary",
)
