"""``icommit access-matrix [--format md|csv]``: every action against every role and relation."""

from __future__ import annotations

import csv
import sys
from typing import Any

from django.core.management.base import BaseCommand

from icommit.access.matrix import URLS, Rule, Subject, as_rows


def _needs(rule: Rule) -> str:
    return " or ".join([rule.need.value, *[a.value for a in rule.also]])


class Command(BaseCommand):
    help = "Print the declared access matrix (every action against every role and relation)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["md", "csv"], default="md")
        parser.add_argument("--urls", action="store_true", help="also list what each URL needs")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = as_rows()
        if options["format"] == "csv":
            writer = csv.writer(self.stdout)
            writer.writerows(rows)
            if options["urls"]:
                writer.writerow([])
                writer.writerow(["url", "method", "needs", "object"])
                for name, methods in URLS.items():
                    for method, rule in methods.items():
                        writer.writerow([name, method, _needs(rule), rule.obj or ""])
            return
        legend = " · ".join(f"{i + 1}: {s.value}" for i, s in enumerate(Subject))
        self.stdout.write(f"Subjects — {legend}\n\n")
        header = ["action", *[str(i + 1) for i in range(len(Subject))]]
        self.stdout.write("| " + " | ".join(header) + " |\n")
        self.stdout.write("|" + "---|" * len(header) + "\n")
        for row in rows[1:]:
            cells = [row[0], *["✓" if c else "·" for c in row[1:]]]
            self.stdout.write("| " + " | ".join(cells) + " |\n")
        if options["urls"]:
            self.stdout.write("\n| URL | method | needs | object |\n|---|---|---|---|\n")
            for name, methods in URLS.items():
                for method, rule in methods.items():
                    self.stdout.write(
                        f"| {name} | {method} | {rule.need.value} | {rule.obj or ''} |\n"
                    )
        sys.stdout.flush()
