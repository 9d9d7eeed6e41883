"""docker-compose.yml, as compose itself resolves it (`docker-compose config`): the
deployment a team runs must start only with its own secrets, share exports between
web and the export worker, run one worker per queue, and check each service by what
it is for. (tests/kits/compose.py resolves it; no Docker daemon is needed.)
"""

import pytest

from syncapp.core.queues import KINDS
from tests.kits.compose import OWN_SECRETS, ROOT, compose_config, resolve


@pytest.fixture(scope="module")
def resolved(tmp_path_factory) -> dict:
    return resolve(tmp_path_factory.mktemp("compose"), OWN_SECRETS)


def test_compose_config_q_passes_with_the_secrets_set(tmp_path):
    config = compose_config(tmp_path, OWN_SECRETS, "-q")
    assert (config.returncode, config.stdout) == (0, ""), config.stderr


@pytest.mark.parametrize("missing", sorted(OWN_SECRETS))
def test_compose_refuses_to_start_without_each_secret_and_names_it(tmp_path, missing):
    values = {key: value for key, value in OWN_SECRETS.items() if key != missing}
    config = compose_config(tmp_path, values)
    assert config.returncode != 0
    assert f"set {missing}" in config.stderr


def test_exports_live_on_one_volume_that_only_web_and_the_export_worker_mount(resolved):
    assert "exports" in resolved["volumes"]
    mounting = {name for name, service in resolved["services"].items()
                if any(volume.split(":")[0] == "exports" for volume in service.get("volumes", []))}
    assert mounting == {"web", "worker-export"}
    for name in mounting:
        service = resolved["services"][name]
        mounts = {tuple(volume.split(":")[:2]) for volume in service["volumes"]}
        assert ("exports", service["environment"]["EXPORT_ROOT"]) in mounts, name


def test_one_worker_service_per_queue_consuming_only_its_queue(resolved):
    workers = {name: service for name, service in resolved["services"].items()
               if "worker" in service.get("command", [])}
    assert set(workers) == {f"worker-{kind}" for kind in KINDS}
    for kind in KINDS:
        command = workers[f"worker-{kind}"]["command"]
        assert command[command.index("-Q") + 1] == kind
    sync = workers["worker-sync"]["command"]
    # Above the per-portal cap: one portal's runs always leave a process for others.
    assert int(sync[sync.index("--concurrency") + 1]) > 2


def test_the_image_creates_the_export_folder_for_the_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    chown = dockerfile.index("chown syncapp:syncapp /data/exports")
    assert chown < dockerfile.index("USER syncapp")


def test_each_service_is_checked_by_what_it_is_for(resolved):
    checks = {name: " ".join(service.get("healthcheck", {}).get("test", []))
              for name, service in resolved["services"].items()}
    assert "/healthz/ready" in checks["web"]
    for kind in KINDS:
        assert f"check_heartbeat worker {kind}" in checks[f"worker-{kind}"]
    assert "check_heartbeat beat" in checks["beat"]


def test_cookies_are_secure_and_no_published_secret_is_a_default(resolved):
    web = resolved["services"]["web"]["environment"]
    assert web["SECURE_COOKIES"] == "true"
    assert web["SYNCAPP_DEMO"] == "0"
    assert (web["SECRET_KEY"], web["ENCRYPTION_KEY"]) == ("own-secret", "own-fernet-key")


def test_settings_from_env_reach_every_container(tmp_path):
    """Compose passes only what it lists: OAuth apps and the README's tunables set in
    .env reach web and the workers; unset ones stay empty (the product's default)."""
    values = {**OWN_SECRETS, "OAUTH_PIPEDRIVE_CLIENT_ID": "pd-id",
              "OAUTH_PIPEDRIVE_CLIENT_SECRET": "pd-secret", "LOGIN_LOCKOUT_MINUTES": "30"}
    services = resolve(tmp_path, values)["services"]
    for name in ("web", *(f"worker-{kind}" for kind in KINDS)):
        env = services[name]["environment"]
        assert env["OAUTH_PIPEDRIVE_CLIENT_ID"] == "pd-id", name
        assert env["LOGIN_LOCKOUT_MINUTES"] == "30", name
        assert env["OAUTH_HUBSPOT_CLIENT_ID"] == "", name


def test_workers_reach_the_sandboxes_through_web_not_their_own_localhost(resolved):
    for name in (f"worker-{kind}" for kind in KINDS):
        env = resolved["services"][name]["environment"]
        assert env["SANDBOX_INTERNAL_URL"] == "http://web:8000"
    assert "web" in resolved["services"]["web"]["environment"]["ALLOWED_HOSTS"].split(",")
