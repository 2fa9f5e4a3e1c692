"""Synthetic next CNNIC editions, made from the 54th edition's text dump, for store tests.

A real store holds many editions; the corpus has one. ``next_edition`` turns an edition's text
into the next one the way CNNIC would print it: every date six months later, Table 4's earlier
column = the previous edition's later column, and the figures we change (``NextEdition``)
changed coherently everywhere they are printed: the tables' sums and equivalences, the
sentences that restate table figures, utilisation = users ÷ internet users and growth =
later ÷ earlier − 1 (to the printed precision). The test goldens are the values typed below:
they are what the generated edition prints, by construction.

``EDITION_55`` follows the 54th cleanly. ``EDITION_56`` follows the 55th with one deliberate
revision (Table 4 restates Instant Messaging for Dec. 2024 differently from the 55th) and one
deliberate drift (mobile phone base stations jump by a quarter in six months).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT_54_TXT = ROOT / "raw" / "reports" / "cnnic-54-en-2024-08.txt"

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
ABBREVIATIONS = [name[:3] for name in MONTHS]


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def month_end(year: int, month: int) -> int:
    following = date(*add_months(year, month, 1), 1)
    return (following - date(year, month, 1)).days


FULL = "|".join(MONTHS)
ABBR = "|".join(ABBREVIATIONS)
DATED = re.compile(
    rf"\b(?P<month>{FULL}|(?:{ABBR})\.?)(?P<day>\s\d{{1,2}},)?\s?(?P<year>(?:19|20)\d\d)\b"
)
UNDATED = re.compile(rf"\b(?P<lead>By|As of|end of|[Ii]n) (?P<month>{FULL})\b(?![\s.]*\d)")
HALF = re.compile(r"\b(?P<half>first|second) half of (?P<rest>(?:19|20)\d\d|the year)")
QUARTER = re.compile(r"\b(?P<q>first|second|third|fourth) quarter\b")
QUARTERS = ("first", "second", "third", "fourth")


def month_index(token: str) -> int:
    name = token.rstrip(".")
    return (MONTHS.index(name) if name in MONTHS else ABBREVIATIONS.index(name)) + 1


def shift_dated(match: re.Match[str], months: int) -> str:
    token = match["month"]
    year, month = add_months(int(match["year"]), month_index(token), months)
    name = MONTHS[month - 1] if token.rstrip(".") in MONTHS else ABBREVIATIONS[month - 1]
    dot = "." if token.endswith(".") else ""
    day = ""
    if match["day"]:
        printed = int(match["day"].strip(" ,"))
        old_end = month_end(int(match["year"]), month_index(token))
        day = f" {month_end(year, month) if printed == old_end else printed},"
    space = " " if match.group(0)[len(token) + len(match["day"] or "")] == " " else ""
    return f"{name}{dot}{day}{space}{year}"


def shift_half(match: re.Match[str]) -> str:
    rest = match["rest"]
    if match["half"] == "first":
        return f"second half of {rest}"
    return f"first half of {rest if rest == 'the year' else int(rest) + 1}"


def shift_dates(text: str, months: int = 6) -> str:
    """Every printed date ``months`` later (month ends stay month ends), halves and quarters
    moved by as much."""
    text = DATED.sub(lambda m: shift_dated(m, months), text)
    text = UNDATED.sub(
        lambda m: f"{m['lead']} {MONTHS[(MONTHS.index(m['month']) + months) % 12]}", text
    )
    text = HALF.sub(shift_half, text)
    return QUARTER.sub(lambda m: f"{QUARTERS[(QUARTERS.index(m['q']) + 2) % 4]} quarter", text)


# Where the report's sentences restate a Table 4 application (anchor regexes, one sentence
# each): the first figure after the anchor is its users, "accounting for N%" its utilisation.
MENTIONS: Mapping[str, tuple[str, ...]] = {
    "Instant Messaging": (r"instant messaging users in China",),
    "Online video": (r"online video users in China", r"online video \(including"),
    "Short Video": (r"short video users",),
    "Online Payment": (r"online payment users",),
    "Online Shopping": (r"online shopping users",),
    "Search Engine": (r"search engine users",),
    "Live Streaming": (r"live streaming users in China", r"users of online live streaming"),
    "Online Music": (r"online music (?:users|consumers)",),
    "Online Meal Ordering": (r"online meal ordering users",),
    "Online Literature": (r"online literature users",),
    "Online Car-hailing": (r"car-hailing users",),
    "Online Travel Booking": (r"online travel booking users",),
    "Online Medical Service": (r"Internet healthcare users",),
}
FIGURE = re.compile(r"(?P<number>\d+(?:\.\d+)?) (?P<unit>billion|million)")
DELTA = re.compile(
    r"(?:an increase of (?P<inc>\d+(?:\.\d+)?) million|(?P<fewer>\d+(?:\.\d+)?) million fewer)"
)
SHARE = re.compile(r"accounting for (?P<pct>\d+\.\d)%")
SENTENCE_END = re.compile(r"\.(?:\s|$)")


def decimals(number: str) -> int:
    return len(number.split(".")[1]) if "." in number else 0


def printed_users(persons: int, like: re.Match[str]) -> str:
    scale = 1e9 if like["unit"] == "billion" else 1e6
    return f"{persons / scale:.{decimals(like['number'])}f} {like['unit']}"


def restate(sentence: str, earlier: int, later: int, share: str) -> str:
    """One sentence about an application with its figures replaced by the new edition's."""
    users = FIGURE.search(sentence)
    assert users is not None, sentence
    out = sentence[: users.start()] + printed_users(later * 10_000, users)
    rest = sentence[users.end() :]
    delta = DELTA.search(rest)
    if delta is not None:
        change = (later - earlier) / 100
        places = decimals(delta["inc"] or delta["fewer"])
        assert change > 0, "the generated editions only grow where a sentence states growth"
        text = f"an increase of {change:.{places}f} million"
        if delta["fewer"]:
            text = f"{change:.{places}f} million more"
        rest = rest[: delta.start()] + text + rest[delta.end() :]
    return out + SHARE.sub(f"accounting for {share}", rest, count=1)


