"""The LACRM HTTP client against the local fake server: paging, errors, retries, throttle."""

from __future__ import annotations

from typing import Any

import pytest

from loader.errors import MeetingsError
from loader.lacrm.client import (
    AttemptRecord,
    ClientSettings,
    LacrmAmbiguousError,
    LacrmApiError,
    LacrmClient,
    LacrmError,
    LacrmUnavailableError,
    page_results,
)

from fake_lacrm import FakeLacrm, contact


class FakeTime:
    """A clock that only moves when the client sleeps: waits are recorded, never taken."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds

    def clock(self) -> float:
        return self.now


def _client(fake: FakeLacrm, time: FakeTime | None = None, **overrides: object) -> LacrmClient:
    clock = time or FakeTime()
    settings = ClientSettings(
        api_key=str(overrides.pop("api_key", fake.api_key)),
        base_url=fake.url,
        **overrides,  # type: ignore[arg-type]
    )
    return LacrmClient(settings, sleep=clock.sleep, clock=clock.clock)


def test_call_sends_function_parameters_and_raw_key(fake_lacrm: FakeLacrm) -> None:
    with _client(fake_lacrm) as client:
        assert client.call("GetUser")["UserId"] == 483823
    (request,) = fake_lacrm.requests
    assert request.function == "GetUser"
    assert request.parameters == {}
    assert request.authorized  # the raw key, no "Bearer " prefix
    assert request.content_type == "application/json"


def test_paging_follows_has_more_results_across_pages(fake_lacrm: FakeLacrm) -> None:
    fake_lacrm.contacts = [contact(n, f"First{n}", f"Last{n}", [f"p{n}@x.com"]) for n in range(7)]
    with _client(fake_lacrm) as client:
        results = list(
            client.paged(
                "GetContacts",
                {
                    "RecordTypeFilter": "Contacts",
                    "SortBy": "DateCreated",
                    "SortDirection": "Ascending",
                },
                page_size=3,
            )
        )
    assert len(results) == 7
    assert len({r["ContactId"] for r in results}) == 7
    pages = [r.parameters["Page"] for r in fake_lacrm.calls("GetContacts")]
    assert pages == [1, 2, 3]
    assert {r.parameters["MaxNumberOfResults"] for r in fake_lacrm.calls("GetContacts")} == {3}


def test_exact_multiple_of_page_size_stops_on_has_more_results_false(
    fake_lacrm: FakeLacrm,
) -> None:
    fake_lacrm.contacts = [contact(n, "A", "B") for n in range(4)]
    with _client(fake_lacrm) as client:
        assert len(list(client.paged("GetContacts", page_size=2))) == 4
    assert len(fake_lacrm.calls("GetContacts")) == 2


def test_results_keyed_by_id_are_read_in_order_across_pages(fake_lacrm: FakeLacrm) -> None:
    fake_lacrm.results_keyed_by_id = True
    fake_lacrm.contacts = [contact(n, f"First{n}", "Last") for n in (5, 1, 4, 2, 3)]
    with _client(fake_lacrm) as client:
        results = list(client.paged("GetContacts", page_size=2))
    replies = fake_lacrm.calls("GetContacts")
    assert [r.parameters["Page"] for r in replies] == [1, 2, 3]
    assert [r["Name"]["FirstName"] for r in results] == [f"First{n}" for n in (5, 1, 4, 2, 3)]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            {"HasMoreResults": True, "Results": [{"Id": "1"}, {"Id": "2"}]},
            ([{"Id": "1"}, {"Id": "2"}], True),
        ),
        (
            {"HasMoreResults": False, "Results": {"2": {"Id": "2"}, "1": {"Id": "1"}}},
            ([{"Id": "2"}, {"Id": "1"}], False),
        ),
        ({"Results": {}}, ([], False)),
        ({"Results": [{"Id": "1"}, "junk", None]}, ([{"Id": "1"}], False)),
        ([{"Id": "1"}], ([{"Id": "1"}], False)),  # a bare list is the whole answer
        ({"HasMoreResults": False}, None),
        ({"Results": "1,2"}, None),
        ("not an object", None),
    ],
)
def test_page_results_accepts_a_list_or_an_object_keyed_by_id(reply: Any, expected: Any) -> None:
    assert page_results(reply) == expected


def test_a_page_without_results_is_one_clear_error() -> None:
    import httpx

    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"Results": 7}))
    settings = ClientSettings(api_key="k", base_url="http://127.0.0.1:9/v2/")
    with LacrmClient(settings, transport=transport) as client, pytest.raises(LacrmError) as c:
        list(client.paged("GetEvents"))
    assert str(c.value) == (
        "LACRM GetEvents page 1: expected an object with Results (a list, or an object keyed by id)"
    )


def test_http_400_is_a_typed_error_with_code_and_description(fake_lacrm: FakeLacrm) -> None:
    with _client(fake_lacrm) as client, pytest.raises(LacrmApiError) as caught:
        client.call("GetContacts", {"NoSuchParameter": 1})
    error = caught.value
    assert error.status_code == 400
    assert error.error_code == "InvalidParameter"
    assert "NoSuchParameter" in error.description
    assert "\n" not in str(error)
    assert len(fake_lacrm.requests) == 1  # a 400 is never retried


def test_wrong_key_is_an_api_error_that_never_shows_the_key(fake_lacrm: FakeLacrm) -> None:
    secret = "wrong-key-7d1e0c55aa93"
    with _client(fake_lacrm, api_key=secret) as client:
        with pytest.raises(LacrmApiError) as caught:
            client.call("GetUser")
        assert secret not in repr(client)
    assert caught.value.status_code == 400
    assert caught.value.error_code == "InvalidApiKey"
    for text in (str(caught.value), repr(caught.value), caught.value.description):
        assert secret not in text
    assert not fake_lacrm.requests[0].authorized


def test_settings_repr_hides_the_key() -> None:
    settings = ClientSettings(api_key="s3cr3t-key-value")
    assert "s3cr3t-key-value" not in repr(settings)


def test_a_key_echoed_by_the_server_is_redacted(fake_lacrm: FakeLacrm) -> None:
    secret = fake_lacrm.api_key
    with _client(fake_lacrm) as client, pytest.raises(LacrmApiError) as caught:
        client.call(f"Function{secret}")  # unknown function: the fake echoes the name back
    assert caught.value.error_code == "InvalidFunction"
    assert secret not in str(caught.value)
    assert "<redacted>" in caught.value.description


def test_missing_key_is_one_clean_line() -> None:
    with pytest.raises(MeetingsError) as caught:
        ClientSettings.from_env({"LACRM_BASE_URL": "http://127.0.0.1:9/v2/"})
    message = str(caught.value)
    assert message.startswith("LACRM_API_KEY is not set")
    assert "\n" not in message


def test_settings_from_env_defaults_and_overrides() -> None:
    settings = ClientSettings.from_env({"LACRM_API_KEY": " k "})
    assert settings.api_key == "k"
    assert settings.base_url == "https://api.lessannoyingcrm.com/v2/"
    assert settings.requests_per_minute == 120
    custom = ClientSettings.from_env(
        {"LACRM_API_KEY": "k", "LACRM_BASE_URL": "http://h/v2/", "LACRM_REQUESTS_PER_MINUTE": "30"}
    )
    assert (custom.base_url, custom.requests_per_minute) == ("http://h/v2/", 30)
    with pytest.raises(MeetingsError, match="not a number"):
        ClientSettings.from_env({"LACRM_API_KEY": "k", "LACRM_REQUESTS_PER_MINUTE": "fast"})
    with pytest.raises(MeetingsError, match="not an http"):
        ClientSettings.from_env({"LACRM_API_KEY": "k", "LACRM_BASE_URL": "ftp://h"})


def test_429_honours_retry_after_then_succeeds(fake_lacrm: FakeLacrm) -> None:
    fake_lacrm.rate_limit_next(2, retry_after="7")
    time = FakeTime()
    with _client(fake_lacrm, time, requests_per_minute=60000) as client:
        assert client.call("GetUser")["UserId"] == 483823
    assert [r.status for r in fake_lacrm.requests] == [429, 429, 200]
    assert [s for s in time.sleeps if s >= 1] == [7, 7]


def test_server_errors_back_off_exponentially_up_to_a_cap(fake_lacrm: FakeLacrm) -> None:
    fake_lacrm.fail_every_nth = 1  # every request fails
    time = FakeTime()
    client = _client(
        fake_lacrm,
        time,
        requests_per_minute=60000,
        max_attempts=5,
        backoff_seconds=1.0,
        max_backoff_seconds=3.0,
    )
    with client, pytest.raises(LacrmUnavailableError) as caught:
        client.call("GetUser")
    assert len(fake_lacrm.requests) == 5  # bounded
    assert [s for s in time.sleeps if s >= 1] == [1, 2, 3, 3]
    assert "failed 5 times (HTTP 500)" in str(caught.value)


def test_dropped_connection_is_retried_for_reads(fake_lacrm: FakeLacrm) -> None:
    fake_lacrm.drop_next(1)
    with _client(fake_lacrm, requests_per_minute=60000) as client:
        assert client.call("GetUser")["UserId"] == 483823
    assert len(fake_lacrm.requests) == 2


def test_dropped_connection_on_a_create_call_is_ambiguous_not_retried(
    fake_lacrm: FakeLacrm,
) -> None:
    fake_lacrm.drop_next(1)
    with _client(fake_lacrm) as client, pytest.raises(LacrmAmbiguousError) as caught:
        client.call("GetUser", idempotent=False)
    assert len(fake_lacrm.requests) == 1
    assert "check before repeating" in str(caught.value)


def test_rate_limit_is_retried_even_for_create_calls(fake_lacrm: FakeLacrm) -> None:
    fake_lacrm.rate_limit_next(1, retry_after="0")
    with _client(fake_lacrm) as client:
        assert client.call("GetUser", idempotent=False)["UserId"] == 483823
    assert len(fake_lacrm.requests) == 2


def test_unreachable_server_gives_up_with_one_line(fake_lacrm: FakeLacrm) -> None:
    url = fake_lacrm.url
    fake_lacrm.stop()  # nothing listens on that port any more
    time = FakeTime()
    settings = ClientSettings(api_key="k", base_url=url, max_attempts=2)
    client = LacrmClient(settings, sleep=time.sleep, clock=time.clock)
    with client, pytest.raises(LacrmUnavailableError) as caught:
        client.call("GetUser")
    assert "failed 2 times (ConnectError" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_throttle_spaces_requests(fake_lacrm: FakeLacrm) -> None:
    time = FakeTime()
    with _client(fake_lacrm, time, requests_per_minute=120) as client:
        for _ in range(3):
            client.call("GetUser")
    # 120 per minute = one request start every 0.5 s; the clock only moves when sleeping.
    assert time.sleeps == [0.5, 0.5]


def test_backoff_settings_come_from_the_environment() -> None:
    settings = ClientSettings.from_env(
        {"LACRM_API_KEY": "k", "LACRM_BACKOFF_SECONDS": "0.5", "LACRM_MAX_BACKOFF_SECONDS": "4"}
    )
    assert (settings.backoff_seconds, settings.max_backoff_seconds) == (0.5, 4.0)
    defaults = ClientSettings.from_env({"LACRM_API_KEY": "k"})
    assert (defaults.backoff_seconds, defaults.max_backoff_seconds) == (1.0, 30.0)
    with pytest.raises(MeetingsError, match="LACRM_BACKOFF_SECONDS='soon' is not a number"):
        ClientSettings.from_env({"LACRM_API_KEY": "k", "LACRM_BACKOFF_SECONDS": "soon"})


def test_every_attempt_is_reported_to_the_observer(fake_lacrm: FakeLacrm) -> None:
    fake_lacrm.rate_limit_next(1, retry_after="0")
    seen: list[AttemptRecord] = []
    clock = FakeTime()
    settings = ClientSettings(api_key=fake_lacrm.api_key, base_url=fake_lacrm.url)
    with LacrmClient(settings, sleep=clock.sleep, clock=clock.clock, on_attempt=seen.append) as c:
        c.call("GetUser")
        with pytest.raises(LacrmApiError):
            c.call("NoSuchFunction")
    assert [(a.function, a.http_status, a.outcome, a.error_code) for a in seen] == [
        ("GetUser", 429, "transient", None),
        ("GetUser", 200, "ok", None),
        ("NoSuchFunction", 400, "api_error", "InvalidFunction"),
    ]
    assert all(fake_lacrm.api_key not in a.detail for a in seen)
