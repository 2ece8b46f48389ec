from loader.formats import CALENDLY, detect, header_key


def test_header_key_ignores_case_and_whitespace() -> None:
    assert header_key("  Invitee   Email ") == header_key("invitee email")


def test_calendly_header_is_detected_whatever_the_case_and_order() -> None:
    headers = [h.upper() for h in reversed(CALENDLY.known_columns)]
    assert detect(headers) is CALENDLY


def test_unrelated_header_is_not_guessed() -> None:
    assert detect(["Name", "Email", "Date"]) is None
    # Cal.com's header must not be mistaken for Calendly's.
    assert detect(["id", "uid", "title", "startTime", "endTime", "attendee1"]) is None


def test_canonical_keeps_documented_spelling_and_unknown_headers() -> None:
    assert CALENDLY.canonical(" invitee email ") == "Invitee Email"
    assert CALENDLY.canonical("Question  7") == "Question 7"


def test_missing_required_columns_are_named() -> None:
    headers = [c for c in CALENDLY.known_columns if c not in ("Invitee Email", "Canceled")]
    assert detect(headers) is CALENDLY
    assert CALENDLY.missing_required(headers) == ["Invitee Email", "Canceled"]
