"""`meetings review --decide`, the loop (loader/review_session.py): one scripted key per
decision, each decision written at once through loader/overrides.py."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from loader import overrides
from loader.review_queue import QueuedEmail, Suggestion
from loader.review_session import Outcome, decide_queue, describe

LEE = Suggestion("c-lee", "Ann Lee", 0.92)
LI = Suggestion("c-li", "Anne Li", 0.74)
LEA = Suggestion("c-lea", "Ann Lea", 0.71)


def _entry(email: str, *suggestions: Suggestion, meetings: int = 1) -> QueuedEmail:
    return QueuedEmail(
        email_key=email,
        email=email,
        spellings=(email,),
        invitee_names=("Ann L.",),
        reason="no_contact_with_email",
        meetings=meetings,
        first_start=datetime(2026, 9, 1, 14, tzinfo=UTC),
        last_start=datetime(2026, 11, 3, 15, tzinfo=UTC),
        suggestions=suggestions,
    )


THREE = _entry("ann@new.example", LEE, LI, LEA, meetings=3)
TWO = _entry("ann.l@other.example", LEE, LI, meetings=2)
NONE = _entry("bot@test.example")


def _keys(*keys: str | type[BaseException]) -> Callable[[], str]:
    """A read_key that returns these keys in turn (an exception class is raised), and fails
    the test if asked for more."""
    pending: Iterator[str | type[BaseException]] = iter(keys)

    def read_key() -> str:
        key = next(pending, None)
        if key is None:
            pytest.fail("asked for a key after the script ended")
        if isinstance(key, type):
            raise key()
        return key

    return read_key


def _decide(
    path: Path, queue: list[QueuedEmail], *keys: str | type[BaseException]
) -> tuple[Outcome, str]:
    out = Console(record=True, width=120, color_system=None)

    def record(email: str, contact_id: str | None) -> bool:
        return overrides.decide(path, email, contact_id)

    outcome = decide_queue(queue, read_key=_keys(*keys), record=record, out=out)
    return outcome, out.export_text()


def _rows(path: Path) -> list[tuple[str, str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [(r["email"], r["contact_id"], r["action"]) for r in csv.DictReader(handle)]


@pytest.mark.parametrize(("key", "chosen"), [("1", LEE), ("2", LI), ("3", LEA)])
def test_a_number_accepts_that_suggestion(tmp_path: Path, key: str, chosen: Suggestion) -> None:
    path = tmp_path / "email_overrides.csv"
    outcome, text = _decide(path, [THREE], key)
    assert outcome == Outcome(recorded=1, skipped=0, not_reached=0, quit=False)
    assert _rows(path) == [("ann@new.example", chosen.contact_id, "match")]
    assert f"-> {chosen.name} ({chosen.contact_id}): recorded" in text


def test_i_ignores_the_email_and_s_skips_it(tmp_path: Path) -> None:
    path = tmp_path / "email_overrides.csv"
    outcome, text = _decide(path, [THREE, NONE], "s", "i")
    assert outcome == Outcome(recorded=1, skipped=1, not_reached=0, quit=False)
    assert _rows(path) == [("bot@test.example", "", "ignore")]
    assert "  skipped" in text and "  ignored: recorded" in text


def test_quitting_midway_keeps_the_decisions_made_before(tmp_path: Path) -> None:
    path = tmp_path / "email_overrides.csv"
    outcome, text = _decide(path, [THREE, TWO, NONE], "2", "q")
    assert outcome == Outcome(recorded=1, skipped=0, not_reached=2, quit=True)
    assert _rows(path) == [("ann@new.example", "c-li", "match")]
    assert "[3/3]" not in text  # the email after the one it quit on is never shown


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, EOFError])
def test_ctrl_c_and_ctrl_d_quit_like_q(tmp_path: Path, interrupt: type[BaseException]) -> None:
    path = tmp_path / "email_overrides.csv"
    outcome, _ = _decide(path, [NONE, THREE], "i", interrupt)
    assert outcome == Outcome(recorded=1, skipped=0, not_reached=1, quit=True)
    assert _rows(path) == [("bot@test.example", "", "ignore")]


def test_a_key_that_means_nothing_for_this_email_asks_again(tmp_path: Path) -> None:
    path = tmp_path / "email_overrides.csv"
    # TWO has no third suggestion, NONE no suggestion at all; "12" is two keys at once.
    outcome, text = _decide(path, [TWO, NONE], "3", "x", "12", "I", "1", "S")
    assert outcome == Outcome(recorded=1, skipped=1, not_reached=0, quit=False)
    assert _rows(path) == [("ann.l@other.example", "", "ignore")]
    assert text.count("  press 1, 2, i, s or q") == 3
    assert text.count("  press i, s or q") == 1


def test_deciding_again_replaces_the_earlier_decision(tmp_path: Path) -> None:
    path = tmp_path / "email_overrides.csv"
    _decide(path, [THREE], "1")
    _, text = _decide(path, [THREE], "i")
    assert _rows(path) == [("ann@new.example", "", "ignore")]
    assert "ignored: replaced the earlier decision" in text


def test_what_the_user_sees_before_deciding() -> None:
    shared = QueuedEmail(
        email_key="pat@morganfamily.example",
        email="Pat@MorganFamily.example",
        spellings=("Pat@MorganFamily.example", "pat@morganfamily.example"),
        invitee_names=("Morgan Family", "The Morgans"),
        reason="ambiguous_email",
        meetings=2,
        first_start=datetime(2026, 10, 11, 14, tzinfo=UTC),
        last_start=datetime(2026, 11, 2, 15, tzinfo=UTC),
        suggestions=(
            Suggestion("12", "Pat Morgan", 0.783),
            Suggestion("13", "Patricia Morgan", 0.7),
        ),
        matched_by_name=3,
    )
    assert [line.plain for line in describe(shared, 2, 5)] == [
        "[2/5] Pat@MorganFamily.example — several contacts share this email",
        "  booked as: Morgan Family, The Morgans",
        "  2 meetings, first 2026-10-11, last 2026-11-02",
        "  a decision covers the meetings of this email no name tells apart; the 3 matched"
        " by the invitee's name keep their contact",
        "  1  Pat Morgan       12  0.78",
        "  2  Patricia Morgan  13  0.70",
        "  [1] accept 1  [2] accept 2  [i] ignore (internal or test)  [s] skip  [q] quit",
    ]
    assert [line.plain for line in describe(NONE, 1, 1)][-2:] == [
        "  no suggested contact",
        "  [i] ignore (internal or test)  [s] skip  [q] quit",
    ]
