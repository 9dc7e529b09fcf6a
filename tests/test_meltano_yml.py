"""meltano.yml declares the extractor completely, in step with the tap."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from harness.pipeline import meltano, meltano_environment
from tap_everflow.runtime.settings import CONFIG_SCHEMA
from tap_everflow.tap import TapEverflow

KINDS = {
    "string": "string",
    "integer": "integer",
    "decimal": "number",
    "array": "array",
    "object": "object",
    "boolean": "boolean",
}


def about() -> dict:
    """What ``tap-everflow --about`` says, including the SDK's own settings."""
    proc = subprocess.run(
        [sys.executable, "-m", "tap_everflow", "--about", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def extractor() -> dict:
    project = yaml.safe_load((Path(__file__).parents[1] / "meltano.yml").read_text())
    assert project["send_anonymous_usage_stats"] is False
    (plugin,) = project["plugins"]["extractors"]
    assert all("variant" not in p for p in project["plugins"]["loaders"])
    return plugin


def test_extractor_is_declared_fully_for_offline_use():
    plugin = extractor()
    assert "variant" not in plugin
    assert plugin["namespace"] == "tap_everflow"
    assert plugin["pip_url"] == "-e ."
    assert plugin["executable"] == "tap-everflow"
    assert {
        "state",
        "catalog",
        "discover",
        "about",
        "batch",
        "activate-version",
        "structured-logging",
    } <= set(plugin["capabilities"])


def test_every_tap_setting_is_declared_with_its_kind():
    settings = {s["name"]: s for s in extractor()["settings"]}
    schema = about()["settings"]["properties"]
    assert set(settings) == set(schema)
    for name, declared in settings.items():
        assert declared.get("description"), name
        types = schema[name]["type"]
        if schema[name].get("format") == "date-time":
            assert declared["kind"] == "date_iso8601", name
        else:
            assert KINDS[declared["kind"]] in types, name
    assert settings["api_key"]["sensitive"] is True
    assert all(
        s.get("sensitive") is not True for n, s in settings.items() if n != "api_key"
    )


def test_every_setting_reads_the_same_in_meltano_yml_and_about():
    settings = {s["name"]: s for s in extractor()["settings"]}
    for name, prop in about()["settings"]["properties"].items():
        assert settings[name]["description"] == prop["description"], name
        assert settings[name]["label"] == prop["title"], name


def test_meltano_config_lists_every_setting_with_the_key_hidden(tmp_path):
    env = meltano_environment(
        system_db=tmp_path / "meltano.db",
        postgres=None,
        api_url=None,
        api_key="config-list-key-0123456789",
    )
    listed = meltano(env, "config", "list", "tap-everflow", "--all").stdout
    for name, prop in CONFIG_SCHEMA["properties"].items():
        assert f"{name} [env: TAP_EVERFLOW_{name.upper()}]" in listed, name
        assert f"{prop['title']}: {prop['description']}" in listed, name
    assert "config-list-key" not in listed


def test_defaults_agree():
    settings = {s["name"]: s for s in extractor()["settings"]}
    for name, prop in CONFIG_SCHEMA["properties"].items():
        if "default" in prop and prop["default"] not in ([], None):
            assert settings[name].get("value") == prop["default"], name


def test_about_lists_every_setting_and_marks_the_key_secret():
    described = about()
    properties = described["settings"]["properties"]
    assert set(CONFIG_SCHEMA["properties"]) <= set(properties)
    assert properties["api_key"]["secret"] is True
    assert described["name"] == TapEverflow.name


def test_loaders_are_declared_fully_with_a_kind_for_every_setting():
    # An undeclared setting set by `meltano config set` or TARGET_* would reach
    # the loader as a string ("true"), or not at all.
    project = yaml.safe_load((Path(__file__).parents[1] / "meltano.yml").read_text())
    loaders = {p["name"]: p for p in project["plugins"]["loaders"]}
    assert set(loaders) == {"target-postgres", "target-duckdb"}
    for name, plugin in loaders.items():
        assert plugin["namespace"] == name.replace("-", "_"), name
        assert plugin["executable"] == name, name
        assert plugin["pip_url"], name
        for setting in plugin["settings"]:
            assert setting.get("kind"), (name, setting["name"])
            assert setting.get("description"), (name, setting["name"])
    postgres = {s["name"]: s for s in loaders["target-postgres"]["settings"]}
    assert postgres["use_copy"]["kind"] == "boolean"
    assert postgres["validate_records"]["kind"] == "boolean"
    assert postgres["batch_size_rows"]["kind"] == "integer"
    assert postgres["load_method"]["value"] == "upsert"