def sentence_at(line: str, start: int) -> tuple[int, int]:
    end = SENTENCE_END.search(line, start)
    return start, end.end() if end else len(line)


@dataclass(frozen=True)
class Application:
    """Table 4's later column of one application as the new edition prints it."""

    users_10k: int
    utilization: str  # "97.9%"
    growth: str  # "0.7%"


@dataclass(frozen=True)
class NextEdition:
    """What changes from one edition to the next (everything else is the same text, dates
    six months later). ``replace``: exact (old, new, count) edits of the shifted text;
    ``table4``: every application's later column; ``revise``: Table 4 earlier-column cells
    restated differently from the previous edition ((users_10k, utilisation) by application).
    """

    number: int
    table4: Mapping[str, Application]
    replace: Sequence[tuple[str, str, int]] = ()
    revise: Mapping[str, tuple[int, str]] = field(default_factory=dict)


TABLE4_ROW = re.compile(
    r"^(?P<label>[^\t\n]+)\t(?P<u1>[\d,]+)\t(?P<r1>[\d.]+%)\t(?P<u2>[\d,]+)\t(?P<r2>[\d.]+%)"
    r"\t(?P<g>-?[\d.]+%)$",
    re.M,
)


def table4_label(label: str) -> str:
    return re.sub(r"\s*[⁰¹²³⁴⁵⁶⁷⁸⁹]+$", "", label)


def later_users(text: str) -> dict[str, int]:
    return {
        table4_label(m["label"]): int(m["u2"].replace(",", "")) for m in TABLE4_ROW.finditer(text)
    }


def rewrite_table4(text: str, edition: NextEdition) -> str:
    seen: set[str] = set()

    def row(match: re.Match[str]) -> str:
        name = table4_label(match["label"])
        new = edition.table4[name]
        seen.add(name)
        users, rate = match["u2"], match["r2"]
        if name in edition.revise:
            revised, revised_rate = edition.revise[name]
            users, rate = f"{revised:,}", revised_rate
        return (
            f"{match['label']}\t{users}\t{rate}\t{new.users_10k:,}\t{new.utilization}\t{new.growth}"
        )

    out = TABLE4_ROW.sub(row, text)
    assert seen == set(edition.table4), sorted(set(edition.table4) ^ seen)
    return out


def rewrite_mentions(text: str, previous: Mapping[str, int], edition: NextEdition) -> str:
    lines = text.split("\n")
    for application, anchors in MENTIONS.items():
        new = edition.table4[application]
        earlier = edition.revise.get(application, (previous[application], ""))[0]
        hits = 0
        for number, line in enumerate(lines):
            for anchor in anchors:
                match = re.search(anchor, line)
                if match is None:
                    continue
                start, end = sentence_at(line, match.start())
                if not FIGURE.search(line[start:end]):
                    continue
                sentence = restate(line[start:end], earlier, new.users_10k, new.utilization)
                line = line[:start] + sentence + line[end:]
                hits += 1
            lines[number] = line
        assert hits, f"no sentence restates {application}"
    return "\n".join(lines)


