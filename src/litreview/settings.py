"""Configuration read once from the environment, then passed explicitly.

Offline work needs no settings; the online E-utilities client requires an
e-mail address (NCBI asks every tool to send one) and raises
:class:`~litreview.errors.ConfigError` without it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ._secrets import register_secret
from .errors import ConfigError

__all__ = [
    "DEFAULT_EUTILS_URL",
    "DEFAULT_TOOL",
    "DEFAULT_CORPUS_DIR",
    "DEFAULT_OUTPUT_DIR",
    "Settings",
]

DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
DEFAULT_TOOL = "litreview"
DEFAULT_CORPUS_DIR = "corpus"
DEFAULT_OUTPUT_DIR = "output"


@dataclass(frozen=True)
class Settings:
    """Runtime configuration.

    Parameters
    ----------
    email : str
        Contact address sent to NCBI as ``email`` (``NCBI_EMAIL``).
    api_key : str or None
        NCBI API key (``NCBI_API_KEY``); raises the limit from 3 to 10 requests/s.
        Never printed: ``repr`` masks it, and creating the settings registers it
        for redaction from every error message and log record of the package.
    eutils_url : str
        Base URL of E-utilities (``LITREVIEW_EUTILS_URL``); tests point it at a
        local server.
    tool : str
        Tool name sent to NCBI.
    seeds_dir : Path or None
        Seed articles directory (``LITREVIEW_SEEDS``) that ``litreview check``
        verifies the claims' quotes against.
    reviewer : str
        Who records decisions (``LITREVIEW_REVIEWER``), unless ``--reviewer``
        names someone; there is no shared default.
    """

    email: str = ""
    api_key: str | None = field(default=None, repr=False)
    eutils_url: str = DEFAULT_EUTILS_URL
    tool: str = DEFAULT_TOOL
    seeds_dir: Path | None = None
    reviewer: str = ""

    def __post_init__(self) -> None:
        register_secret(self.api_key)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read ``NCBI_EMAIL``, ``NCBI_API_KEY``, ``LITREVIEW_EUTILS_URL``, ``LITREVIEW_SEEDS`` and ``LITREVIEW_REVIEWER``.

        Parameters
        ----------
        env : Mapping[str, str], optional
            Environment to read; defaults to ``os.environ``.

        Returns
        -------
        Settings
        """
        env = os.environ if env is None else env
        url = env.get("LITREVIEW_EUTILS_URL") or DEFAULT_EUTILS_URL
        if not url.endswith("/"):
            url += "/"
        return cls(
            email=env.get("NCBI_EMAIL", "").strip(),
            api_key=(env.get("NCBI_API_KEY") or "").strip() or None,
            eutils_url=url,
            seeds_dir=Path(env["LITREVIEW_SEEDS"]) if env.get("LITREVIEW_SEEDS") else None,
            reviewer=env.get("LITREVIEW_REVIEWER", ""),
        )

    def require_reviewer(self, given: str | None = None) -> str:
        """The reviewer's name: ``given`` (a ``--reviewer`` flag) or ``LITREVIEW_REVIEWER``; ConfigError when neither."""
        name = given if given is not None else self.reviewer
        if not name:
            raise ConfigError("who is deciding? give --reviewer NAME or set LITREVIEW_REVIEWER "
                              "(there is no shared default name)")
        return name

    def require_eutils_url(self) -> None:
        """Raise :class:`ConfigError` unless ``eutils_url`` is an http(s) URL with a host and a valid port."""
        problem = _url_problem(self.eutils_url)
        if problem:
            raise ConfigError(f"E-utilities URL {self.eutils_url!r} (LITREVIEW_EUTILS_URL) {problem}; "
                              f"expected a URL like {DEFAULT_EUTILS_URL}")

    def require_email(self) -> None:
        """Raise :class:`ConfigError` unless an e-mail address is set."""
        if not self.email:
            raise ConfigError(
                "NCBI_EMAIL is not set: NCBI requires a contact e-mail for E-utilities "
                "(export NCBI_EMAIL=you@example.org)"
            )


def _url_problem(url: str) -> str | None:
    """What makes ``url`` unusable as the E-utilities base URL, or None."""
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "contains spaces or control characters"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not parts.hostname:
        return "names no host"
    try:
        port_ok = parts.port != 0
    except ValueError:  # out of range or not a number
        port_ok = False
    return None if port_ok else "has an invalid port (1-65535)"
