"""English dates follow European conventions: day before month, the 24-hour clock."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import formats, translation


def test_english_dates_read_day_month_year_and_the_24_hour_clock() -> None:
    moment = datetime.datetime(2026, 12, 4, 14, 5)
    with translation.override("en"):
        assert formats.date_format(moment.date()) == "4 December 2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "4 December 2026, 14:05"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "04/12/2026"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
    with translation.override("de"):
        assert formats.date_format(moment.date()) == "4. Dezember 2026"


def test_a_typed_english_date_is_read_day_first() -> None:
    with translation.override("en"):
        field = forms.DateField()
        assert field.clean("03/04/2026") == datetime.date(2026, 4, 3)
        assert field.clean("2026-04-03") == datetime.date(2026, 4, 3)
