"""Exports in tests: start a job with a POST, let it run (tasks run inline), read its file.

The job's task is queued on commit, so the POST runs inside ``captureOnCommitCallbacks``; the
file is fetched the way a browser does, through the progress page's signed link.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from django.test import Client, TestCase
from django.urls import reverse

from icommit.core.models import Job


def start(client: Client, url: str, data: dict[str, Any] | None = None) -> Job:
    """POST to an export URL and return the job it started (already run)."""
    before = set(Job.objects.values_list("pk", flat=True))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data or {})
    job = Job.objects.exclude(pk__in=before).get()
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("web:job", args=[job.pk])
    job.refresh_from_db()
    return job


def download(client: Client, job: Job) -> tuple[bytes, str]:
    """The finished job's file and its Content-Disposition, through the progress page's link."""
    assert job.status == "done", job.message
    page = client.get(reverse("web:job", args=[job.pk]))
    assert page.status_code == 200
    token = page.context["download_token"]
    response = client.get(reverse("web:job_download", args=[job.pk]) + f"?t={token}")
    assert response.status_code == 200
    return b"".join(response.streaming_content), response["Content-Disposition"]


def pdf(client: Client, url: str, data: dict[str, Any] | None = None) -> bytes:
    """Start a PDF job, wait for it and return the PDF's bytes."""
    body, _disposition = download(client, start(client, url, data))
    assert body.startswith(b"%PDF-")
    return body


def pdf_text(data: bytes) -> str:
    """The text of a PDF (poppler's pdftotext, which `make test` installs with poppler-utils)."""
    tool = shutil.which("pdftotext")
    assert tool is not None, "pdftotext is missing: `make system-packages` installs poppler-utils"
    done = subprocess.run([tool, "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, in order (pdftotext separates pages with a form feed)."""
    tool = shutil.which("pdftotext")
    assert tool is not None, "pdftotext is missing: `make system-packages` installs poppler-utils"
    done = subprocess.run([tool, "-", "-"], input=data, capture_output=True, check=True)
    pages = done.stdout.decode().split("\f")
    return [" ".join(page.split()) for page in pages if page.strip()]
