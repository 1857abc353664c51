"""The ``audit.verify`` job: a person's "Verify now" on the audit page, run as a background task.

It checks the owner's right again when it runs, verifies the whole chain (``core.verification``
records and audits the outcome) and hands back a plain-text report of what it found.
"""

from __future__ import annotations

from icommit.access import Action, require
from icommit.core.jobs import Report
from icommit.core.models import ChainVerification, Job
from icommit.core.verification import chain_verify, verification_report

KIND = "audit.verify"


def chain_verify_job(job: Job, report: Report) -> tuple[str, str, bytes]:
    require(job.owner, Action.AUDIT_VERIFY)
    row, result = chain_verify(
        actor=job.owner,
        trigger=ChainVerification.Trigger.PERSON,
        progress=lambda percent: report(percent, ""),
    )
    name = f"audit-chain-verification-{row.finished_at:%Y%m%d-%H%M%S}.txt"
    return name, "text/plain; charset=utf-8", verification_report(row, result).encode()
