"""Values that look like credentials: by the name they are stored under, or by their own shape.

Shared by the rules that report plain-text secrets (kubelint/checks/secrets.py) and the masking
of output (redaction.py), which hides whatever those rules would report.
"""

from __future__ import annotations

import re

from kubelint.model import Resource

SECRET_NAME = re.compile(
    r"(?:^|[_.-])(?:PASSWORD|PASSWD|PASS|PWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|"
    r"SECRET_?KEY|CLIENT_?SECRET|CREDENTIALS?|AUTH_?TOKEN|BEARER)$", re.IGNORECASE)
TOKEN_SHAPES = (
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b")),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe secret key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}\b")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("a URL with a password", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:(?!\$\()[^/\s@]+@", re.IGNORECASE)),
)
_NOT_A_SECRET = frozenset({"", "true", "false", "yes", "no", "on", "off", "null", "none", "enabled", "disabled"})


def secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


_ANY_SHAPE = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in TOKEN_SHAPES), re.IGNORECASE)


def token_shape(value: str) -> str | None:
    """What well-known credential the value looks like, or None."""
    if not _ANY_SHAPE.search(value):  # one pass over the value for the common case: nothing
        return None
    for description, pattern in TOKEN_SHAPES:
        if pattern.search(value):
            return description
    return None


def literal_secret(value) -> bool:
    """A value that can be a credential: not empty, a boolean word, a path or a reference."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if text.lower() in _NOT_A_SECRET or len(text) < 4:
        return False
    if text.startswith(("/", "./", "$(", "${", "file://", "vault:", "ref+", "arn:")):
        return False
    return True


def sensitive_configmap_values(resource: Resource) -> list[str]:
    """The values of a ConfigMap that configmap-secret reports, for the engine to mask in output."""
    out = []
    data = resource.data.get("data") if resource.kind == "ConfigMap" and resource.group == "" else None
    for key, value in (data.items() if isinstance(data, dict) else ()):
        if isinstance(value, str) and ((secret_name(str(key)) and literal_secret(value)) or token_shape(value)):
            out.append(value)
    return out
