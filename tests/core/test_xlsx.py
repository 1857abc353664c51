"""Spreadsheets the platform writes hold user text as typed text, never as a formula."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl

from icommit.core import xlsx
from icommit.core.xlsx import XlsxBook


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    book = XlsxBook()
    sheet = book.sheet("data")
    sheet.append(["=1+1", "+1", "-1", "@A1", "#DIV/0!", "plain", 7, -2.5, None, True])
    sheet.append(["second\x07row"])
    book.sheet("other").append(['=HYPERLINK("http://x","y")'])
    data = book.to_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert 't="e"' not in xml
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["data", "other"]
    first, second = wb["data"].iter_rows(values_only=True)
    assert first == ("=1+1", "+1", "-1", "@A1", "#DIV/0!", "plain", 7, -2.5, None, True)
    assert second[0] == "second\ufffdrow"
    assert wb["other"]["A1"].data_type == "s"
    assert wb["data"]["F1"].quotePrefix is False
    assert wb["data"]["A1"].quotePrefix is True


def test_no_other_module_writes_a_workbook() -> None:
    src = Path(xlsx.__file__).parents[1]
    writers = re.compile(r"\bWorkbook\(|\.save\(|xlsxwriter")
    offenders = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if path.name != "xlsx.py"
        and "openpyxl" in (text := path.read_text(encoding="utf-8"))
        and writers.search(text)
    ]
    assert offenders == []
