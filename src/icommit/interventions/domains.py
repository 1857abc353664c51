"""The life domains a goal belongs to: the domains of the Social Diagnostics instrument (their
keys are fixed with the instrument, ``content/instruments/social-diagnostics/v1.yaml``) and
"general" for a goal across domains."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GENERAL = "general"

#: key -> label, in the instrument's order
DOMAINS: dict[str, Promise] = {
    GENERAL: _("General"),
    "family": _("Family, partner and children"),
    "peers": _("Peers, network and extremist ties"),
    "education": _("Education"),
    "work": _("Work, income and debt"),
    "housing": _("Housing"),
    "physical_health": _("Physical health"),
    "mental_health": _("Mental health and trauma"),
    "substances": _("Substance use"),
    "justice": _("Justice status and history"),
    "ideology": _("Ideology and worldview"),
    "identity": _("Identity and belonging"),
    "online": _("Online life"),
    "leisure": _("Leisure and meaning"),
    "gender": _("Gender roles and relationships"),
    "legal_status": _("Legal and residence status"),
    "discrimination": _("Discrimination and victimisation"),
    "safety": _("Safety and threat"),
    "religion": _("Religion and spirituality"),
}


def domain_keys() -> list[str]:
    return list(DOMAINS)


def domain_label(key: str) -> str:
    return str(DOMAINS.get(key, key))


def domain_choices() -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in DOMAINS.items()]
