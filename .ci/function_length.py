#!/usr/bin/env python3
"""Fail when a Python function in the app code is longer than MAX_LINES (make lint runs it).

A function's length is its lines from ``def`` to its last line (decorators aside; docstring, comments and
blank lines inside count: they are what a reader scrolls through). Nested functions count in their parent
and on their own. App code is every Python file git knows (tracked or new) except migrations, tests and
bench. ruff has no rule for this, and pylint's ``too-many-statements`` counts statements, not lines; a
flake8 plugin (flake8-functions' CFQ001) would add a second linter whose only exceptions are ``noqa``
comments inside the functions themselves. Usage: ``.ci/function_length.py`` (exit 1 and one line per
function over the limit).
"""

import ast
import subprocess
import sys

MAX_LINES = 60
EXCLUDED = ("tests/", "bench/", ".ci/", "deploy/")

# Functions allowed over the limit: none. Keep it empty; split a long function where a name explains the part.
ALLOWED: set[str] = set()


def app_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "--", "*.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [path for path in listed if "/migrations/" not in path and not path.startswith(EXCLUDED)]


def long_functions(path: str) -> list[tuple[str, int, int]]:
    """Return (name, first line, length) of each function in *path* over MAX_LINES."""
    with open(path, encoding="utf-8") as source:
        tree = ast.parse(source.read(), filename=path)
    return [
        (node.name, node.lineno, node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_LINES
    ]


def main() -> int:
    failed, allowed_seen = False, set()
    for path in app_files():
        for name, line, length in long_functions(path):
            if f"{path}:{name}" in ALLOWED:
                allowed_seen.add(f"{path}:{name}")
                continue
            print(f"function over {MAX_LINES} lines: {path}:{line} {name} ({length})")
            failed = True
    for entry in sorted(ALLOWED - allowed_seen):
        print(f"no longer over {MAX_LINES} lines (or gone): remove {entry} from ALLOWED in {__file__}")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
