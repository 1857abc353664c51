"""The results PDF loses nothing: every table keeps all its rows and columns inside the margins.

Read from the PDF itself with poppler's ``pdftotext -bbox`` (word positions): the words of a
table's first column, read top to bottom across pages, spell every dimension in order; the
header words, read column by column, spell every column heading; and no word on any page
crosses the right margin. Hyphens and line breaks a cell adds are ignored when comparing.
"""

from __future__ import annotations

import html
import itertools
import re
import subprocess
from dataclasses import dataclass

import pytest
from django.utils import translation

from icommit.core.pdf import render_pdf
from icommit.diagnostics import reports
from tests.conftest import World
from tests.diagnostics.conftest import answered_round

MM = 72 / 25.4
RIGHT_MARGIN = 15 * MM  # print.css: @page margin 18mm 15mm 20mm
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def words_of(pdf: bytes) -> tuple[list[Word], float]:
    done = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    )
    out = done.stdout.decode()
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))  # type: ignore[union-attr]
    words = []
    for page, body in enumerate(out.split("<page ")[1:]):
        for x0, y0, x1, y1, text in WORD.findall(body):
            words.append(
                Word(page, float(x0), float(y0), float(x1), float(y1), html.unescape(text))
            )
    return words, width


def compact(text: str) -> str:
    """Text without the spaces, line breaks and hyphens that wrapping a cell adds."""
    return re.sub(r"[\s\-\u2010\u00ad]", "", text)


def in_cell(label: str, text: str) -> bool:
    """Whether a table cell's ``label`` is in ``text`` (compacted), also when the cell wrapped.

    A label that wraps inside its cell is read line by line across the row, so the cell's own
    lines interleave with its neighbours' words (a score can land inside a hyphenated word): its
    first word and the start of its last word must come in order.
    """
    parts = [p for p in re.split(r"[\s\-\u2010\u00ad()]+", label) if p]
    if not parts:
        return True
    start = text.find(parts[0])
    return start >= 0 and text.find(parts[-1][:6], start) >= 0


def find(words: list[Word], phrase: str, start: int = 0) -> int:
    """Index of the first word of ``phrase`` (a sequence of whole words) from ``start``."""
    parts = phrase.split()
    for i in range(start, len(words) - len(parts) + 1):
        if [w.text for w in words[i : i + len(parts)]] == parts:
            return i
    raise AssertionError(f"{phrase!r} is not in the PDF")


def table(words: list[Word], caption: str, end: str, first_header: str) -> tuple[list[str], str]:
    """The header cells and the first column's text of the table from ``caption`` to ``end``.

    The header is what stands on the first page down to the first header cell's last line.
    """
    at = find(words, caption) + len(caption.split())
    stop = find(words, end, at)
    top = words[find(words, first_header, at)]
    inside = words[at:stop]
    cells = header_cells([w for w in inside if w.page == top.page and w.y0 < top.y1])
    split = cells[1][0]
    body = [w for w in inside if (w.page, w.y0) > (top.page, top.y1) and w.x1 <= split - 1]
    column = " ".join(w.text for w in sorted(body, key=lambda w: (w.page, w.y0, w.x0)))
    return [text for _x, text in cells], compact(column)


def header_cells(header: list[Word]) -> list[tuple[float, str]]:
    """Header cells, left to right, as (left edge, words read top to bottom).

    On one line, words of one cell are a space apart and cells a padding apart; the pieces of
    a cell on its lines all start at the cell's left edge (cells are left-aligned).
    """
    lines: list[list[Word]] = []
    for w in sorted(header, key=lambda w: (w.y0, w.x0)):
        if lines and abs(lines[-1][0].y0 - w.y0) < 2:
            lines[-1].append(w)
        else:
            lines.append([w])
    pieces: list[list[Word]] = []
    for line in lines:
        line.sort(key=lambda w: w.x0)
        pieces.append([line[0]])
        for before, w in itertools.pairwise(line):
            if w.x0 - before.x1 > 5:
                pieces.append([w])
            else:
                pieces[-1].append(w)
    cells: dict[float, list[list[Word]]] = {}
    for piece in pieces:
        left = next((x for x in cells if abs(x - piece[0].x0) < 2), piece[0].x0)
        cells.setdefault(left, []).append(piece)
    return [
        (x, " ".join(w.text for p in sorted(cells[x], key=lambda p: p[0].y0) for w in p))
        for x in sorted(cells)
    ]


@pytest.fixture
def both_sides_shown(world: World):
    """Five security and five non-security respondents: every column of every table is shown."""
    return answered_round(world, security=[4, 4, 3, 5, 4], non_security=[2, 3, 2, 2, 3])


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_dimension_and_column_of_the_score_tables_is_in_the_pdf(
    world: World, both_sides_shown, lang: str
) -> None:
    with translation.override(lang):
        report = reports.round_report(
            user=world.coordinator, round=both_sides_shown.round, lang=lang
        )
        pdf = render_pdf("diagnostics/results_pdf.html", {"report": report})
        ends = (
            str(translation.gettext("Dimension by dimension")),
            str(translation.gettext("How answers are kept confidential")),
        )
        captions = (
            str(
                translation.gettext(
                    "Score from 0 to 100 per dimension; change against the previous round"
                )
            ),
        )
        group_captions = [
            str(translation.gettext("%(dimension)s: score per group") % {"dimension": d.title})
            for d in report.domains
        ]
        headings = [
            str(translation.gettext(h))
            for h in (
                "Dimension",
                "Team",
                "Band",
                "Previous round",
                "Change",
                "Security members",
                "Non-security members",
                "Divergence",
            )
        ]
    words, width = words_of(pdf)
    titles = [d.title for d in report.domains]
    assert len(titles) >= 10

    for word in words:
        assert word.x1 <= width - RIGHT_MARGIN + 0.5, f"{word.text!r} crosses the right margin"

    header, column = table(words, captions[0], ends[0], headings[0])
    assert [compact(h) for h in header] == [compact(h) for h in headings], header
    position = 0
    for title in titles:
        found = column.find(compact(title), position)
        assert found >= 0, f"dimension {title!r} is missing from the score table ({lang})"
        position = found + len(compact(title))

    # every dimension has its own section with its group table: every shown group is in it
    text = compact(" ".join(w.text for w in words))
    position = text.find(compact(ends[0]))
    assert position >= 0
    labels = [c.label for c in report.shown_columns]
    assert len(labels) >= 3
    starts = []
    for caption in group_captions:
        found = text.find(compact(caption), position)
        assert found >= 0, f"{caption!r} is missing from the PDF ({lang})"
        position = found + len(compact(caption))
        starts.append(position)
    # each section reaches to the next one's caption (the last to the end of the document)
    for caption, start, end in zip(group_captions, starts, [*starts[1:], len(text)], strict=True):
        following = text[start:end]
        for label in labels:
            assert in_cell(label, following), f"{label!r} is missing under {caption!r}"
