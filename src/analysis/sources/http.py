"""One HTTP client for every fetcher: a ``requests.Session`` with urllib3's ``Retry``.

The policy (:class:`RetryPolicy`) is the proven one: retry a bounded number of times on
HTTP 429, 500, 502, 503 and 504, on connection errors and on timeouts, waiting
``backoff_factor * 2**(n-1)`` seconds between attempts (capped at ``backoff_max``) and
honouring a server's ``Retry-After`` header (capped at ``retry_after_max``). Every request
has a connect and a read timeout.

urllib3 retries only what happens before the response body is read. :func:`fetch` adds the
rest: a body that is cut off (a dropped connection or fewer bytes than ``Content-Length``)
or that fails the caller's validation (truncated JSON, ...) is fetched again, again a
bounded number of times, so nothing partial ever reaches the caller.

Nothing here logs or raises with request headers, so an ``Authorization`` header never
appears in a log line or an error message. Use :func:`redact` on any text that might
contain a secret before showing it.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from analysis.core.errors import AnalysisError, ParameterError

log = logging.getLogger(__name__)

RETRY_STATUSES = (429, 500, 502, 503, 504)
USER_AGENT = "analysis-jobcentre-reports (python-requests)"


class FetchError(AnalysisError):
    """Fetching from a remote source failed; saved data is left as it was."""


class NetworkError(FetchError):
    """The server could not be reached (no network, DNS, refused, timed out) after all retries."""

    def __init__(self, message: str, host: str = "") -> None:
        super().__init__(message)
        self.host = host


class HttpStatusError(FetchError):
    """The server answered with an error status after all retries."""

    def __init__(self, message: str, status: int, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class BodyError(FetchError):
    """A response body is incomplete or not what the caller expected (raised by validators)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Tests use a tiny ``backoff_factor`` and short timeouts."""

    total: int = 5  # retries after the first attempt, per request
    backoff_factor: float = 0.5  # urllib3: retry n waits factor * 2**(n-1) s (none before the first): 0, 1, 2, 4, 8
    backoff_max: float = 60.0
    retry_after_max: float = 120.0  # never wait longer than this for a Retry-After header
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    body_retries: int = 2  # extra attempts when the body is cut off or fails validation
    statuses: tuple[int, ...] = RETRY_STATUSES
    methods: frozenset[str] = field(default_factory=lambda: frozenset({"GET", "POST", "HEAD"}))

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before body-level attempt number ``attempt`` (1-based)."""
        return float(min(self.backoff_max, self.backoff_factor * (2 ** (attempt - 1))))


DEFAULT_POLICY = RetryPolicy()


def _retry_class(cap: float) -> type[Retry]:
    """A Retry that never sleeps longer than ``cap`` for a Retry-After header (works on every urllib3 2.x)."""

    class CappedRetry(Retry):
        RETRY_AFTER_CAP = cap

        def parse_retry_after(self, retry_after: str) -> float:
            return float(min(super().parse_retry_after(retry_after), self.RETRY_AFTER_CAP))

    return CappedRetry


def make_retry(policy: RetryPolicy) -> Retry:
    """The urllib3 Retry for a policy: bounded, back-off, Retry-After honoured, no raising on status."""
    retry_cls = _retry_class(policy.retry_after_max)
    return retry_cls(
        total=policy.total,
        connect=policy.total,
        read=policy.total,
        status=policy.total,
        other=0,
        redirect=5,
        allowed_methods=policy.methods,
        status_forcelist=policy.statuses,
        backoff_factor=policy.backoff_factor,
        backoff_max=policy.backoff_max,
        respect_retry_after_header=True,
        raise_on_status=False,  # give back the last response; the caller turns it into one clear error
        raise_on_redirect=True,
    )


def make_session(policy: RetryPolicy | None = None, headers: Mapping[str, str] | None = None) -> requests.Session:
    """A Session whose http(s) adapters retry according to ``policy``."""
    policy = policy or DEFAULT_POLICY
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=make_retry(policy))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    if headers:
        session.headers.update(headers)
    return session


@dataclass
class Fetched:
    """A complete response: status, headers and the whole body."""

    status: int
    body: bytes
    headers: Mapping[str, str]
    url: str

    def text(self, limit: int | None = None) -> str:
        text = self.body.decode("utf-8-sig", errors="replace")
        return text if limit is None else text[:limit]


