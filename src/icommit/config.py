"""Reads icommit's configuration from the environment, strictly.

Every ``ICOMMIT_*`` variable must be one this module knows, and every value must parse;
otherwise start-up stops with a ``ConfigError`` that names the variable.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PREFIX = "ICOMMIT_"

#: Every variable icommit reads, with a one-line description (printed by `icommit env`).
KNOWN: dict[str, str] = {
    "ICOMMIT_DEV": "1 for development mode (debug pages, generated keys, mail to files)",
    "ICOMMIT_DEMO": "1 to run the demo (generated keys, demo banner, demo data allowed)",
    "ICOMMIT_DATA_DIR": "folder for the embedded database, generated keys, mail and files",
    "ICOMMIT_PORT": "port `icommit serve` listens on (default 8000)",
    "ICOMMIT_BIND": "address `icommit serve` listens on (default 127.0.0.1)",
    "ICOMMIT_WORKERS": "gunicorn worker processes (default: one per core)",
    "ICOMMIT_BASE_URL": "public address of the platform, https in production",
    "ICOMMIT_ALLOWED_HOSTS": "comma-separated host names (default: the host of the base URL)",
    "ICOMMIT_SECRET_KEY": "Django secret key (production: this or the _FILE variant)",
    "ICOMMIT_SECRET_KEY_FILE": "file holding the secret key, outside the data folder",
    "ICOMMIT_DATA_KEYS": "master data keys, comma-separated id:base64 pairs, newest first",
    "ICOMMIT_DATA_KEYS_FILE": "file holding the master data keys, outside the data folder",
    "ICOMMIT_MFA_REQUIRED": "0 switches MFA off; allowed only in development or demo mode",
    "ICOMMIT_SESSION_IDLE_MINUTES": "minutes without activity before a session ends (default 30)",
    "ICOMMIT_SESSION_MAX_HOURS": "hours after login before a session ends (default 12)",
    "ICOMMIT_DRIFT_DAYS": "days without a recorded contact before a case counts as drifting "
    "(default 30)",
    "ICOMMIT_MAIL_FROM": "sender address of outgoing mail",
    "ICOMMIT_SMTP_HOST": "SMTP server (production); development writes mail to files",
    "ICOMMIT_SMTP_PORT": "SMTP port (default 587)",
    "ICOMMIT_SMTP_USER": "SMTP user name",
    "ICOMMIT_SMTP_PASSWORD": "SMTP password",
    "ICOMMIT_SMTP_TLS": "1 for STARTTLS (default 1)",
    "ICOMMIT_DEMO_PASSWORD": "password of every demo account (default icommit-demo)",
    "ICOMMIT_LOG_LEVEL": "DEBUG, INFO, WARNING or ERROR (default INFO)",
    "ICOMMIT_CHECKPOINT_DIR": "folder for signed audit checkpoints, outside the database",
    "ICOMMIT_AUDIT_SIGNING_KEY_FILE": "PEM Ed25519 key that signs audit checkpoints (production)",
    "ICOMMIT_AUDIT_CHECKPOINT_MAX_AGE_MINUTES": "minutes an audit event may stay unsigned (10)",
    "ICOMMIT_FAST_HASHER": "1 uses a cheap password hasher (tests only)",
    # training credentials (issue 15)
    "ICOMMIT_CREDENTIAL_SIGNING_KEY_FILE": "PEM Ed25519 key that signs training certificates "
    "(production)",
}


class ConfigError(Exception):
    """A setting is unknown or malformed; the message names the variable."""


@dataclass(frozen=True)
class Env:
    values: Mapping[str, str]

    def check_unknown(self) -> None:
        unknown = sorted(k for k in self.values if k.startswith(PREFIX) and k not in KNOWN)
        if unknown:
            raise ConfigError(
                f"Unknown setting {', '.join(unknown)}: icommit reads only "
                f"{', '.join(sorted(KNOWN))}. Remove it or correct its name."
            )

    def raw(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"{name}={value!r} is not a yes/no value: use 1 or 0.")

    def integer(self, name: str, default: int, minimum: int = 1, maximum: int = 10**6) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(f"{name}={value!r} is not a whole number.") from None
        if not minimum <= number <= maximum:
            raise ConfigError(f"{name}={number} is outside {minimum}..{maximum}.")
        return number

    def choice(self, name: str, default: str, options: tuple[str, ...]) -> str:
        value = self.raw(name)
        if value is None:
            return default
        if value.upper() not in options:
            raise ConfigError(f"{name}={value!r} must be one of {', '.join(options)}.")
        return value.upper()

    def url(self, name: str, default: str) -> str:
        value = self.raw(name) or default
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError(f"{name}={value!r} is not an http(s) address with a host.")
        return value.rstrip("/")


def secret_from(env: Env, name: str, data_dir: Path, generate: bool, make: str) -> str:
    """Read a secret from NAME or NAME_FILE; in development, generate it into the data folder.

    ``make`` is "token" for a random string or "datakey" for a master data key entry.
    """
    direct = env.raw(name)
    file_name = env.raw(f"{name}_FILE")
    if direct and file_name:
        raise ConfigError(f"Set {name} or {name}_FILE, not both.")
    if direct:
        return direct
    if file_name:
        path = Path(file_name).expanduser().resolve()
        if not generate and path.is_relative_to(data_dir.resolve()):
            raise ConfigError(
                f"{name}_FILE={file_name!r} lies inside the data folder; keys must live elsewhere."
            )
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={file_name!r} cannot be read: {exc}.") from None
    if not generate:
        raise ConfigError(
            f"{name} (or {name}_FILE) is required in production; development and demo "
            "mode generate one into the data folder."
        )
    target = data_dir / "keys" / name.removeprefix(PREFIX).lower()
    if target.exists():
        return target.read_text(encoding="utf-8").strip()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if make == "datakey":
        import base64

        value = f"k1:{base64.b64encode(secrets.token_bytes(32)).decode()}"
    else:
        value = secrets.token_urlsafe(50)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value
