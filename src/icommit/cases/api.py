"""API: a team's cases, referrals, notes, sharing decisions and consents (under the case policy)."""

from ninja import Router

router = Router(tags=["cases"])