def fetch(
    session: requests.Session,
    method: str,
    url: str,
    *,
    policy: RetryPolicy | None = None,
    validate: Callable[[Fetched], object] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    **kwargs,
) -> Fetched:
    """Make one request and read the whole body, retrying as the policy says.

    - Connection errors, timeouts and 429/5xx are retried by urllib3 inside the session;
      if they persist, :class:`NetworkError` (nothing answered) is raised, or the last
      error response is returned (the caller decides what an error status means).
    - A request with an ``Authorization`` header goes only to an ``https://`` URL (or a loopback
      test server): :func:`require_secure_url`.
    - A body cut off mid-way, or one that ``validate`` rejects with :class:`BodyError`
      (only checked for 2xx answers), is fetched again up to ``policy.body_retries`` times;
      then the last :class:`BodyError` is raised.
    - ``progress(bytes_read_so_far, content_length_or_None)`` is called as the body arrives.
    """
    policy = policy or DEFAULT_POLICY
    if "Authorization" in session.headers or "Authorization" in (kwargs.get("headers") or {}):
        require_secure_url(url, "the request URL", what="the Authorization header")  # a secret only over HTTPS
    host = urlsplit(url).netloc
    last_error: BodyError | None = None
    for attempt in range(policy.body_retries + 1):
        if attempt:
            wait = policy.backoff(attempt)
            log.info("retrying %s %s in %.2f s (%s)", method, _safe_url(url), wait, last_error)
            time.sleep(wait)
        try:
            response = session.request(method, url, stream=True, timeout=policy.timeout, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise NetworkError(f"could not make a secure connection to {host}: {_reason(exc)}", host) from None
        except requests.exceptions.ProxyError as exc:
            raise NetworkError(f"the proxy refused the connection to {host}: {_reason(exc)}", host) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise NetworkError(f"could not reach {host} after {policy.total} retries: {_reason(exc)}", host) from None
        except requests.exceptions.RetryError as exc:  # pragma: no cover - raise_on_status is False
            raise NetworkError(f"{host} kept failing after {policy.total} retries: {_reason(exc)}", host) from None
        try:
            body = _read_body(response, progress)
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ConnectionError,
            requests.exceptions.ContentDecodingError,
            requests.exceptions.Timeout,
        ) as exc:
            last_error = BodyError(f"the response from {host} was cut off ({_reason(exc)})")
            continue
        finally:
            response.close()
        fetched = Fetched(response.status_code, body, dict(response.headers), response.url)
        if validate is not None and 200 <= fetched.status < 300:
            try:
                validate(fetched)
            except BodyError as exc:
                last_error = exc
                continue
        return fetched
    assert last_error is not None
    raise last_error


def _read_body(response: requests.Response, progress: Callable[[int, int | None], None] | None) -> bytes:
    length_header = response.headers.get("Content-Length")
    expected = int(length_header) if length_header and length_header.isdigit() else None
    chunks: list[bytes] = []
    read = 0
    for chunk in response.iter_content(chunk_size=64 * 1024):
        if not chunk:
            continue
        chunks.append(chunk)
        read += len(chunk)
        if progress is not None:
            progress(read, expected)
    body = b"".join(chunks)
    # urllib3 2 enforces Content-Length already; this also covers a decoded (gzip) body.
    if expected is not None and "Content-Encoding" not in response.headers and len(body) < expected:
        raise requests.exceptions.ChunkedEncodingError(f"got {len(body)} of {expected} bytes")
    return body


def _reason(exc: BaseException) -> str:
    """The innermost, shortest useful reason of a requests/urllib3 exception, on one line."""
    inner: BaseException = exc
    seen = set()
    while True:
        nxt = getattr(inner, "reason", None) or inner.__context__ or (inner.args[0] if inner.args and isinstance(inner.args[0], BaseException) else None)
        if not isinstance(nxt, BaseException) or id(nxt) in seen:
            break
        seen.add(id(nxt))
        inner = nxt
    text = str(inner) or type(inner).__name__
    text = " ".join(text.split())
    return text[:200]


def _safe_url(url: str) -> str:
    """A URL for logs: without user info (secrets never go into our URLs, but be safe)."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def safe_url(url: str) -> str:
    """A URL fit to show: without user info."""
    return _safe_url(url)


LOOPBACK_NAMES = ("localhost",)


def is_loopback(url: str) -> bool:
    """True when the URL's host is this machine: 127.0.0.0/8, ::1 or ``localhost``."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host.casefold() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_secure_url(url: str, setting: str, *, what: str = "the API key") -> None:
    """Refuse to send a secret over plain HTTP: ``https://`` only, except to a loopback test server.

    Raises :class:`~analysis.core.errors.ParameterError` naming the setting (and the URL without any
    user info, at most ~80 characters).
    """
    parts = urlsplit(url)
    if parts.scheme.casefold() == "https" or (parts.scheme.casefold() == "http" and is_loopback(url)):
        return
    shown = _safe_url(url)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    raise ParameterError(
        f"{setting} is {shown!r}: {what} would travel unencrypted over plain http; use an https:// URL "
        "(plain http is allowed only to a test server on this machine: 127.0.0.1, ::1 or localhost)"
    )


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every non-empty secret replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
