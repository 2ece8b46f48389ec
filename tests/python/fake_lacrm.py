"""A local fake of the LACRM API v2 for tests (contract: ../shared/lacrm-api.md).

Faithful where the contract is documented and stricter where it is not: one POST endpoint,
`Authorization: <key>` (no Bearer), HTTP 400 with ErrorCode/ErrorDescription for every
error (bad key included), unknown functions and unknown parameters rejected, `GetContacts`
paging with `MaxNumberOfResults` / `Page` / `HasMoreResults`. Every request is recorded so
tests can count calls. Fault injection: fail every Nth request with a 500, answer the next
requests with 429 + Retry-After, or drop the connection after reading a request.

To add a function (EditContact, CreateEvent, ... for the sync work): write a handler
`(self, params) -> result` and register it in `FakeLacrm._functions` with its allowed
parameter names.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

JsonObject = dict[str, Any]
Handler = Callable[[JsonObject], Any]

SORT_FIELDS = {"Relevance", "FirstName", "LastName", "CompanyName", "DateCreated", "LastUpdate"}
DEFAULT_PAGE_SIZE = 500
MAX_PAGE_SIZE = 10_000


class ApiError(Exception):
    """Becomes an HTTP 400 reply with ErrorCode / ErrorDescription."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake saw it (the key itself is not kept, only whether it was right)."""

    method: str
    path: str
    function: str | None
    parameters: JsonObject
    authorized: bool
    content_type: str
    status: int = 0


def contact(
    number: int,
    first: str,
    last: str,
    emails: list[str] | None = None,
    *,
    company: str = "",
    created: str | None = None,
    is_company: bool = False,
) -> JsonObject:
    """A contact object shaped like the [Search] example (31-digit string ids, Name object)."""
    return {
        "ContactId": f"{3_900_000_000_000_000_000_000_000_000_000 + number:031d}",
        "AssignedTo": 483823,  # user ids come back as JSON numbers
        "IsCompany": is_company,
        "CompanyId": None,
        "Name": {
            "Salutation": "",
            "FirstName": first,
            "MiddleName": "",
            "LastName": last,
            "Suffix": "",
        },
        "Company Name": company,
        "Job Title": "",
        "Email": [
            {"Text": email, "Type": "Work" if i == 0 else "Personal"}
            for i, email in enumerate(emails or [])
        ],
        "Phone": [],
        "DateCreated": created or f"2024-01-{number % 28 + 1:02d} 09:00:00",
        "LastUpdate": created or f"2024-02-{number % 28 + 1:02d} 09:00:00",
    }


