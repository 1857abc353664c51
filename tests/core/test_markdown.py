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
