"""Apps plug themselves in: each icommit app may have a ``plugin`` module, imported once here.

Core knows no app (decision 0011). ``autodiscover`` runs from ``CoreConfig.ready``, after every
model is loaded; a ``plugin`` module calls the register functions of the kernels and kits it
plugs into (access policies and facts, API routers, schedules, jobs, home panels, team pages).
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def autodiscover() -> None:
    """Import ``<app>.plugin`` of every installed icommit app, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if config.name.startswith("icommit.") and module_has_submodule(config.module, "plugin"):
            import_module(f"{config.name}.plugin")
