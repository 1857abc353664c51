"""The ``icommit`` command: Django's management commands under the platform's own name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icommit.settings")
    from django.core.management import execute_from_command_line

    from icommit.config import ConfigError  # like Django's above: loaded once the command runs

    args = ["icommit", *(sys.argv[1:] if argv is None else argv)]
    try:
        execute_from_command_line(args)
    except ConfigError as exc:
        sys.stderr.write(f"icommit: configuration error: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
