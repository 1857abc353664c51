"""PDFs are real documents, rendered from templates without any network access."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from icommit.core.pdf import render_pdf, static_file


def test_a_pdf_is_rendered_from_a_template(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = render_pdf("core/pdf_base.html", {})
    assert data.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        (tmp_path / "a.pdf").write_bytes(data)
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "icommit" in text


def test_rendering_refuses_to_fetch_anything_but_static_files() -> None:
    with pytest.raises(ValueError, match="may not fetch"):
        static_file("https://example.org/tracker.png")
    assert static_file("static:///icommit/icommit.css").read_bytes().startswith(b"/*")
