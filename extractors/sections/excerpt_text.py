"""An English report excerpt (Core Data, a chapter) without the cover → indicators."""

from extractors.readers.report_body import excerpt_facts
from extractors.spec import TextSpec

SPEC = TextSpec(
    id="excerpt_text",
    dataset="indicators",
    chapter="text",
    facts=excerpt_facts,
    source_kind="report_text",
    doc_kind="excerpt",
    lang="en",
    description="Figures of a report excerpt, with the edition it names (else flagged)",
)
