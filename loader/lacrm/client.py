"""HTTP client for the Less Annoying CRM API v2 (contract: ../shared/lacrm-api.md).

One endpoint, one verb: `POST {"Function": ..., "Parameters": {...}}` with the raw API key in
the `Authorization` header (no `Bearer`). HTTP 400 is an API error with ErrorCode /
ErrorDescription (a bad key included); 429, 5xx and network failures are transient and
retried with capped exponential backoff (honouring `Retry-After`); every request waits for a
client-side throttle slot (default 120 requests per minute).

The API key never leaves this module except in the request header: it is kept out of
reprs, and any text echoed back by the server is redacted before it reaches a message.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from loader.errors import MeetingsError

if TYPE_CHECKING:
    # Imported where a request is made instead: commands that never talk to LACRM (`meetings
    # load`, `status`, `build`) import this module through the CLI and start ~0.1 s sooner.
    import httpx

DEFAULT_BASE_URL = "https://api.lessannoyingcrm.com/v2/"
DEFAULT_REQUESTS_PER_MINUTE = 120.0
MAX_PAGE_SIZE = 10_000

ENV_API_KEY = "LACRM_API_KEY"
ENV_BASE_URL = "LACRM_BASE_URL"
ENV_REQUESTS_PER_MINUTE = "LACRM_REQUESTS_PER_MINUTE"
ENV_BACKOFF_SECONDS = "LACRM_BACKOFF_SECONDS"
ENV_MAX_BACKOFF_SECONDS = "LACRM_MAX_BACKOFF_SECONDS"

log = logging.getLogger(__name__)


class LacrmError(MeetingsError):
    """Any failure talking to LACRM (message is one line and never contains the API key)."""


class LacrmApiError(LacrmError):
    """LACRM refused the call (HTTP 400 with ErrorCode/ErrorDescription, or another 4xx)."""

    def __init__(
        self, function: str, status_code: int, error_code: str | None, description: str
    ) -> None:
        self.function = function
        self.status_code = status_code
        self.error_code = error_code
        self.description = description
        code = f" {error_code}" if error_code else ""
        super().__init__(f"LACRM {function} failed (HTTP {status_code}{code}): {description}")


class LacrmUnavailableError(LacrmError):
    """Transient failures (429, 5xx, network) went on for every allowed attempt."""


class LacrmAmbiguousError(LacrmUnavailableError):
    """A non-idempotent call failed after the request may have reached LACRM (timeout,
    dropped connection, 5xx): it may or may not have been carried out. Look before retrying."""


@dataclass(frozen=True)
class ClientSettings:
    """Where and how to call LACRM. Build it with `from_env()` in commands."""

    api_key: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    requests_per_minute: float = DEFAULT_REQUESTS_PER_MINUTE
    max_attempts: int = 5
    backoff_seconds: float = 1.0
    """Wait before the first retry; doubled for each further retry."""
    max_backoff_seconds: float = 30.0
    max_retry_after_seconds: float = 120.0
    """A server's Retry-After longer than this is cut to this (attempts stay bounded)."""
    timeout_seconds: float = 30.0

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise MeetingsError(
                f"{ENV_BASE_URL}={self.base_url!r} is not an http(s) URL"
                f" (default {DEFAULT_BASE_URL})"
            )
        if not self.requests_per_minute > 0:
            raise MeetingsError(
                f"{ENV_REQUESTS_PER_MINUTE} must be a positive number,"
                f" got {self.requests_per_minute!r}"
            )
        if self.max_attempts < 1:
            raise MeetingsError(f"max_attempts must be at least 1, got {self.max_attempts}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ClientSettings:
        """Settings from LACRM_API_KEY (required), LACRM_BASE_URL, LACRM_REQUESTS_PER_MINUTE,
        LACRM_BACKOFF_SECONDS (first retry wait, default 1) and LACRM_MAX_BACKOFF_SECONDS
        (cap of the doubling waits, default 30)."""
        env = os.environ if environ is None else environ
        key = env.get(ENV_API_KEY, "").strip()
        if not key:
            raise MeetingsError(
                f"{ENV_API_KEY} is not set; create an API key in LACRM (Settings > API)"
                f" and export {ENV_API_KEY}=<key>"
            )
        rpm_text = env.get(ENV_REQUESTS_PER_MINUTE, "").strip()
        try:
            rpm = float(rpm_text) if rpm_text else DEFAULT_REQUESTS_PER_MINUTE
        except ValueError:
            raise MeetingsError(f"{ENV_REQUESTS_PER_MINUTE}={rpm_text!r} is not a number") from None
        return cls(
            api_key=key,
            base_url=env.get(ENV_BASE_URL, "").strip() or DEFAULT_BASE_URL,
            requests_per_minute=rpm,
            backoff_seconds=_seconds(env, ENV_BACKOFF_SECONDS, cls.backoff_seconds),
            max_backoff_seconds=_seconds(env, ENV_MAX_BACKOFF_SECONDS, cls.max_backoff_seconds),
        )


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (math.isfinite(value) and value >= 0):
        raise MeetingsError(f"{name}={text!r} is not a number of seconds (e.g. {default:g})")
    return value


@dataclass(frozen=True)
class AttemptRecord:
    """One HTTP request as the caller may want to audit it (never carries the key)."""

    function: str
    http_status: int | None
    """None when no HTTP reply came back (network error, dropped connection)."""
    outcome: str
    """`ok`, `api_error` (LACRM refused it: 4xx) or `transient` (429, 5xx, network)."""
    error_code: str | None = None
    detail: str = ""


class _Transient(Exception):
    """Internal: one attempt failed in a way worth retrying."""

    def __init__(
        self,
        reason: str,
        retry_after: float | None,
        maybe_processed: bool,
        status: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.maybe_processed = maybe_processed
        self.status = status


class LacrmClient:
    """`call(function, parameters)` for any LACRM function, plus `paged()` for list functions.

    `sleep` and `clock` are injectable so tests can check waits without waiting.
    `on_attempt` is told about every HTTP request (retries included), e.g. for an audit table.
    """

    def __init__(
        self,
        settings: ClientSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_attempt: Callable[[AttemptRecord], None] | None = None,
    ) -> None:
        import httpx

        self._settings = settings
        self._http = httpx.Client(
            timeout=settings.timeout_seconds, transport=transport, follow_redirects=False
        )
        self._sleep = sleep
        self._clock = clock
        self._last_request_at: float | None = None
        self._on_attempt = on_attempt
        self.requests_sent = 0

    def __repr__(self) -> str:
        return f"LacrmClient(base_url={self._settings.base_url!r})"

    def __enter__(self) -> LacrmClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- public API -------------------------------------------------------------------------

    def call(
        self, function: str, parameters: Mapping[str, Any] | None = None, *, idempotent: bool = True
    ) -> Any:
        """Call one LACRM function and return its decoded JSON result (None when empty).

        Transient failures are retried up to `max_attempts`. With `idempotent=False` (create
        calls) a failure after the request may have been processed is not retried but raised
        as LacrmAmbiguousError, so the caller can check whether the record exists first.
        """
        body = {"Function": function, "Parameters": dict(parameters or {})}
        function = self._redact(function)  # from here on only used in messages
        attempts = self._settings.max_attempts
        for attempt in range(1, attempts + 1):
            try:
                result = self._attempt(function, body)
            except LacrmApiError as error:
                self._report(
                    AttemptRecord(
                        function, error.status_code, "api_error", error.error_code, str(error)
                    )
                )
                raise
            except LacrmError as error:  # a 200 reply that is not JSON
                self._report(AttemptRecord(function, 200, "api_error", None, str(error)))
                raise
            except _Transient as failure:
                self._report(
                    AttemptRecord(function, failure.status, "transient", None, failure.reason)
                )
                if failure.maybe_processed and not idempotent:
                    raise LacrmAmbiguousError(
                        f"LACRM {function} may or may not have been carried out"
                        f" ({failure.reason}); check before repeating it"
                    ) from None
                if attempt == attempts:
                    raise LacrmUnavailableError(
                        f"LACRM {function} failed {attempts} times ({failure.reason});"
                        " try again later"
                    ) from None
                wait = self._retry_wait(attempt, failure.retry_after)
                log.warning(
                    "LACRM %s: %s; retry %d/%d in %.1f s",
                    function,
                    failure.reason,
                    attempt,
                    attempts - 1,
                    wait,
                )
                self._sleep(wait)
                continue
            self._report(AttemptRecord(function, 200, "ok"))
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def _report(self, record: AttemptRecord) -> None:
        if self._on_attempt is not None:
            self._on_attempt(record)

    def paged(
        self,
        function: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        page_size: int = 500,
    ) -> Iterator[dict[str, Any]]:
        """Every result of a list function (GetContacts, GetEvents, GetCustomFields...), page
        after page.

        Sends `MaxNumberOfResults` and `Page` (from 1) and continues while the reply says
        `HasMoreResults`. Each reply is read by `page_results`.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise MeetingsError(f"page size must be 1..{MAX_PAGE_SIZE}, got {page_size}")
        page = 1
        while True:
            reply = self.call(
                function, {**(parameters or {}), "MaxNumberOfResults": page_size, "Page": page}
            )
            read = page_results(reply)
            if read is None:
                raise LacrmError(
                    f"LACRM {function} page {page}: expected an object with Results"
                    " (a list, or an object keyed by id)"
                )
            results, has_more = read
            yield from results
            if not has_more:
                return
            if not results:
                raise LacrmError(
                    f"LACRM {function} page {page} is empty but says HasMoreResults; stopping"
                )
            page += 1

    # --- one attempt ----------------------------------------------------------------------------

    def _attempt(self, function: str, body: dict[str, Any]) -> Any:
        import httpx

        self._wait_for_slot()
        self.requests_sent += 1
        try:
            response = self._http.post(
                self._settings.base_url,
                json=body,
                headers={
                    "Authorization": self._settings.api_key,
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                },
            )
        # Failures after which the server cannot have acted on the request: safe to retry.
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise _Transient(self._describe(exc), None, maybe_processed=False) from None
        except httpx.TransportError as exc:  # timeouts, dropped connections
            raise _Transient(self._describe(exc), None, maybe_processed=True) from None

        status = response.status_code
        if status == 429:
            raise _Transient(
                "HTTP 429 rate limited", _retry_after(response), maybe_processed=False, status=429
            )
        if status >= 500:
            raise _Transient(
                f"HTTP {status}", _retry_after(response), maybe_processed=True, status=status
            )
        if status >= 300:
            code, description = self._error_fields(response)
            raise LacrmApiError(function, status, code, description)
        return self._decode_success(function, response)

    def _decode_success(self, function: str, response: httpx.Response) -> Any:
        if not response.content.strip():
            return None
        try:
            payload = response.json()
        except ValueError:
            raise LacrmError(f"LACRM {function} returned a reply that is not JSON") from None
        # Defensive: an error object in a 200 reply is still an error.
        if isinstance(payload, dict) and "ErrorCode" in payload and "ErrorDescription" in payload:
            raise LacrmApiError(
                function,
                response.status_code,
                self._redact(str(payload["ErrorCode"])),
                self._redact(str(payload["ErrorDescription"])),
            )
        return payload

    def _error_fields(self, response: httpx.Response) -> tuple[str | None, str]:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if isinstance(payload, dict) and ("ErrorCode" in payload or "ErrorDescription" in payload):
            code = payload.get("ErrorCode")
            description = str(payload.get("ErrorDescription") or "no description")
            return (
                None if code is None else self._redact(str(code)),
                self._redact(_one_line(description)),
            )
        text = _one_line(response.text)[:200] or response.reason_phrase or "no description"
        return None, self._redact(text)

    # --- waits ----------------------------------------------------------------------------------

    def _wait_for_slot(self) -> None:
        """Client-side throttle: at most `requests_per_minute` request starts per minute."""
        interval = 60.0 / self._settings.requests_per_minute
        if self._last_request_at is not None:
            wait = self._last_request_at + interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_request_at = self._clock()

    def _retry_wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self._settings.max_retry_after_seconds)
        backoff = self._settings.backoff_seconds * 2 ** (attempt - 1)
        return float(min(backoff, self._settings.max_backoff_seconds))

    # --- secrets --------------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        key = self._settings.api_key
        return text.replace(key, "<redacted>") if key else text

    def _describe(self, exc: httpx.TransportError) -> str:
        detail = _one_line(str(exc)) or type(exc).__name__
        return self._redact(f"{type(exc).__name__}: {detail}")


def page_results(reply: Any) -> tuple[list[dict[str, Any]], bool] | None:
    """The records of one reply of a list function, and whether more pages follow; None when
    the reply is not shaped like one.

    The documented shape is `{"HasMoreResults": bool, "Results": [...]}`. *Unverified* (the
    docs do not say every function answers so): `Results` may also be an object keyed by
    record id (its values are the records, in order), and a bare list is the whole answer.
    Items that are not objects are skipped.
    """
    if isinstance(reply, list):
        return [item for item in reply if isinstance(item, dict)], False
    if not isinstance(reply, dict):
        return None
    results = reply.get("Results")
    if isinstance(results, dict):
        results = list(results.values())
    if not isinstance(results, list):
        return None
    return [item for item in results if isinstance(item, dict)], bool(reply.get("HasMoreResults"))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), if any."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return seconds if math.isfinite(seconds) else None
