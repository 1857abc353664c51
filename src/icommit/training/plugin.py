"""What training plugs in: its policies, the facts the access kernel needs (the runs a user
teaches or learns in, whether the account is an external learner's, the teams whose
certification gate shuts the user out now), its API router, links and home panels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import CharField, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icommit.access import facts, registry
from icommit.api import registry as api
from icommit.training import (
    checks,  # noqa: F401 (registers the content system check)
    selectors_runs,
)
from icommit.training.models import (
    Certificate,
    Enrolment,
    EnrolmentStatus,
    GateSector,
    LearnerAccount,
    RunTrainer,
)
from icommit.training.policies import (
    CertificatePolicy,
    EnrolmentPolicy,
    RunPolicy,
    TeamTrainingPolicy,
)
from icommit.web import registry as web

registry.register(RunPolicy, EnrolmentPolicy, TeamTrainingPolicy, CertificatePolicy)

#: A certificate without an end date counts as valid until this day (as YYYYMMDD).
_FOREVER = 99991231


def run_rows(user: Any) -> QuerySet[Any, tuple[int, str]]:
    """(run, "trainer") for the runs the user teaches."""
    return RunTrainer.objects.filter(user_id=user.pk).values_list(
        "run_id", Value("trainer", output_field=CharField())
    )


def run_facts(rows: Sequence[tuple[int, str]]) -> dict[str, Any]:
    return {"trainer_run_ids": frozenset(run for run, _ in rows)}


def learner_rows(user: Any) -> QuerySet[Any, tuple[int, str]]:
    """(run, status) for the runs the user is enrolled in or asks to join."""
    return Enrolment.objects.filter(
        learner_id=user.pk, status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.REQUESTED]
    ).values_list("run_id", "status")


def learner_facts(rows: Sequence[tuple[int, str]]) -> dict[str, Any]:
    return {"learner_run_ids": frozenset(run for run, _ in rows)}


def external_rows(user: Any) -> QuerySet[Any, tuple[int, str]]:
    """One row if the account is an external learner's."""
    return LearnerAccount.objects.filter(user_id=user.pk).values_list(
        "pk", Value("external", output_field=CharField())
    )


def external_facts(rows: Sequence[tuple[int, str]]) -> dict[str, Any]:
    return {"learner_only": bool(rows)}


def _as_number(field: str) -> Any:
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


def gate_rows(user: Any) -> QuerySet[Any, tuple[int, str]]:
    """(team, valid-until as YYYYMMDD text, "0" for none) for every team whose gate names the
    sector of an organisation the user sits in the team for: the last day of the user's best
    unrevoked certificate of the gate's course. The date is compared with today in the fold, so
    the query depends on the user alone (the kernel compiles it once) and an expired or revoked
    certificate shuts the user out at the very next request."""
    best = (
        Certificate.objects.filter(
            learner_id=user.pk, course=OuterRef("course"), revoked_at__isnull=True
        )
        .annotate(until=Coalesce(_as_number("valid_until"), Value(_FOREVER)))
        .order_by("-until")
        .values("until")[:1]
    )
    return (
        GateSector.objects.filter(
            team__memberships__user_id=user.pk,
            team__memberships__ended_at__isnull=True,
            team__memberships__organisation__sector=F("sector"),
            # a security actor is never gated, also where its sector is a non-security one
            team__memberships__organisation__is_security=False,
        )
        .annotate(
            until=Cast(
                Coalesce(Subquery(best, output_field=IntegerField()), Value(0)),
                output_field=CharField(),
            )
        )
        .values_list("team_id", "until")
    )


def gate_facts(rows: Sequence[tuple[int, str]]) -> dict[str, Any]:
    today = int(timezone.localdate().strftime("%Y%m%d"))
    return {"gated_team_ids": frozenset(team for team, until in rows if int(until) < today)}


facts.provide_rows(run_rows, run_facts)
facts.provide_rows(learner_rows, learner_facts)
facts.provide_rows(external_rows, external_facts)
facts.provide_rows(gate_rows, gate_facts)

api.router("/training", "icommit.training.api.router")

# --- runs registrations (edited by the runs work only) ---
web.nav_item("training", _("Training"), "training:home", "academic-cap", 50)
web.nav_section("training", "training")


def home_training(*, user: Any, context: dict[str, Any], obj: Any = None) -> None:
    """Home-page items: requests to join and assignments waiting for a trainer, and a learner's
    sessions in the next seven days (at most three queries; none for who neither teaches nor
    learns)."""
    found = selectors_runs.attention(user)
    items = context.setdefault("attention_items", [])
    today = timezone.localdate()
    for kind, count in (("requests", found.requests), ("reviews", found.reviews)):
        if count:
            items.append(
                {
                    "template": "training/runs/_home_attention.html",
                    "urgency": (1, today),
                    "kind": kind,
                    "count": count,
                }
            )
            context["attention_count"] = context.get("attention_count", 0) + count
    for session in found.soon:
        items.append(
            {
                "template": "training/runs/_home_attention.html",
                "urgency": (1, timezone.localdate(session.starts_at)),
                "kind": "session",
                "session": session,
            }
        )
        context["attention_count"] = context.get("attention_count", 0) + 1


web.panel("home.attention", "", home_training, order=55)
# --- end runs registrations ---
# --- work registrations (edited by the learner-work work only) ---
from icommit.training import plugin_work  # noqa: E402  (after the kernel's registrations)

plugin_work.register()
# --- end work registrations ---
# --- certificates registrations (edited by the certificates work only) ---
# its jobs (PDF, ZIP), the daily expiry reminder and the home panel
from icommit.training import plugin_certificates  # noqa: E402, F401  (registers on import)

# --- end certificates registrations ---
# --- people registrations (edited by the people work only) ---
# the team page's "Training" link, the trainers' home item for external learners, and an
# external learner's home
from icommit.training.plugin_people import register as register_people  # noqa: E402

register_people()  # after the kernel's registrations

# --- end people registrations ---
