"""Apps depend one way, core <- users <- courses <- payments (ARCHITECTURE.md).

The rule is import-linter's layers contract in `pyproject.toml`; `make lint` runs it too.
The second test proves the contract bites: the same contract, run on a synthetic tree in
which a lower app imports a higher one inside a function, is broken."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports(cwd: Path, extra_path: Path | None = None) -> subprocess.CompletedProcess:
    env_path = str(extra_path) if extra_path else str(ROOT)
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(no_cache=True))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_apps_depend_one_way():
    result = _lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr


def test_an_upward_import_breaks_the_contract(tmp_path):
    # given the project's own contract and a tree where core imports payments in a function
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    for app in ("core", "users", "courses", "payments"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
        (tmp_path / app / "models.py").write_text("")
    (tmp_path / "core" / "money.py").write_text(
        "def price():\n    from payments.models import Order  # hidden in a function\n"
    )
    contract = config["contracts"][0]
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_packages =\n"
        + "".join(f"    {name}\n" for name in config["root_packages"])
        + f"[importlinter:contract:layers]\nname = {contract['name']}\ntype = layers\n"
        + "layers =\n"
        + "".join(f"    {layer}\n" for layer in contract["layers"])
    )

    # when the linter runs on it
    result = _lint_imports(tmp_path, extra_path=tmp_path)

    # then the contract is broken, naming the upward import
    assert result.returncode != 0
    assert "core.money -> payments.models" in result.stdout


def test_postgresql_only_tests_are_skipped_one_way():
    # The `postgres` marker, handled in the root conftest, is the one way; a test module
    # that checks the database vendor itself would be a second.
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.glob("**/test*.py")
        if ".venv" not in path.parts
        and path.resolve() != Path(__file__).resolve()
        and "connection.vendor" in path.read_text()
    ]

    assert offenders == []
