"""The page models import nothing above them: selectors, services, views and the API import the
models, never the reverse (not even inside a function)."""

import ast
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parents[2] / "courses" / "models"
ABOVE_MODELS = ("selectors", "services", "views", "api", "tasks", "urls", "urls_lesson")


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            prefix = "." * node.level + (node.module or "")
            modules.add(prefix)
            modules.update(f"{prefix}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


@pytest.mark.parametrize("path", sorted(MODELS.glob("*.py")), ids=lambda path: path.name)
def test_models_import_nothing_above_them(path):
    for module in _imported_modules(path):
        parts = module.lstrip(".").split(".")
        relative_to_app = module.startswith("..") or parts[0] == "courses"
        name = parts[1] if parts[0] == "courses" and len(parts) > 1 else parts[0]
        assert not (relative_to_app and name in ABOVE_MODELS), f"{path.name} imports {module}"
