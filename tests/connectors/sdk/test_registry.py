"""Connectors are plug-ins: a package adds one through an entry point, core unchanged."""

import sys
import textwrap

import pytest

from connectors.sdk import registry


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    """A tiny distribution on sys.path, as pip would install it: code plus dist-info."""
    package = tmp_path / "acme_sync_plugin"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent("""
        from tests.kits.toy import SPEC, ToyConnector
        from dataclasses import replace

        class AcmeConnector(ToyConnector):
            spec = replace(SPEC, key="acme", name="Acme Field Service")
    """))
    info = tmp_path / "acme_sync_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-sync-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[syncapp.connectors]\nacme = acme_sync_plugin:AcmeConnector\n"
        "broken = acme_sync_plugin:DoesNotExist\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry.connectors.cache_clear()
    yield
    sys.modules.pop("acme_sync_plugin", None)
    registry.connectors.cache_clear()


def test_a_plugin_package_appears_in_the_registry(installed_plugin):
    found = registry.connectors()
    assert found["acme"].spec.name == "Acme Field Service"
    assert registry.get("acme") is found["acme"]


def test_a_broken_plugin_is_left_out_and_the_rest_still_load(installed_plugin, caplog):
    found = registry.connectors()
    assert "acme" in found
    assert "broken" not in found
    assert "DoesNotExist" in caplog.text


def test_asking_for_an_unknown_connector_says_so():
    with pytest.raises(LookupError, match="no connector named 'nope'"):
        registry.get("nope")
