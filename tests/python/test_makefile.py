"""`make demo` runs more than pytest covers: its inline Python lines must keep working (one
printed the report page's path through a settings function that had been removed)."""

from __future__ import annotations

import re
import subprocess
import sys

from factories import REPO


def _recipe(target: str) -> list[str]:
    lines = (REPO / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def test_demo_prints_where_the_report_page_is() -> None:
    snippets = [
        m.group(1)
        for line in _recipe("demo")
        if (m := re.match(r'@?\$\(BIN\)/python -c "(.*)"$', line))
    ]
    assert snippets, "make demo has no inline python line any more: update this test"
    for code in snippets:
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert "report.html" in done.stdout
