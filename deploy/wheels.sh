#!/usr/bin/env bash
# Build the wheelhouse the image installs from offline (pip install --no-index): every runtime dependency
# of pyproject.toml as a wheel, for the image's Python (Debian bookworm's python3, 3.11.2), so that
# dependencies behind markers are resolved as in the image (redis's `async-timeout; python_full_version <
# "3.11.3"`). Built on the host with Debian's own python3 in a scratch venv (apt-get install python3-venv);
# the versions are those of the development venv's (.venv) where it has them, so the image runs what the
# suite tested. Cached: rebuilt only when pyproject.toml is newer than the wheelhouse.
# Usage: deploy/wheels.sh [WHEELHOUSE]   (default deploy/wheels, inside the image's build context)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-deploy/wheels}"
if [ -f "$out/.built" ] && [ "$out/.built" -nt pyproject.toml ]; then exit 0; fi
python=/usr/bin/python3
"$python" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || { echo "the image's Python is Debian bookworm's 3.11; $python is not" >&2; exit 1; }
if ! "$python" -m venv --help >/dev/null 2>&1 || ! "$python" -c 'import ensurepip' 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null
fi
start=$(date +%s)
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
"$python" -m venv "$scratch/venv"
constraints="$scratch/constraints.txt"
if [ -x .venv/bin/pip ]; then .venv/bin/pip freeze --exclude-editable | grep -v '^-e\|@ file:' >"$constraints"; else : >"$constraints"; fi
rm -rf "$out" && mkdir -p "$out"
# (The machine-wide pip configuration may name local indexes that do not exist: their warnings are noise.)
"$scratch/venv/bin/pip" wheel --quiet --wheel-dir "$out" --constraint "$constraints" . 2> >(grep -v "is ignored: it is neither" >&2)
rm -f "$out"/marketplace-*.whl
touch "$out/.built"
echo "--- wheelhouse $out: $(ls "$out" | grep -c '\.whl$') wheels for $("$python" -V) in $(( $(date +%s) - start )) s"
