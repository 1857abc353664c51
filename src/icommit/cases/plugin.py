"""What cases plugs in: its policy, its shared items (notes, identity) and their policies."""

from __future__ import annotations

from icommit.access import registry
from icommit.api import registry as api
from icommit.cases.models import CaseNote, ClientIdentity, IdentityAudience, NoteAudience
from icommit.cases.policies import CasePolicy
from icommit.sharing import items

registry.register(CasePolicy)
items.register(CaseNote, NoteAudience)
items.register(ClientIdentity, IdentityAudience)
# the cases API (cases/api.py, helper on the API): mounted under /api/v1/teams/{team_id}/cases
api.router("/teams/{team_id}/cases", "icommit.cases.api.router")
