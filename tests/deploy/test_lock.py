"""The lock: uv.lock is compiled from pyproject's ranges as they stand, and every install
path (make's venvs, the image, CI through `make test`) installs an export of it from
requirements/ with a hash per file, so two installs a month apart run the same libraries.
Change a range without `make lock`, and the first test fails.
"""

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tests.kits.compose import ROOT

# Each export and the extras it installs (Makefile, `lock`).
EXPORTS = {
    "run.txt": ["embedded"],
    "test.txt": ["embedded", "test"],
    "bench.txt": ["embedded", "bench"],
    "deploy.txt": [],
    "deploy-sentry.txt": ["sentry"],
}
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _lock() -> dict:
    return tomllib.loads((ROOT / "uv.lock").read_text())


def _key(name: str, extras, specifier: str, extra: str | None) -> tuple:
    specs = ",".join(sorted(str(spec) for spec in SpecifierSet(specifier)))
    return canonicalize_name(name), tuple(sorted(extras)), specs, extra


def _direct(project: dict, extras: list[str]) -> set[str]:
    texts = project["dependencies"] + [
        text for extra in extras for text in project["optional-dependencies"][extra]]
    return {canonicalize_name(Requirement(text).name) for text in texts}


def _pins(export: str) -> dict[str, tuple[str, int]]:
    """name → (version, how many hashes) of a requirements export."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / "requirements" / export).read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            pins[current] = (match[2], 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def test_the_lock_was_compiled_from_pyproject_as_it_stands():
    project = _project()
    wanted = {_key(req.name, req.extras, str(req.specifier), None)
              for req in map(Requirement, project["dependencies"])}
    for extra, texts in project["optional-dependencies"].items():
        wanted |= {_key(req.name, req.extras, str(req.specifier), extra)
                   for req in map(Requirement, texts)}
    own = next(package for package in _lock()["package"] if package["name"] == "syncapp")
    locked = set()
    for dep in own["metadata"]["requires-dist"]:
        extra = re.fullmatch(r"extra == '([^']*)'", dep.get("marker", "extra == ''"))
        assert extra, f"{dep['name']}: a marker the lock test does not read: {dep['marker']}"
        locked.add(_key(dep["name"], dep.get("extras", []), dep.get("specifier", ""),
                        extra[1] or None))
    assert wanted == locked, "pyproject changed since the lock: run `make lock`, commit"


@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_each_export_pins_what_uv_lock_holds_with_hashes(export):
    versions = {package["name"]: package["version"] for package in _lock()["package"]}
    pins = _pins(export)
    missing = _direct(_project(), EXPORTS[export]) - set(pins)
    assert not missing, f"requirements/{export} lacks {missing}: run `make lock`"
    for name, (version, hashes) in pins.items():
        assert versions[name] == version, f"{export}: {name} {version} is not the lock's"
        assert hashes, f"{export}: {name} has no hash"


def test_every_install_path_installs_the_lock_with_hashes():
    """make's venvs and the image: dependencies only from requirements/ with
    --require-hashes, the project itself with --no-deps (nothing unlocked slips in)."""
    makefile = (ROOT / "Makefile").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    for stamp, export in [("run", "run"), ("test", "test"), ("bench", "bench")]:
        assert re.search(rf"^\$\(VENV\)/\.{stamp}-installed: requirements/{export}\.txt",
                         makefile, re.MULTILINE), stamp
    installs = [line for text in (makefile, dockerfile) for line in text.splitlines()
                if "pip install" in line and "uv==" not in line]
    assert len(installs) == 4
    for line in installs:
        assert "--require-hashes -r" in line or "--no-deps" in line, line
    assert "--require-hashes -r \"requirements/deploy" in dockerfile
