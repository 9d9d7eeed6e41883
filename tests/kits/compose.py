"""docker-compose.yml as compose itself resolves it (`docker-compose config`), for the
tests that check the file and for the deployed-mode test, which starts the processes
its services name.

No Docker daemon is needed: `config` only reads and resolves the file. `make test`
installs Debian's docker-compose (Makefile); its YAML is read with the system
Python's PyYAML, which that package depends on.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = shutil.which("docker-compose") or "/usr/bin/docker-compose"
OWN_SECRETS = {
    "SECRET_KEY": "own-secret", "ENCRYPTION_KEY": "own-fernet-key",
    "POSTGRES_PASSWORD": "own-password", "EMAIL_URL": "smtp://u:p@mail.example:587?tls=1",
}


def compose_config(folder: Path, values: dict, *flags: str) -> subprocess.CompletedProcess:
    """Resolve the file with exactly `values` in .env and nothing from this shell."""
    env_file = folder / "compose.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    env = {"PATH": os.environ["PATH"], "HOME": str(folder)}
    return subprocess.run(
        [COMPOSE, "--env-file", str(env_file), "--project-directory", str(ROOT),
         "-f", str(ROOT / "docker-compose.yml"), "config", *flags],
        check=False, cwd=folder, env=env, capture_output=True, text=True, timeout=60,
    )


def resolve(folder: Path, values: dict) -> dict:
    """The resolved file as a dict: services with their commands, environment, volumes."""
    config = compose_config(folder, values)
    assert config.returncode == 0, config.stderr
    as_json = subprocess.run(
        ["/usr/bin/python3", "-c",
         "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"],
        input=config.stdout, check=True, capture_output=True, text=True, timeout=30)
    return json.loads(as_json.stdout)
