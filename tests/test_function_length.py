"""make lint's function-length rule (.ci/function_length.py) counts from ``def`` to the last line."""

import importlib.util
from pathlib import Path

CHECKER = Path(__file__).resolve().parent.parent / ".ci" / "function_length.py"


def _checker():
    spec = importlib.util.spec_from_file_location("function_length", CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _function(name, lines):
    body = "".join("    x = 1\n" for _ in range(lines - 2))
    return f"@decorator\ndef {name}():\n    '''Docstring.'''\n{body}"


def test_a_function_over_60_lines_is_reported_and_one_of_60_is_not(tmp_path):
    source = tmp_path / "module.py"
    source.write_text(_function("sixty", 60) + "\n\n" + _function("sixty_one", 61))
    assert _checker().long_functions(str(source)) == [("sixty_one", 65, 61)]
