"""Start-up refuses unknown or malformed settings, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def start(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ICOMMIT_")
        and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update({"ICOMMIT_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [sys.executable, "-m", "icommit", "check"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_development_mode_starts_and_generates_private_keys(tmp_path: Path) -> None:
    result = start({"ICOMMIT_DEV": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr
    key = tmp_path / "data" / "keys" / "secret_key"
    assert key.exists()
    assert key.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ICOMMIT_DEV": "1", "ICOMMIT_COLOUR": "blue"}, "ICOMMIT_COLOUR"),
        ({"ICOMMIT_DEV": "maybe"}, "ICOMMIT_DEV"),
        (
            {"ICOMMIT_DEV": "1", "ICOMMIT_SESSION_IDLE_MINUTES": "soon"},
            "ICOMMIT_SESSION_IDLE_MINUTES",
        ),
        ({"ICOMMIT_DEV": "1", "ICOMMIT_BASE_URL": "ftp://x"}, "ICOMMIT_BASE_URL"),
        ({"ICOMMIT_DEV": "1", "DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"ICOMMIT_DEV": "1", "DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({}, "ICOMMIT_SECRET_KEY"),
    ],
)
def test_bad_setting_stops_start_up_naming_the_variable(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    result = start(env, tmp_path)
    assert result.returncode != 0
    assert named in result.stderr


def test_production_refuses_a_key_file_inside_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret").write_text("x" * 60)
    result = start({"ICOMMIT_SECRET_KEY_FILE": str(data / "secret")}, tmp_path)
    assert result.returncode != 0
    assert "inside the data folder" in result.stderr


def test_production_deploy_check_rejects_plain_http_and_mfa_off(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("s" * 60)
    (tmp_path / "keys").write_text("k1:" + "A" * 44)
    env = {
        "ICOMMIT_SECRET_KEY_FILE": str(tmp_path / "secret"),
        "ICOMMIT_DATA_KEYS_FILE": str(tmp_path / "keys"),
        "ICOMMIT_BASE_URL": "http://icommit.example.org",
        "ICOMMIT_MFA_REQUIRED": "0",
    }
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ICOMMIT_")
        and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update({"ICOMMIT_DATA_DIR": str(tmp_path / "data"), **env})
    result = subprocess.run(
        [sys.executable, "-m", "icommit", "check", "--deploy"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "icommit.E001" in result.stderr
    assert "icommit.E003" in result.stderr


def test_a_complete_production_configuration_passes_the_deploy_check(tmp_path: Path) -> None:
    import base64
    import secrets

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    (tmp_path / "secret").write_text(secrets.token_urlsafe(50))
    (tmp_path / "keys").write_text("k1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    (tmp_path / "signing.pem").write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    env = {
        "ICOMMIT_SECRET_KEY_FILE": str(tmp_path / "secret"),
        "ICOMMIT_DATA_KEYS_FILE": str(tmp_path / "keys"),
        "ICOMMIT_AUDIT_SIGNING_KEY_FILE": str(tmp_path / "signing.pem"),
        "ICOMMIT_BASE_URL": "https://icommit.example.org",
    }
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ICOMMIT_")
        and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update({"ICOMMIT_DATA_DIR": str(tmp_path / "data"), **env})
    result = subprocess.run(
        [sys.executable, "-m", "icommit", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
