"""The console stays readable: django-q's per-task lines are quiet, its errors still show."""

from __future__ import annotations

import logging

import pytest
from django_q.conf import logger as django_q_logger


def test_django_q_logs_under_the_name_the_settings_quieten() -> None:
    # django-q logs as "django-q"; a setting for "django_q" would quieten nothing
    assert django_q_logger.name == "django-q"
    assert django_q_logger.getEffectiveLevel() == logging.WARNING


def test_an_enqueued_task_prints_nothing_but_an_error_does(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="root"):
        django_q_logger.info("Enqueued [icommit] 1")
        django_q_logger.error("Failed [icommit] 2")
    messages = [r.getMessage() for r in caplog.records if r.name == "django-q"]
    assert messages == ["Failed [icommit] 2"]


def test_weasyprint_layout_steps_are_quiet_but_its_errors_show() -> None:
    weasyprint = logging.getLogger("weasyprint.progress")
    assert not weasyprint.isEnabledFor(logging.INFO)
    assert logging.getLogger("weasyprint").isEnabledFor(logging.ERROR)