def next_edition(text: str, edition: NextEdition) -> str:
    """The text of ``edition`` made from the previous edition's ``text``."""
    previous = later_users(text)
    ordinal = {1: "st", 2: "nd", 3: "rd"}.get(edition.number % 10, "th")
    out = re.sub(
        r"The \d+(?:st|nd|rd|th) Statistical Report",
        f"The {edition.number}{ordinal} Statistical Report",
        text,
    )
    out = shift_dates(out)
    out = rewrite_table4(out, edition)
    out = rewrite_mentions(out, previous, edition)
    for old, new, count in edition.replace:
        found = out.count(old)
        assert found == count, f"{old!r} printed {found} times, expected {count}"
        out = out.replace(old, new)
    return out


# --- The 55th edition (period 2024-12-31): internet users 1.10788 billion ------------------

EDITION_55 = NextEdition(
    number=55,
    table4={
        "Instant Messaging": Application(108_512, "97.9%", "0.7%"),
        "Online video": Application(107_420, "97.0%", "0.6%"),
        "Short Video": Application(105_890, "95.6%", "0.8%"),
        "Online Payment": Application(97_510, "88.0%", "0.6%"),
        "Online Shopping": Application(91_213, "82.3%", "0.8%"),
        "Search Engine": Application(82_971, "74.9%", "0.6%"),
        "Online News": Application(76_012, "68.6%", "-0.6%"),
        "Live Streaming": Application(78_356, "70.7%", "0.9%"),
        "Online Music": Application(73_410, "66.3%", "0.7%"),
        "Online Meal Ordering": Application(55_897, "50.5%", "1.1%"),
        "Online Literature": Application(52_140, "47.1%", "1.0%"),
        "Online Car-hailing": Application(51_012, "46.0%", "1.5%"),
        "Online Travel Booking": Application(50_388, "45.5%", "1.3%"),
        "Online Medical Service": Application(37_409, "33.8%", "2.4%"),
        "Online Audio": Application(32_510, "29.3%", "1.7%"),
    },
    replace=(
        ("nearly 1.1 billion (1.09967 billion)", "over 1.1 billion (1.10788 billion)", 3),
        ("7.42 million", "8.21 million", 5),
        ("310 million", "302 million", 1),
        ("78.0%", "78.6%", 3),
        ("0.5 percentage points", "0.6 percentage points", 2),
        ("1.096 billion", "1.105 billion", 2),
        ("an increase of 5.28 million since", "an increase of 8.93 million since", 1),
        ("304 million", "306 million", 2),
        ("795 million", "802 million", 2),
        ("27.7%", "27.6%", 2),
        ("72.3%", "72.4%", 2),
        ("795.22", "801.99", 1),
        ("304.45", "305.89", 1),
        ("from 32.5% in June 2024 to 33.3%", "from 33.3% in June 2024 to 34.0%", 1),
        # IPv4: China Telecom gains one B block; every total and equivalence follows.
        ("392.35 million", "392.41 million", 2),
        ("IPv4\t1\t392,347,136", "IPv4\t1\t392,412,672", 1),
        ("mainland\t343,168,256\t20A+116B+85C", "mainland\t343,233,792\t20A+117B+85C", 1),
        ("China Telecom\t125,763,328\t7A+126B+255C", "China Telecom\t125,828,864\t7A+127B+255C", 1),
        ("Total\t343,168,256\t20A+116B+85C", "Total\t343,233,792\t20A+117B+85C", 1),
        # IPv6: China Telecom +13 /32 blocks.
        ("69,080", "69,093", 4),
        ("1.5% increase", "0.02% increase", 2),
        ("Chinese mainland\t64,435", "Chinese mainland\t64,448", 1),
        ("China Telecom\t16,387", "China Telecom\t16,400", 1),
        ("Total\t64,435", "Total\t64,448", 1),
        # Domains: Guangdong registers 10,000 more .CN names.
        ("31.87 million", "31.88 million", 3),
        ("19.56 million", "19.57 million", 3),
        ("Domain names\t1\t31,871,959", "Domain names\t1\t31,881,959", 1),
        ("Among them, .CN\t1\t19,562,007", "Among them, .CN\t1\t19,572,007", 1),
        (".CN\t19,562,007", ".CN\t19,572,007", 1),
        ("Total\t31,871,959", "Total\t31,881,959", 1),
        ("$.CN^{11}$\t11,502,204", "$.CN^{11}$\t11,512,204", 1),
        ("Total\t19,562,007", "Total\t19,572,007", 1),
        ("Guangdong\t6851219\t4597950", "Guangdong\t6861219\t4607950", 1),
        ("Total\t31871959\t19562007", "Total\t31881959\t19572007", 1),
        # Table 7 (users by province) still prints the end of 2023.
        ("statistical data is Jun. 30, 2024", "statistical data is Dec. 31, 2023", 1),
    ),
)  # fmt: skip

