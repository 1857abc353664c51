"""The sector taxonomy, with the security and state flags each sector defaults to.

Security actors are police, intelligence liaison, prosecution, prison and probation; everyone
else is a non-security actor. State / non-state is a second, separate axis.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    POLICE = "police", _("Police")
    INTELLIGENCE = "intelligence", _("Intelligence liaison")
    PROSECUTION = "prosecution", _("Prosecution")
    PRISON = "prison", _("Prison")
    PROBATION = "probation", _("Probation")
    MUNICIPALITY = "municipality", _("Municipality")
    SOCIAL_SERVICES = "social_services", _("Social services")
    YOUTH_WELFARE = "youth_welfare", _("Youth welfare")
    EXIT_COUNSELLING = "exit_counselling", _("Exit and counselling NGO")
    SCHOOL = "school", _("School")
    HIGHER_EDUCATION = "higher_education", _("Higher and vocational education")
    HEALTH = "health", _("Health and psychiatry")
    EMPLOYMENT = "employment", _("Employment agency")
    HOUSING = "housing", _("Housing")
    FAMILY_COUNSELLING = "family_counselling", _("Family counselling")
    MIGRATION = "migration", _("Migration and integration services")
    VICTIM_SUPPORT = "victim_support", _("Victim support")
    RELIGIOUS_COMMUNITY = "religious_community", _("Religious community")
    CIVIL_SOCIETY = "civil_society", _("Civil society and community work")
    RESEARCH = "research", _("Research and evaluation")
    WOMENS_SERVICES = "womens_services", _("Women's and domestic-violence services")
    MENS_WORK = "mens_work", _("Boys' and men's work")
    LGBTIQ_SERVICES = "lgbtiq_services", _("LGBTIQ* services")


@dataclass(frozen=True)
class SectorDefaults:
    is_security: bool
    is_state: bool


DEFAULTS: dict[str, SectorDefaults] = {
    Sector.POLICE: SectorDefaults(True, True),
    Sector.INTELLIGENCE: SectorDefaults(True, True),
    Sector.PROSECUTION: SectorDefaults(True, True),
    Sector.PRISON: SectorDefaults(True, True),
    Sector.PROBATION: SectorDefaults(True, True),
    Sector.MUNICIPALITY: SectorDefaults(False, True),
    Sector.SOCIAL_SERVICES: SectorDefaults(False, True),
    Sector.YOUTH_WELFARE: SectorDefaults(False, True),
    Sector.EXIT_COUNSELLING: SectorDefaults(False, False),
    Sector.SCHOOL: SectorDefaults(False, True),
    Sector.HIGHER_EDUCATION: SectorDefaults(False, True),
    Sector.HEALTH: SectorDefaults(False, True),
    Sector.EMPLOYMENT: SectorDefaults(False, True),
    Sector.HOUSING: SectorDefaults(False, False),
    Sector.FAMILY_COUNSELLING: SectorDefaults(False, False),
    Sector.MIGRATION: SectorDefaults(False, True),
    Sector.VICTIM_SUPPORT: SectorDefaults(False, False),
    Sector.RELIGIOUS_COMMUNITY: SectorDefaults(False, False),
    Sector.CIVIL_SOCIETY: SectorDefaults(False, False),
    Sector.RESEARCH: SectorDefaults(False, False),
    Sector.WOMENS_SERVICES: SectorDefaults(False, False),
    Sector.MENS_WORK: SectorDefaults(False, False),
    Sector.LGBTIQ_SERVICES: SectorDefaults(False, False),
}


def defaults_for(sector: str) -> SectorDefaults:
    return DEFAULTS[Sector(sector)]
