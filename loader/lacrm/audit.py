"""The audit trail of an `--apply` run: one `sync.lacrm_audit` row per HTTP request.

The client reports every attempt (retries included) to `AuditLog.record`; the sync then
`take`s the rows of one logical call with the contact / meeting / event it was about and
writes them in the same transaction as the state change they explain. Rows carry the
function, HTTP status, outcome (`ok`, `api_error`, `transient`), LACRM's ErrorCode and a
one-line detail that the client has already cleared of the API key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from loader.lacrm.client import AttemptRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuditRow:
    called_at: datetime
    run_id: str
    function: str
    contact_id: str | None
    meeting_id: str | None
    event_id: str | None
    http_status: int | None
    outcome: str
    error_code: str | None
    detail: str | None


class AuditLog:
    """Collects the client's attempts until the sync says what they were about."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self._pending: list[tuple[datetime, AttemptRecord]] = []

    def record(self, attempt: AttemptRecord) -> None:
        """`LacrmClient(on_attempt=...)` hook."""
        self._pending.append((datetime.now(UTC), attempt))

    def take(
        self,
        *,
        contact_id: str | None = None,
        meeting_id: str | None = None,
        event_id: str | None = None,
        note: str | None = None,
    ) -> list[AuditRow]:
        """The attempts since the last `take`, as audit rows about this contact / meeting.
        `note` (e.g. what a lookup found) is added to the detail of the last one."""
        rows: list[AuditRow] = []
        for index, (called_at, attempt) in enumerate(self._pending):
            detail = attempt.detail or None
            if note and index == len(self._pending) - 1:
                detail = f"{detail}; {note}" if detail else note
            rows.append(
                AuditRow(
                    called_at,
                    self.run_id,
                    attempt.function,
                    contact_id,
                    meeting_id,
                    event_id,
                    attempt.http_status,
                    attempt.outcome,
                    attempt.error_code,
                    detail,
                )
            )
            log.info(
                "%s contact=%s meeting=%s event=%s -> %s %s%s",
                attempt.function,
                contact_id or "-",
                meeting_id or "-",
                event_id or "-",
                "no reply" if attempt.http_status is None else f"HTTP {attempt.http_status}",
                attempt.outcome,
                f" ({detail})" if detail else "",
            )
        self._pending.clear()
        return rows
