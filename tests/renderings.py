"""Our own PDF renderings of the 54th edition's tables (reportlab), printed from the
hand-typed goldens in other layouts than CNNIC's: columns as narrow as their longest word
(headers wrap into many short lines, labels over two or three lines, a unit "100 million"
over two), ruled grids or no rules at all, A4 or Letter, tables broken across pages with the
header repeated. The extractor must read back every golden cell.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tests.conftest import GOLDEN

FONT = "Helvetica"
COVER = (
    "The 54th Statistical Report on China's Internet Development",
    "China Internet Network Information Center (CNNIC)",
    "August 2024",
)
DEADLINE = "Note 5: The deadline for the above statistical data is Jun. 30, 2024."
PAD = 6  # reportlab's default left/right cell padding


@dataclass(frozen=True)
class Variant:
    """One way of printing the tables."""

    name: str
    page: str  # "A4" or "Letter"
    ruled: bool  # a full grid, or no rules at all
    size: float = 9  # font size of table cells
    flat: bool = False  # footnote markers at full size on the baseline ("Online video23")

    @property
    def pagesize(self) -> tuple[float, float]:
        return A4 if self.page == "A4" else LETTER


VARIANTS = (
    Variant("a4-ruled", "A4", True),
    Variant("a4-unruled", "A4", False),
    Variant("letter-ruled", "Letter", True, 8),
    Variant("letter-unruled", "Letter", False, 8),
)
FLAT = Variant("a4-flat-markers", "A4", True, flat=True)
# Footnotes printed under each table (our own words), by number; App. 2 prints "Note N:".
FOOTNOTES = {
    "application_users": {23: "The online video user count for June 2024 takes in short video."},
    "basic_resources": {
        4: "Active IPv6 users are counted up to the end of May 2024.",
        5: "Generic and new generic domain counts come from domestic registrars.",
        6: "Figures from the Ministry of Industry and Information Technology.",
        7: "Active IPv6 users are counted up to the end of May 2024.",
    },
    "ipv4_by_org": {
        1: "China Unicom holds the former China Unicom and China Netcom addresses.",
        2: "Alliance members' addresses, without those assigned to two carriers.",
        3: "The addresses of China Mobile Tietong are assigned by CNNIC.",
        4: "Others apply for their addresses directly from APNIC.",
    },
}
BROKEN = ("application_users", "users_by_province")  # tables that run onto a second page
RENDERED = ("application_users", "basic_resources", "ipv4_by_org", "users_by_province")


def golden(dataset: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / f"{dataset}.csv", dtype=str, keep_default_na=False)


def sup(notes: str) -> str:
    """Golden notes ("Note 23;Note 2") as the superscript markers printed after a cell."""
    numbers = [note.split()[-1] for note in notes.split(";") if note]
    return "".join(f"<super>{n}</super>" for n in numbers)


def grouped(value: str) -> str:
    return f"{int(value):,}"


def pct(value: str) -> str:
    return f"{float(value):.1f}%"


# Each table: caption, header cells, printed body rows (from the golden), caption below?
Row = tuple[str, ...]
Printed = tuple[str, Row, list[Row], bool]


def application_users() -> Printed:
    rows = golden("application_users").to_dict("records")
    body: list[Row] = []
    for earlier, later in zip(rows[::2], rows[1::2], strict=True):
        body.append(
            (
                earlier["application"] + sup(earlier["notes"]),
                grouped(earlier["users_10k"]),
                pct(earlier["utilization_pct"]),
                grouped(later["users_10k"]),
                pct(later["utilization_pct"]),
                pct(later["growth_pct"]),
            )
        )
    header = (
        "Application",
        "User Size Dec. 2023 (10,000)",
        "Utilization Ratio Dec. 2023",
        "User Size Jun. 2024 (10,000)",
        "Utilization Ratio Jun. 2024",
        "Growth Rate",
    )
    caption = (
        "Table 4 User Size and Utilization Ratio of Each Internet Application between "
        "Dec. 2023 and Jun. 2024"
    )
    return caption, header, body, False


def basic_resources() -> Printed:
    body: list[Row] = [
        (
            row["category"] + sup(row["notes"]),
            row["unit"],
            f"{float(row['value']):,.2f}" if "." in row["value"] else grouped(row["value"]),
        )
        for row in golden("basic_resources").to_dict("records")
    ]
    caption = "Table 1 Development of Basic Internet Resources by June 2024"
    return caption, ("Category", "Unit", "Jun. 2024"), body, True


def ipv4_by_org() -> Printed:
    body: list[Row] = [
        (row["organization"], grouped(row["addresses"]) + sup(row["notes"]), row["equivalence"])
        for row in golden("ipv4_by_org").to_dict("records")
    ]
    caption = "Table 2 Allocation of IPv4 Addresses among Organizations"
    header = ("Organization Name", "Number of Addresses", "Equivalence")
    return caption, header, body, True


def users_by_province() -> Printed:
    body: list[Row] = [
        (row["province"], row["users_10k"])
        for row in golden("users_by_province").to_dict("records")
    ]
    caption = "Table 7 Number of Internet Users in Each Province / Autonomous Region / Municipality"
    header: Row = (
        "Province / Autonomous Region / Municipality Directly under the Central Government",
        "Number of Internet Users (10,000)",
    )
    return caption, header, body, False


def narrowest(cells: Sequence[str], size: float) -> float:
    """A column just wide enough for its longest word (so every cell wraps where it can)."""
    words = [word for cell in cells for word in plain(cell).split()]
    return max(stringWidth(word, FONT, size) for word in words) + 2 * PAD + 2


def plain(cell: str) -> str:
    return cell.replace("<super>", "").replace("</super>", "")


def footnote_lines(dataset: str, flat: bool, raised: Callable[[int], str]) -> list[str]:
    """The footnotes printed under a table: ``Note N: …`` in App. 2, else the number
    ``raised`` or flat (``23 The …``)."""
    out = []
    for number, text in FOOTNOTES.get(dataset, {}).items():
        if dataset.startswith("ipv4"):
            out.append(f"Note {number}: {text}")
        elif flat:
            out.append(f"{number} {text}")
        else:
            out.append(f"{raised(number)}{text}")
    return out


def flattened(cell: str, flat: bool) -> str:
    return plain(cell) if flat else cell


def table_flowable(header: tuple[str, ...], body: list[tuple[str, ...]], v: Variant) -> Table:
    text = ParagraphStyle("cell", fontName=FONT, fontSize=v.size, leading=v.size * 1.2)
    number = ParagraphStyle("number", parent=text, alignment=2)  # right-aligned
    columns = list(zip(header, *body, strict=True))
    widths = [narrowest(column, v.size) for column in columns]
    data = [[Paragraph(cell, text) for cell in header]]
    for row in body:
        label, *values = (flattened(cell, v.flat) for cell in row)
        data.append([Paragraph(label, text), *(Paragraph(c, number) for c in values)])
    style: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
    ]
    if v.ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    return Table(data, colWidths=widths, repeatRows=1, style=TableStyle(style))


PRINTED = {
    "application_users": application_users,
    "basic_resources": basic_resources,
    "ipv4_by_org": ipv4_by_org,
    "users_by_province": users_by_province,
}


@cache
def rendering(variant: Variant) -> bytes:
    """The cover, then each rendered table with its caption, as PDF bytes."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=variant.pagesize)
    prose = ParagraphStyle("prose", fontName=FONT, fontSize=11, leading=14)
    story: list[object] = [Paragraph(line, prose) for line in COVER]
    story.append(PageBreak())
    for dataset in RENDERED:
        caption, header, body, below = PRINTED[dataset]()
        if variant.flat:  # each table on its own page, with its footnotes (none breaks)
            story.append(PageBreak())
        elif dataset in BROKEN:  # push the table down: it breaks in two
            story.append(Spacer(1, variant.pagesize[1] * 0.5))
        parts = [Paragraph(caption, prose), Spacer(1, 6)]
        table = [table_flowable(header, body, variant), Spacer(1, 6)]
        story += [*table, *parts] if below else [*parts, *table]
        small = ParagraphStyle("note", fontName=FONT, fontSize=8, leading=10)
        story += [
            Paragraph(line, small)
            for line in footnote_lines(dataset, variant.flat, lambda n: f"<super>{n}</super>")
        ]
        story += [Paragraph("Data sources: APNIC and CNNIC", prose), Spacer(1, 18)]
    story.append(Paragraph(DEADLINE, prose))
    doc.build(story)
    return out.getvalue()


SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def wrapped_words(cell: str, per_line: int) -> list[str]:
    words = cell.split()
    return [" ".join(words[i : i + per_line]) for i in range(0, len(words), per_line)]


def text_table(header: tuple[str, ...], body: list[tuple[str, ...]], flat: bool) -> list[str]:
    """A text dump of a table whose cells wrap: header cells two words a line (by tab
    position), every label over lines of one or two words, footnote digits as ``²³`` (or
    glued flat: ``video23``)."""
    columns = [wrapped_words(cell, 2) for cell in header]
    depth = max(len(column) for column in columns)
    lines = [
        "\t".join(column[i] if i < len(column) else "" for column in columns) for i in range(depth)
    ]
    for row in body:
        label, *values = (cell.replace("<super>", "").replace("</super>", "") for cell in row)
        marks = [cell.split("<super>")[1:] for cell in row]
        printed = [
            text.removesuffix("".join(m.removesuffix("</super>") for m in mark))
            + "".join(m.removesuffix("</super>") for m in mark).translate(
                {} if flat else SUPERSCRIPTS
            )
            for text, mark in zip((label, *values), marks, strict=True)
        ]
        first, *rest = wrapped_words(printed[0], 1 if len(printed[0].split()) <= 3 else 2)
        lines.append("\t".join([first, *printed[1:]]))
        lines.extend(rest)
    return lines


