"""The package's shape: every import points down the pipeline (ingest → store → … → cli), never up, and no module
imports itself back through another. Read from the source with ast, so a lazy import inside a function counts."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"

# Each stage may import its own modules and those of the stages before it; order as in the README's architecture.
STAGES = [
    {"errors", "types", "config", "filters", "templates", "text", "prompts", "__init__"},
    {"store"},
    {"ingest"},
    {"providers"},
    {"query"},
    {"scoring"},
    {"retrieve"},
    {"evidence"},
    {"answer"},
    {"batch", "evaluation"},
    {"engine"},
    {"service"},
    {"cli", "__main__"},
]
LEVEL = {name: level for level, names in enumerate(STAGES) for name in names}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The assistant modules a file imports (`from assistant.x import y` names assistant.x.y when that is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("assistant")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant") and node.level == 0:
            modules = {f"{node.module}.{alias.name}" for alias in node.names if is_module(f"{node.module}.{alias.name}")}
            found |= modules or {node.module}
    return found


def is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def graph() -> dict[str, set[str]]:
    edges = {}
    for path in PACKAGE.rglob("*.py"):
        name = module_name(path)
        edges[name] = {m for m in imports(path) if m != name and is_module(m) and m != "assistant"}
    return edges


def test_every_top_level_module_and_package_has_a_stage():
    names = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
             if (p.suffix == ".py") or (p.is_dir() and (p / "__init__.py").is_file())}
    assert names - set(LEVEL) == set()


def test_no_stage_imports_a_later_stage():
    upward = [f"{source} imports {target}" for source, targets in graph().items() for target in targets
              if LEVEL[stage(target)] > LEVEL[stage(source)]]
    assert upward == []


def test_no_import_cycles():
    edges = graph()
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                cycles.append(" → ".join([*trail[trail.index(target):], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_layering_check_sees_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from assistant.cli.app import app\n")
    assert "assistant.cli.app" in imports(bad)