@dataclass
class FakeLacrm:
    """The fake server's state. Use it as a context manager or via the `fake_lacrm` fixture."""

    api_key: str = "fake-key-3f9c2a71d0b84e6c"
    contacts: list[JsonObject] = field(default_factory=list)
    user: JsonObject = field(
        default_factory=lambda: {"UserId": 483823, "FirstName": "Maria", "LastName": "Gomez"}
    )
    requests: list[RecordedRequest] = field(default_factory=list)
    fail_every_nth: int | None = None
    """Answer every Nth request (1-based count of all requests) with HTTP 500."""
    _rate_limited: list[str] = field(default_factory=list)
    _drops: int = 0
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v2/"

    def start(self) -> FakeLacrm:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeLacrm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- fault injection --------------------------------------------------------------------

    def rate_limit_next(self, count: int = 1, retry_after: str = "1") -> None:
        """Answer the next `count` requests with HTTP 429 and this Retry-After header."""
        with self._lock:
            self._rate_limited.extend([retry_after] * count)

    def drop_next(self, count: int = 1) -> None:
        """Read the next `count` requests, then close the connection without any reply."""
        with self._lock:
            self._drops += count

    # --- inspection -------------------------------------------------------------------------

    def calls(self, function: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.function == function]

    # --- functions --------------------------------------------------------------------------

    @property
    def _functions(self) -> dict[str, tuple[frozenset[str], Handler]]:
        return {
            "GetUser": (frozenset(), self._get_user),
            "GetContact": (frozenset({"ContactId"}), self._get_contact),
            "GetContacts": (
                frozenset(
                    {
                        "SearchTerms",
                        "RecordTypeFilter",
                        "OwnerFilter",
                        "SortBy",
                        "SortDirection",
                        "AdvancedFilters",
                        "RequiresWriteAccess",
                        "MaxNumberOfResults",
                        "Page",
                    }
                ),
                self._get_contacts,
            ),
        }

    def dispatch(self, function: Any, parameters: Any) -> Any:
        if not isinstance(function, str) or function not in self._functions:
            raise ApiError("InvalidFunction", f"Unknown function: {function!r}")
        if not isinstance(parameters, dict):
            raise ApiError("InvalidParameters", "Parameters must be an object")
        allowed, handler = self._functions[function]
        unknown = sorted(set(parameters) - allowed)
        if unknown:
            raise ApiError("InvalidParameter", f"Unknown parameter(s) for {function}: {unknown}")
        return handler(parameters)

    def _get_user(self, params: JsonObject) -> Any:
        return self.user

    def _get_contact(self, params: JsonObject) -> Any:
        wanted = params.get("ContactId")
        if not isinstance(wanted, str):
            raise ApiError("InvalidParameter", "ContactId must be a string")
        for item in self.contacts:
            if item["ContactId"] == wanted:
                return item
        raise ApiError("RecordNotFound", f"No contact with id {wanted}")

    def _get_contacts(self, params: JsonObject) -> Any:
        record_type = params.get("RecordTypeFilter")
        if record_type not in (None, "Contacts", "Companies"):
            raise ApiError("InvalidParameter", f"Invalid RecordTypeFilter: {record_type!r}")
        sort_by = params.get("SortBy", "Relevance")
        if sort_by not in SORT_FIELDS:
            raise ApiError("InvalidParameter", f"Invalid SortBy: {sort_by!r}")
        direction = params.get("SortDirection", "Descending")
        if direction not in ("Ascending", "Descending"):
            raise ApiError("InvalidParameter", f"Invalid SortDirection: {direction!r}")
        if "AdvancedFilters" in params:
            raise ApiError("NotImplemented", "the fake does not implement AdvancedFilters")
        size = _int_param(params, "MaxNumberOfResults", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        page = _int_param(params, "Page", 1, 1, None)
        terms = params.get("SearchTerms")
        if terms is not None and not isinstance(terms, str):
            raise ApiError("InvalidParameter", "SearchTerms must be a string")
        owners = params.get("OwnerFilter")
        if owners is not None and not isinstance(owners, list):
            raise ApiError("InvalidParameter", "OwnerFilter must be a list of user ids")

        found = [
            c
            for c in self.contacts
            if record_type is None or bool(c.get("IsCompany")) == (record_type == "Companies")
        ]
        if owners is not None:
            found = [c for c in found if str(c.get("AssignedTo")) in {str(o) for o in owners}]
        if terms:
            found = [c for c in found if terms.lower() in json.dumps(c).lower()]
        if sort_by != "Relevance":
            found.sort(key=lambda c: _sort_key(c, sort_by), reverse=direction == "Descending")
        start = (page - 1) * size
        return {
            "HasMoreResults": start + size < len(found),
            "Results": found[start : start + size],
        }

    # --- one request ------------------------------------------------------------------------

    def _next_fault(self) -> tuple[str, str] | None:
        with self._lock:
            count = len(self.requests) + 1
            if self._drops:
                self._drops -= 1
                return ("drop", "")
            if self._rate_limited:
                return ("429", self._rate_limited.pop(0))
            if self.fail_every_nth and count % self.fail_every_nth == 0:
                return ("500", "")
        return None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


def _int_param(params: JsonObject, name: str, default: int, low: int, high: int | None) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError("InvalidParameter", f"{name} must be an integer")
    if value < low or (high is not None and value > high):
        raise ApiError("InvalidParameter", f"{name} out of range: {value}")
    return value


def _sort_key(item: JsonObject, sort_by: str) -> str:
    name = item.get("Name") if isinstance(item.get("Name"), dict) else {}
    assert isinstance(name, dict)
    if sort_by == "FirstName":
        return str(name.get("FirstName", ""))
    if sort_by == "LastName":
        return str(name.get("LastName", ""))
    if sort_by == "CompanyName":
        return str(item.get("Company Name", ""))
    return str(item.get(sort_by, ""))


def _make_handler(fake: FakeLacrm) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            return

        def do_GET(self) -> None:
            self._reply(405, {"ErrorCode": "MethodNotAllowed", "ErrorDescription": "Use POST"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            content_type = self.headers.get("Content-Type", "")
            authorized = self.headers.get("Authorization") == fake.api_key
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = None
            function = body.get("Function") if isinstance(body, dict) else None
            parameters = body.get("Parameters", {}) if isinstance(body, dict) else {}
            record = RecordedRequest(
                "POST",
                self.path,
                function if isinstance(function, str) else None,
                parameters if isinstance(parameters, dict) else {},
                authorized,
                content_type,
            )

            fault = fake._next_fault()
            if fault is not None and fault[0] == "drop":
                fake._record(record)
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault is not None and fault[0] == "429":
                fake._record(replace(record, status=429))
                self._reply(
                    429,
                    {"ErrorCode": "RateLimited", "ErrorDescription": "Too many requests"},
                    {"Retry-After": fault[1]},
                )
                return
            if fault is not None:
                fake._record(replace(record, status=500))
                self._reply(500, {"ErrorCode": "ServerError", "ErrorDescription": "Try again"})
                return

            status, payload = self._answer(body, authorized, content_type, function, parameters)
            fake._record(replace(record, status=status))
            self._reply(status, payload)

        def _answer(
            self,
            body: Any,
            authorized: bool,
            content_type: str,
            function: Any,
            parameters: Any,
        ) -> tuple[int, Any]:
            if self.path != "/v2/":
                return 404, {"ErrorCode": "NotFound", "ErrorDescription": "No such endpoint"}
            try:
                if not authorized:
                    raise ApiError("InvalidApiKey", "The API key is missing or invalid.")
                if content_type.split(";")[0].strip() != "application/json":
                    raise ApiError("InvalidContentType", "Content-Type must be application/json")
                if not isinstance(body, dict):
                    raise ApiError("InvalidJson", "The request body is not a JSON object")
                extra = sorted(set(body) - {"Function", "Parameters"})
                if extra:
                    raise ApiError("InvalidRequest", f"Unknown request keys: {extra}")
                return 200, fake.dispatch(function, parameters)
            except ApiError as error:
                return 400, {"ErrorCode": error.code, "ErrorDescription": error.description}

        def _reply(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
