"""`meetings docs`: generate the dbt docs site (lineage, descriptions) and optionally serve it."""

from __future__ import annotations

from typing import Annotated

import typer

from loader import docs_site
from loader.cli_common import DbOption, console, user_errors
from loader.settings import Settings


def docs(
    db: DbOption = None,
    serve: Annotated[
        bool,
        typer.Option("--serve", help="Serve the site on http://127.0.0.1:PORT until Ctrl-C."),
    ] = False,
    port: Annotated[
        int,
        typer.Option("--port", min=1, max=65535, help="Port for --serve (127.0.0.1 only)."),
    ] = docs_site.DEFAULT_PORT,
) -> None:
    """Generate the dbt docs site: sources, models, columns, tests and the lineage graph.

    Runs `dbt docs generate` on the warehouse (build it first so columns and types show).
    The site lands in target/ (index.html; static_index.html is a single file that opens
    without a server). With --serve it is served on 127.0.0.1 only; Ctrl-C stops it.
    """
    config = Settings.resolve(db=db)
    with user_errors("docs"):
        # Take the port first: a busy port fails in a second, not after the generation.
        server = docs_site.make_server(docs_site.target_dir(), port) if serve else None
    try:
        with user_errors("docs"):
            site = docs_site.generate(config.db)
        if docs_site.built_model_count(site) == 0:
            console.print(
                "[yellow]note:[/] the warehouse has no built models yet; run `meetings build`"
                " first so the site shows their columns and types."
            )
        console.print(f"Docs site: {site / 'index.html'} (single file: static_index.html)")
        if server is None:
            return
        url = f"http://{docs_site.HOST}:{server.server_port}/"
        console.print(f"Serving on {url} (Ctrl-C to stop)", highlight=False)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            console.print("Stopped.")
    finally:
        if server is not None:
            server.server_close()
