"""A real OpenID Connect provider on loopback for the sign-in tests: oidc-provider-mock, which
accepts any client and lets a test sign in as any subject through its own login form.

``OIDC_PROVIDER_URL`` names one already running (``.ci/run`` starts one); without it the session
starts one in a thread of the test process. Either way it is addressed as ``127.0.0.1``, while
the app under test is browsed as ``localhost``: cookies belong to a host whatever its port, so
the provider's session cookie and Streamlit's sign-in cookies never overwrite each other.
"""

from __future__ import annotations

import json
import os
import urllib.request
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

PROVIDER_ENV = "OIDC_PROVIDER_URL"
# A cookie secret for test servers only (Streamlit signs its sign-in cookies with it).
TEST_COOKIE_SECRET = "test-cookie-secret-not-for-production-0123456789"


@dataclass(frozen=True)
class OidcProvider:
    url: str  # e.g. http://127.0.0.1:9400, no trailing slash

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def set_user(self, sub: str, **claims: Any) -> None:
        """The claims the provider gives ``sub`` at its next sign-in (email, name, groups...)."""
        request = urllib.request.Request(
            f"{self.url}/users/{urllib.request.quote(sub, safe='')}",
            data=json.dumps(claims).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status in (200, 204), response.status

    def auth_secrets(
        self, redirect_uri: str, access: Mapping[str, Any] | None = None, client_id: str = "music-task-studio"
    ) -> dict[str, Any]:
        """``[auth]`` (and ``[access]``, when given) for an app whose callback is ``redirect_uri``."""
        secrets: dict[str, Any] = {
            "auth": {
                "redirect_uri": redirect_uri,
                "cookie_secret": TEST_COOKIE_SECRET,
                "client_id": client_id,
                "client_secret": "test-client-secret",
                "server_metadata_url": self.metadata_url,
            }
        }
        if access is not None:
            secrets["access"] = dict(access)
        return secrets


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    given = os.environ.get(PROVIDER_ENV, "").strip().rstrip("/")
    if given:
        if not _answers(given):
            pytest.fail(f"{PROVIDER_ENV}={given} does not answer /.well-known/openid-configuration")
        yield OidcProvider(given)
        return
    with warnings.catch_warnings():
        # The mock imports APIs Authlib deprecated, and Authlib's import puts an "always" filter
        # for its warnings in front of the test run's: imported here, both are dropped after.
        try:
            import authlib.deprecate  # noqa: F401

            warnings.simplefilter("ignore", DeprecationWarning)
            import oidc_provider_mock
        except ImportError:
            pytest.skip("oidc-provider-mock is not installed: pip install -r requirements-dev.txt")
    # Binds "localhost" as IPv4, i.e. 127.0.0.1, which is the name it is used by.
    with oidc_provider_mock.run_server_in_thread(port=0) as server:
        yield OidcProvider(f"http://127.0.0.1:{server.server_port}")
