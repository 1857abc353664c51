"""Training API: work (mounted by api.py)."""

from __future__ import annotations

from ninja import Router

router = Router()
