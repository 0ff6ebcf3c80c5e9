"""A fresh machine gets what CI tests: declared dependencies equal the imports, the constraints
pin them, CI runs the README's test command, and the README's commands work in a new virtual
environment made from the package alone."""

from __future__ import annotations

import ast
import importlib.metadata as md
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from service_support import REPO

# Declared but never imported by name: loaded by another package at run time.
RUNTIME_ONLY = {"psycopg": "SQLAlchemy loads it for postgresql+psycopg:// URLs"}
# The test modules and helpers themselves, imported by name or as ``tests.NAME``, and the
# bench's modules that tests share (real-clip cases).
LOCAL_TEST_MODULES = {"tests"} | {p.stem for p in (REPO / "tests").glob("*.py")}
LOCAL_TEST_MODULES |= {p.stem for p in (REPO / "bench").glob("*.py")}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(requirements: list[str]) -> set[str]:
    return {_canonical(re.match(r"[A-Za-z0-9._-]+", r).group(0)) for r in requirements}


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def _top_level_imports(*folders: str) -> set[str]:
    """Absolute top-level module names imported anywhere under ``folders`` (not the stdlib)."""
    names: set[str] = set()
    for folder in folders:
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"__future__", "vision", "service"}


def _providers(modules: set[str]) -> dict[str, set[str]]:
    """Each imported module's installed distributions (canonical names)."""
    installed = md.packages_distributions()
    return {m: {_canonical(d) for d in installed.get(m, [])} for m in modules}


def test_declared_dependencies_are_exactly_what_the_code_imports() -> None:
    declared = _requirement_names(_pyproject()["project"]["dependencies"])
    providers = _providers(_top_level_imports("vision", "service"))
    undeclared = {m: p for m, p in providers.items() if not p & declared}
    assert undeclared == {}, f"imported but not declared (module: distributions): {undeclared}"
    imported = set().union(*providers.values())
    unused = declared - imported - set(RUNTIME_ONLY)
    assert unused == set(), f"declared but never imported: {sorted(unused)}"


def test_tests_import_only_declared_distributions() -> None:
    project = _pyproject()["project"]
    declared = _requirement_names(
        project["dependencies"] + project["optional-dependencies"]["test"]
    )
    modules = _top_level_imports("tests") - LOCAL_TEST_MODULES
    undeclared = {m: p for m, p in _providers(modules).items() if not p & declared}
    assert undeclared == {}, f"tests import undeclared distributions: {undeclared}"


def test_one_opencv_the_one_mediapipe_requires() -> None:
    declared = _requirement_names(_pyproject()["project"]["dependencies"])
    wanted = _requirement_names(md.requires("mediapipe") or [])
    opencv = {d for d in declared if d.startswith("opencv-")}
    assert opencv == {"opencv-contrib-python"} and opencv <= wanted


def test_constraints_pin_every_dependency() -> None:
    project = _pyproject()["project"]
    declared = _requirement_names(
        project["dependencies"] + project["optional-dependencies"]["test"]
    )
    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pins[_canonical(name)] = version
    assert declared - set(pins) == set()
    assert "opencv-python" not in pins


def _readme_commands() -> list[str]:
    """The bash blocks of the README's set-up section, in order."""
    text = (REPO / "README.md").read_text()
    setup = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", setup, re.S)]


def test_readme_has_two_commands_and_ci_runs_the_test_one() -> None:
    commands = _readme_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands), commands
    lines = (REPO / ".ci" / "run").read_text().splitlines()

    def first(predicate_text: str) -> int:
        return next(i for i, line in enumerate(lines) if line.startswith(predicate_text))

    # In order: a fresh virtual environment, activated; the linters; the README's test command.
    assert first("python3 -m venv --clear") < first("source ") < first("ruff check .")
    assert first("ruff check .") < first("ruff format --check .") < first(commands[1])


def _in_venv(venv: Path, command: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """``command`` in bash with ``venv`` activated (its python and console scripts first)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}:{env.get('PATH', '')}")
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )


@pytest.mark.slow
def test_readme_commands_in_a_throwaway_virtual_environment(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    analyse, tests = _readme_commands()
    result = tmp_path / "result.json"
    r = _in_venv(venv, analyse.replace("--json result.json", f"--json '{result}'"))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "fall risk (general_adult): " in r.stdout and "scores (0-100): " in r.stdout
    assert "Sparsity" not in r.stderr and "INFO:" not in r.stderr, r.stderr[-2000:]
    assert result.is_file()

    r = _in_venv(venv, "retrogait analyze 'no such walk.mp4'")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == "retrogait analyze: video file not found: no such walk.mp4\n"

    r = _in_venv(venv, "python -m pip list --format=freeze && python -m pip check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not re.search(r"^opencv-python==", r.stdout, re.M), "a second OpenCV is installed"

    # The test command's install, then the test that a drifting pytest broke for new users.
    install_tests = tests.split(" && ")[0]
    r = _in_venv(
        venv,
        f"{install_tests} && python -m pytest -q -p no:cacheprovider "
        "tests/test_service_schema.py -k every_check_holds",
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert re.search(r"\d+ passed", r.stdout), r.stdout[-2000:]
