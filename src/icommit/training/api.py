"""The training API: one router per area, under /api/v1/training."""

from __future__ import annotations

from ninja import Router

from icommit.training import api_certificates, api_people, api_runs, api_work

router = Router(tags=["training"])
router.add_router("", api_runs.router)
router.add_router("", api_work.router)
router.add_router("", api_certificates.router)
router.add_router("", api_people.router)
