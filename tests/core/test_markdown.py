"""Markdown of content renders as sanitised HTML."""

from __future__ import annotations

from icommit.core.markdown import render


def test_structure_is_kept() -> None:
    html = render("# Title\n\nSome **bold** text.\n\n- one\n- two\n")
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert "<li>one</li>" in html


def test_raw_html_and_scripts_never_pass() -> None:
    html = render(
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))"
    )
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html  # shown as text, not run
    assert "href" not in html  # no javascript: link


def test_links_are_https_only_and_do_not_leak_the_referrer() -> None:
    html = render("[ok](https://example.org) [no](http://example.org)")
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer"' in html
    assert 'href="http://example.org"' not in html


def test_a_gender_star_stays_a_star_and_emphasis_still_works() -> None:
    html = render("Ärzt*innen, Psycholog*innen und eine Trainer*in lesen **fett** und *kursiv*.")
    assert "Ärzt*innen, Psycholog*innen und eine Trainer*in" in html
    assert "<em>innen" not in html
    assert "<strong>fett</strong>" in html and "<em>kursiv</em>" in html


def test_a_table_scrolls_in_its_own_focusable_region() -> None:
    html = render("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert '<div class="table-wrap" tabindex="0" role="region" aria-label="Table"><table>' in html
    assert html.count("<table>") == 1 and "</table></div>" in html
