"""Dependencies point one way, and template tags only format.

The apps depend on each other in one direction: clinic <- intake <- plans. Plans may
import intake and clinic, intake may import clinic, clinic imports neither. (Clinic also
holds the project's settings and root URLconf, which name the other apps as strings:
that is wiring, not an import, and this walk does not see it.)

The clinical core (every module under a `core/` folder) imports no Django, and from the
project only other core modules, so it runs without a database.

Template tag modules import only formatting helpers and vocabulary constants: nothing that
can reach the database (`django.db` or any `models` module, directly or through a project
module they import), not the audit trail, and from the clinical core only its upper-case
constant tables (`FLAG_NAMES`, `INSTRUMENTS`), never a function that assesses. Pages are
built by views and the plain functions they call.

Every import counts, including those inside functions and relative ones.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("clinic", "intake", "plans")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for app in APPS for path in sorted((ROOT / app).rglob("*.py"))}


@dataclass(frozen=True)
class Import:
    module: str  # the module named after `import` or `from`, relative imports resolved
    names: tuple[str, ...]  # what `from ... import` takes from it; empty for `import x`


def imports_of(module: str) -> list[Import]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, node.module] if node.module else anchor)
            name = base if node.level else node.module or ""
            found.append(Import(name, tuple(alias.name for alias in node.names)))
    return found


def loaded_by(found: Import) -> list[str]:
    """The modules an import loads: the one named, and those of its names that are modules."""
    submodules = [f"{found.module}.{name}" for name in found.names]
    return [found.module, *(name for name in submodules if name in MODULES)]


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def in_core(module: str) -> bool:
    return "core" in module.split(".")


def modules_in(package: str) -> list[str]:
    return [module for module in MODULES if within(module, package)]


def offences(modules: Iterable[str], forbidden: Callable[[str], bool]) -> list[str]:
    return [
        f"{module} imports {target}"
        for module in modules
        for found in imports_of(module)
        for target in loaded_by(found)
        if forbidden(target)
    ]


def reaches_the_database(module: str) -> bool:
    return within(module, "django.db") or "models" in module.split(".")


def not_for_formatting(module: str) -> bool:
    return reaches_the_database(module) or within(module, "clinic.audit")


def project_modules_reached_from(modules: Iterable[str]) -> set[str]:
    """Every project module these import, and those they import, and so on."""
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        for found in imports_of(todo.pop()):
            for target in loaded_by(found):
                if target in MODULES and target not in seen:
                    seen.add(target)
                    todo.append(target)
    return seen


TEMPLATE_TAGS = [module for module in MODULES if ".templatetags." in module]


def test_the_walk_sees_imports_at_the_top_inside_functions_and_relative_ones() -> None:
    assert "intake.panels" in loaded_by(Import("intake", ("panels",)))
    assert offences(["plans.views"], lambda target: target == "intake.panels")
    assert offences(["intake.apps"], lambda target: target == "clinic.roles")  # in ready()
    assert len(TEMPLATE_TAGS) == 3


def test_clinic_imports_neither_intake_nor_plans() -> None:
    assert offences(modules_in("clinic"), lambda t: within(t, "intake") or within(t, "plans")) == []


def test_intake_imports_nothing_from_plans() -> None:
    assert offences(modules_in("intake"), lambda target: within(target, "plans")) == []


def test_the_clinical_core_imports_no_django_and_no_project_module_outside_the_core() -> None:
    core = [module for module in MODULES if in_core(module)]
    assert core
    outside = [module for module in MODULES if not in_core(module)]
    assert offences(core, lambda target: within(target, "django") or target in outside) == []


def test_template_tags_import_nothing_that_reaches_the_database_or_the_audit_trail() -> None:
    assert offences(TEMPLATE_TAGS, not_for_formatting) == []
    reached = project_modules_reached_from(TEMPLATE_TAGS)
    assert offences(reached, not_for_formatting) == []


def takes_more_than_constants_from_the_core(found: Import) -> bool:
    modules = loaded_by(found)
    if not any(in_core(module) for module in modules):
        return False
    a_whole_module = len(modules) > 1 or not found.names
    return a_whole_module or not all(name.isupper() for name in found.names)


def test_template_tags_take_only_constants_from_the_clinical_core() -> None:
    taken = [
        f"{module} imports {found.module} {', '.join(found.names) or '(the whole module)'}"
        for module in TEMPLATE_TAGS
        for found in imports_of(module)
        if takes_more_than_constants_from_the_core(found)
    ]
    assert taken == []
