"""The layers contract and the registration mechanism (decision 0011)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from icommit.access import Action
from icommit.access.registry import policies
from icommit.sharing.items import SharedItemPolicy

SRC = Path(__file__).resolve().parents[2] / "src"


def test_every_action_is_answered_by_exactly_one_registered_policy() -> None:
    """One policy per action, except the shared-item actions: one policy per kind of item,
    found by (action, model), all of them the kernel's own policy bound to their model."""
    for action in Action:
        owners = [p for p in policies() if action in p.actions]
        if action in SharedItemPolicy.object_actions:
            assert owners and all(isinstance(p, SharedItemPolicy) for p in owners), action
            models = [p.model for p in owners]
            assert len(set(models)) == len(models), (action, models)
            continue
        assert len(owners) == 1, (action, [type(p).__name__ for p in owners])


def test_imports_run_one_way() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "../pyproject.toml"],
        cwd=SRC,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def _function_level_imports() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted((SRC / "icommit").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.If):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("icommit"):
                    found.append(
                        (str(path.relative_to(SRC)), inner.lineno, lines[inner.lineno - 1])
                    )
    return sorted(set(found))


def test_few_icommit_imports_inside_functions_each_with_its_reason() -> None:
    found = _function_level_imports()
    assert len(found) < 10, found
    assert all("  # " in line for _, _, line in found), [f for f in found if "  # " not in f[2]]