@cache
def text_rendering(flat: bool = False) -> str:
    """The cover, then each rendered table as a wrapping text dump, with its footnotes."""
    out = [*COVER, ""]
    for dataset in RENDERED:
        caption, header, body, below = PRINTED[dataset]()
        table = text_table(header, body, flat)
        out += [*table, "", caption, ""] if below else [caption, "", *table, ""]
        notes = footnote_lines(dataset, flat, lambda n: str(n).translate(SUPERSCRIPTS))
        out += [*notes, ""] if notes else []
    return "\n".join([*out, DEADLINE, ""])


def ruled_grid_pdf(shift_cell: tuple[int, int] | None = None, shift_pt: float = 0) -> bytes:
    """App. 2 Table 1 (IPv4 by region) drawn as a ruled grid on a canvas, from the golden.
    ``shift_cell`` (row, column) is printed ``shift_pt`` to the left, across its rule: the
    one cell where the ruled grid and the printed gaps say different things."""
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for i, line in enumerate(COVER):
        canvas.drawString(72, 760 - 18 * i, line)
    canvas.showPage()
    rows = [("Region", "Number of Addresses", "Equivalence")] + [
        (row["region"], grouped(row["addresses"]), row["equivalence"])
        for row in golden("ipv4_by_region").to_dict("records")
    ]
    xs, top, height = (100.0, 230.0, 370.0), 700.0, 20.0
    canvas.setFont(FONT, 10)
    for r, row in enumerate(rows):
        baseline = top - height * r - 14
        for c, cell in enumerate(row):
            shift = shift_pt if (r, c) == shift_cell else 0.0
            canvas.drawString(xs[c] + 6 - shift, baseline, cell)
    canvas.setLineWidth(0.5)
    bottom = top - height * len(rows)
    for x in (*xs, 560.0):
        canvas.line(x, top, x, bottom)
    for r in range(len(rows) + 1):
        canvas.line(xs[0], top - height * r, 560.0, top - height * r)
    canvas.drawString(100, bottom - 24, "Table 1 Number of IPv4 Addresses")
    canvas.drawString(100, bottom - 60, DEADLINE)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