# --- The 56th edition (period 2025-06-30), made from the 55th ------------------------------
# Revision: Table 4 restates Instant Messaging for Dec. 2024 as 108,580 (98.0%), where the 55th
# printed 108,512 (97.9%). Drift: mobile phone base stations 1,188 → 1,480 (10,000), +24.6 %
# in six months. Everything else grows as before; internet users 1.11312 billion.

EDITION_56 = NextEdition(
    number=56,
    table4={
        "Instant Messaging": Application(109_120, "98.0%", "0.5%"),
        "Online video": Application(108_051, "97.1%", "0.6%"),
        "Short Video": Application(106_533, "95.7%", "0.6%"),
        "Online Payment": Application(98_102, "88.1%", "0.6%"),
        "Online Shopping": Application(91_807, "82.5%", "0.7%"),
        "Search Engine": Application(83_520, "75.0%", "0.7%"),
        "Online News": Application(75_830, "68.1%", "-0.2%"),
        "Live Streaming": Application(78_990, "71.0%", "0.8%"),
        "Online Music": Application(73_805, "66.3%", "0.5%"),
        "Online Meal Ordering": Application(56_421, "50.7%", "0.9%"),
        "Online Literature": Application(52_603, "47.3%", "0.9%"),
        "Online Car-hailing": Application(51_577, "46.3%", "1.1%"),
        "Online Travel Booking": Application(50_912, "45.7%", "1.0%"),
        "Online Medical Service": Application(38_110, "34.2%", "1.9%"),
        "Online Audio": Application(32_954, "29.6%", "1.4%"),
    },
    revise={"Instant Messaging": (108_580, "98.0%")},
    replace=(
        ("over 1.1 billion (1.10788 billion)", "over 1.1 billion (1.11312 billion)", 3),
        ("8.21 million", "5.24 million", 5),
        ("302 million", "297 million", 1),
        ("78.6%", "78.9%", 3),
        ("0.6 percentage points", "0.3 percentage points", 2),
        ("1.105 billion", "1.110 billion", 2),
        ("an increase of 8.93 million since", "an increase of 5.00 million since", 1),
        ("306 million", "307 million", 2),
        ("802 million", "806 million", 2),
        ("801.99", "805.76", 1),
        ("305.89", "307.36", 1),
        ("from 33.3% in December 2024 to 34.0%", "from 34.0% in December 2024 to 34.6%", 1),
        # the drift: base stations jump by a quarter
        ("11.88 million", "14.80 million", 2),
        ("base stations\t10,000\t1,188", "base stations\t10,000\t1,480", 1),
        ("a net increase of 265,000 from", "a net increase of 2.92 million from", 1),
        # Table 7 now prints the end of 2024
        ("Central Government in 2023", "Central Government in 2024", 1),
        ("statistical data is Jun. 30, 2024", "statistical data is Dec. 31, 2024", 1),
    ),
)  # fmt: skip


def write_edition(folder: Path, text: str, number: int) -> Path:
    path = folder / f"cnnic-{number}-en.txt"
    path.write_text(text, encoding="utf-8")
    return path


def edition_text(number: int) -> str:
    """The text of edition 54 (the corpus dump), 55 or 56 (generated in a chain)."""
    text = REPORT_54_TXT.read_text(encoding="utf-8")
    for edition in (EDITION_55, EDITION_56):
        if edition.number > number:
            break
        text = next_edition(text, edition)
    return text


def write_editions(folder: Path, numbers: Sequence[int]) -> list[Path]:
    """Text dumps of these editions (54 is the corpus file's text) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [write_edition(folder, edition_text(number), number) for number in numbers]
