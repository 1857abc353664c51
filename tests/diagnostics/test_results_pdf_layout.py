"""The results PDF's layout: the first page carries the summary (not one card and white space),
and every table's caption stands on the page of the table's header row.

Read from the PDF with poppler's ``pdftotext -bbox`` (see ``test_results_pdf_complete``).
"""

from __future__ import annotations

import pytest
from django.utils import translation

from icommit.core.pdf import render_pdf
from icommit.diagnostics import reports
from tests.conftest import World
from tests.diagnostics.conftest import answered_round
from tests.diagnostics.test_results_pdf_complete import find, words_of


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_first_page_holds_the_whole_summary_and_captions_stay_with_their_tables(
    world: World, lang: str
) -> None:
    answered = answered_round(world, security=[4, 4, 3, 5, 4], non_security=[2, 3, 2, 2, 3])
    with translation.override(lang):
        report = reports.round_report(user=world.coordinator, round=answered.round, lang=lang)
        pdf = render_pdf("diagnostics/results_pdf.html", {"report": report})
        cards = [
            str(translation.gettext(t))
            for t in ("Lowest scores", "Change since the last round", "What to do next")
        ]
        group = str(translation.gettext("Group"))
        captions = [
            str(translation.gettext("%(dimension)s: score per group") % {"dimension": d.title})
            for d in report.domains
        ]
    words, _width = words_of(pdf)
    for card in cards:
        assert words[find(words, card)].page == 0, f"{card!r} is not on the first page"
    # the summary fills most of the first page: its last word sits in the lower half
    first = [w for w in words if w.page == 0]
    assert max(w.y1 for w in first) > 842 * 0.6  # A4 is 842 points high
    for caption in captions:
        at = find(words, caption)
        header = find(words, group, at + len(caption.split()))
        assert words[header].page == words[at].page, f"{caption!r} is apart from its table"
