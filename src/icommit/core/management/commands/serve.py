"""Serve the platform: gunicorn (one sync worker per core) plus the background task cluster."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection


class Command(BaseCommand):
    help = "Serve icommit with gunicorn and the task cluster."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-tasks", action="store_true", help="do not start the task cluster")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            source = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "the embedded database"
            raise CommandError(f"Cannot connect to {source}: {exc}") from None
        if settings.PRODUCTION:
            call_command("check", deploy=True, fail_level="WARNING", databases=["default"])
        bind = f"{settings.SERVE_BIND}:{settings.SERVE_PORT}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "icommit.settings"}
        children: list[subprocess.Popen[bytes]] = []
        if not options["no_tasks"]:
            children.append(
                subprocess.Popen([sys.executable, "-m", "icommit", "qcluster"], env=env)
            )
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "icommit.wsgi:application",
            "--no-control-socket",
            "--bind",
            bind,
            "--workers",
            str(settings.SERVE_WORKERS),
            "--worker-class",
            "sync",
            "--access-logfile",
            "-",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
        ]
        self.stdout.write(f"icommit is serving on http://{bind}/ (Ctrl-C stops it)")
        server = subprocess.Popen(gunicorn, env=env)  # noqa: S603 (our own interpreter)
        children.append(server)

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            code = server.wait()
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    child.kill()
        if code not in (0, -signal.SIGTERM, -signal.SIGINT):
            raise CommandError(f"gunicorn stopped with exit code {code}")
