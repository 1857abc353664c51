"""Apps plug themselves in: each icommit app may have an ``events`` and a ``plugin`` module.

Core knows no app (decision 0011). ``autodiscover`` runs from ``CoreConfig.ready``, after every
model is loaded. First every app's ``events`` module declares the audit event types the app
records (``audit.event_type``), so the registry is whole before any plugin runs; then each
``plugin`` module calls the register functions of the kernels and kits it plugs into (access
policies and facts, API routers, schedules, jobs, home panels, team pages).
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

#: The modules an app may plug in from, in the order they are imported.
MODULES = ("events", "plugin")


def autodiscover() -> None:
    """Import ``<app>.events``, then ``<app>.plugin``, of every installed icommit app.

    Each pass follows INSTALLED_APPS order.
    """
    configs = [c for c in apps.get_app_configs() if c.name.startswith("icommit.")]
    for module in MODULES:
        for config in configs:
            if module_has_submodule(config.module, module):
                import_module(f"{config.name}.{module}")
