"""Fetching an article from a URL, off unless the ``fetch_urls`` setting turns it on.

A URL given to a server is a way into the server's network (SSRF): every hop (the URL and
each redirect, at most ``MAX_REDIRECTS``) must resolve only to public addresses; private,
loopback, link-local, multicast and reserved ones are refused after DNS. The body is capped
at ``max_bytes`` and the whole fetch at ``TIMEOUT_S`` seconds.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from urllib.parse import urljoin, urlsplit

from ..config import Settings
from ..errors import Errors, InputError

MAX_REDIRECTS = 3
TIMEOUT_S = 10.0


def _refused(url: str, why: str) -> InputError:
    err = Errors.E111(
        f"refusing to fetch {url!r}: {why}",
        fix="give a public http(s) URL, or paste the article text",
        value=url,
    )
    return err


def check_public(url: str) -> None:
    """Raise ``InputError`` unless ``url`` is http(s) and its host resolves to public IPs only."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused(url, "only http and https URLs with a host are fetched")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise _refused(url, f"the host does not resolve ({exc})") from None
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if (
            ip.is_private
            or ip.is_loopback
            or ip.is_link_local
            or ip.is_multicast
            or ip.is_reserved
            or ip.is_unspecified
            or not ip.is_global
        ):
            raise _refused(url, f"its host resolves to a non-public address ({ip})")


def fetch_url(url: str, settings: Settings) -> tuple[bytes, str]:
    """The body and final URL of ``url`` (raises ``ConfigError`` when fetching is off)."""
    if not settings.fetch_urls:
        raise Errors.E210(value=url)
    import httpx

    deadline = time.monotonic() + TIMEOUT_S
    current = url
    with httpx.Client(follow_redirects=False, timeout=TIMEOUT_S, trust_env=False) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            check_public(current)
            try:
                with client.stream("GET", current, headers={"User-Agent": "framelens"}) as resp:
                    if resp.is_redirect:
                        location = resp.headers.get("location", "")
                        current = urljoin(current, location)
                        continue
                    if resp.status_code >= 400:
                        raise _refused(current, f"the server answered HTTP {resp.status_code}")
                    body = bytearray()
                    for chunk in resp.iter_bytes():
                        body.extend(chunk)
                        if len(body) > settings.max_bytes:
                            raise _refused(
                                current, f"the page is over max_bytes={settings.max_bytes:,}"
                            )
                        if time.monotonic() > deadline:
                            raise _refused(current, f"it took more than {TIMEOUT_S:.0f} s")
                    return bytes(body), current
            except httpx.HTTPError as exc:
                raise _refused(current, f"{type(exc).__name__}: {exc}") from None
    raise _refused(url, f"more than {MAX_REDIRECTS} redirects")
