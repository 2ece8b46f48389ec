"""The dbt docs site: generate it (`dbt docs generate`) and serve it on 127.0.0.1."""

from __future__ import annotations

import errno
import json
import os
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from loader import dbt
from loader.errors import MeetingsError
from loader.land import ensure_raw_tables
from loader.settings import PROJECT_DIR
from loader.warehouse import connect

HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def target_dir() -> Path:
    """Where dbt writes the site: `$DBT_TARGET_PATH` (dbt's own variable), else `target/`."""
    value = Path(os.environ.get("DBT_TARGET_PATH") or "target").expanduser()
    return value if value.is_absolute() else PROJECT_DIR / value


def generate(db_path: Path) -> Path:
    """Run `dbt docs generate --static` on the warehouse; the folder holding the site.

    The raw tables are created first (as `meetings build` does) so the sources compile and
    show their columns even before the first export was loaded. `--static` also writes
    `static_index.html`: the whole site in one file that opens without a server.
    """
    with connect(db_path) as con:
        ensure_raw_tables(con)
    if not dbt.run_dbt(["docs", "generate", "--static"], db_path):
        raise MeetingsError("dbt docs generate failed (see above)")
    return target_dir()


def built_model_count(site: Path) -> int:
    """How many models the catalog found in the warehouse (0: nothing was built yet)."""
    catalog: dict[str, Any] = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    return sum(1 for uid in catalog.get("nodes", {}) if uid.startswith("model."))


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files from the site folder, without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        return


class _SiteServer(ThreadingHTTPServer):
    """Threaded server that does not print a traceback when a browser drops a connection."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def make_server(site: Path, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """An HTTP server for the site folder, bound to 127.0.0.1 only (call serve_forever).

    Files are read per request, so the server may be created before the site is generated.
    """
    handler = partial(_QuietHandler, directory=str(site))
    try:
        return _SiteServer((HOST, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise MeetingsError(
                f"port {port} is already in use on {HOST}; choose another with --port"
            ) from exc
        raise MeetingsError(f"cannot serve on {HOST}:{port}: {exc.strerror}") from exc
