from loader.formats import CALCOM, CALENDLY, detect, header_key, signature_hint


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


def test_calcom_header_is_detected_whatever_the_case_and_order() -> None:
    assert detect(list(CALCOM.known_columns)) is CALCOM
    headers = [h.lower() for h in reversed(CALCOM.known_columns)]
    assert detect(headers) is CALCOM
    assert CALCOM.canonical("STARTTIME") == "startTime"
    # More attendees than documented, and booking questions, are kept as they come.
    assert CALCOM.canonical(" attendee7 ") == "attendee7"


def test_older_calcom_version_with_boolean_no_show_is_detected() -> None:
    older = [
        "id", "uid", "title", "createdAt", "timeStatus", "eventTypeId", "eventLength",
        "startTime", "endTime", "paid", "userEmail", "userUsername", "rating",
        "ratingFeedback", "noShowHost", "noShowGuest",
        "attendee1", "attendee2", "attendee3",
    ]  # fmt: skip
    assert detect(older) is CALCOM
    assert CALCOM.missing_required(older) == []


def test_calcom_missing_required_columns_are_named() -> None:
    headers = [c for c in CALCOM.known_columns if c not in ("eventTypeId", "attendee1")]
    assert detect(headers) is CALCOM
    assert CALCOM.missing_required(headers) == ["eventTypeId", "attendee1"]


def test_platforms_are_not_mistaken_for_each_other() -> None:
    assert detect(list(CALENDLY.known_columns)) is CALENDLY
    assert CALENDLY.missing_required(list(CALCOM.known_columns))
    both = signature_hint()
    assert "'Invitee UUID'" in both and "'timeStatus'" in both
