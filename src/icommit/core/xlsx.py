"""Spreadsheets (.xlsx) the platform writes: every text is a typed text cell, never a formula.

All xlsx writing goes through ``XlsxBook`` so no user text (``=HYPERLINK(...)``, ``+1``, ``@x``)
becomes a live formula or an error cell, and no text is altered (no leading apostrophe, which
would corrupt XLSForm expressions). Imports no Django: the pure instrument engine uses it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["XlsxBook", "XlsxSheet"]

#: First characters a spreadsheet program would evaluate when the cell is edited and confirmed.
_FORMULA_STARTS = ("=", "+", "-", "@")


class XlsxSheet:
    """One worksheet; rows are appended in order."""

    def __init__(self, ws: Worksheet) -> None:
        self._ws = ws
        self._rows = 0

    def append(self, values: Iterable[Any]) -> None:
        """Write one row; None leaves a cell empty, numbers stay numbers, the rest is text."""
        self._rows += 1
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = self._ws.cell(row=self._rows, column=column)
            if isinstance(value, bool | int | float | Decimal | datetime | date | time):
                cell.value = value
                continue
            # Characters XML 1.0 cannot hold would make openpyxl raise; they cannot be stored.
            text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
            cell.value = text
            # openpyxl turns a string starting with "=" into a formula and "#N/A" and the like
            # into error cells; the type is set after the value so the text stays text.
            cell.data_type = "s"
            if text.startswith(_FORMULA_STARTS):
                # The quote prefix style keeps the cell text when someone edits it in Excel or
                # LibreOffice; it is a style, so the stored text is unchanged.
                cell.quotePrefix = True


class XlsxBook:
    """A workbook of typed cells; ``to_bytes`` gives the .xlsx file."""

    def __init__(self) -> None:
        self._wb = Workbook()
        self._fresh = True

    def sheet(self, title: str) -> XlsxSheet:
        """Add a worksheet named ``title`` (the first call renames the default one)."""
        if self._fresh:
            ws = self._wb.active
            assert ws is not None  # a new Workbook always has one active sheet
            ws.title = title
            self._fresh = False
        else:
            ws = self._wb.create_sheet(title)
        return XlsxSheet(ws)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self._wb.save(out)
        return out.getvalue()
