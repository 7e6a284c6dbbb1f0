"""The house rules that a machine can check (see ../shared/STYLE.md)."""

import ast
from pathlib import Path

COOP = Path(__file__).resolve().parent.parent / "coop"


def _public_functions_without_docstring() -> list[str]:
    missing = []
    for path in sorted(COOP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def walk(nodes, prefix="", path=path):
            for node in nodes:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    if not node.name.startswith("_") and ast.get_docstring(node) is None:
                        missing.append(
                            f"{path.relative_to(COOP.parent)}:{node.lineno} {prefix}{node.name}"
                        )
                elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                    walk(node.body, f"{prefix}{node.name}.")

        walk(tree.body)
    return missing


def test_every_public_function_view_and_command_has_a_docstring():
    assert _public_functions_without_docstring() == []


def test_no_module_builds_an_app_at_import():
    """Tests build their apps in fixtures; a module-level create_app would run at collection."""
    tests = Path(__file__).resolve().parent
    offenders = [
        str(p.relative_to(tests))
        for p in tests.rglob("test_*.py")
        if any(
            isinstance(node, ast.Assign | ast.Expr) and "create_app" in ast.unparse(node)
            for node in ast.parse(p.read_text(encoding="utf-8")).body
        )
    ]
    assert offenders == []
