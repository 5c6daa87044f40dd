"""The schema as a contract: clients generated from the served /api/v1/schema/ drive the main flow against a
live server. openapi-python-client (PyPI) builds the Python client, openapi-typescript + openapi-fetch (npm)
the TypeScript one, checked by ``tsc --noEmit`` and run by node; both into a temporary directory, never
committed. The flows are tests/api/clients/flow.py and flow.ts, then flow_parity.py and flow_parity.ts;
run with ``-s`` to see each client's calls and answer types. A missing generator skips its test with the
reason, except under CI=true."""

from __future__ import annotations

import base64
import importlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import make_image_bytes
from tests.factories import TEST_PASSWORD, AdFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = Path(__file__).parent / "clients"
NODE_BIN = ROOT / "node_modules" / ".bin"
# The photo endpoint answers image/jpeg; openapi-python-client hands it over as a File (bytes) once told
# to treat it as octet-stream. No post-hooks: the generated code is not formatted (ruff need not be on PATH).
PYTHON_CONFIG = "content_type_overrides:\n  image/jpeg: application/octet-stream\npost_hooks: []\n"
AD_TITLE = "Generated-client walnut desk"
TS_FLOWS = ("flow_lib.ts", "flow.ts", "flow_parity.ts")


def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture
def flow_world(live_server, settings):
    """A seller with an ad, a buyer, 3 messages a page, reviews open at once; the served schema's text."""
    settings.MARKETPLACE_MESSAGES_PAGE_SIZE = 3
    settings.MARKETPLACE_REVIEW_AFTER_S = 0
    seller, buyer = UserFactory(display_name="Sam"), UserFactory(display_name="Bea")
    AdFactory(owner=seller, title=AD_TITLE, price=500)
    with urllib.request.urlopen(f"{live_server.url}/api/v1/schema/?format=json") as answer:
        schema = answer.read()
    return {
        "base_url": live_server.url,
        "buyer": buyer.email,
        "seller": seller.email,
        "password": TEST_PASSWORD,
        "ad_title": AD_TITLE,
        "schema": schema,
    }


def _print_calls(client: str, calls) -> None:
    print(f"\n{client} client: {len(calls)} calls")
    for name, status, answer in calls:
        print(f"  {name:45} {status}  {answer}")


def test_the_generated_python_client_runs_the_main_flow(flow_world, tmp_path):
    generator = Path(sys.executable).with_name("openapi-python-client")
    if not generator.exists():
        _missing("openapi-python-client is not installed (pip install -e '.[test]')")
    (tmp_path / "schema.json").write_bytes(flow_world["schema"])
    (tmp_path / "config.yaml").write_text(PYTHON_CONFIG)
    subprocess.run(
        [
            generator,
            "generate",
            "--path",
            "schema.json",
            "--output-path",
            "marketplace_client",
            "--meta",
            "none",
            "--config",
            "config.yaml",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        flow = importlib.import_module("tests.api.clients.flow")
        calls = flow.run(
            flow_world["base_url"],
            buyer=flow_world["buyer"],
            seller=flow_world["seller"],
            password=flow_world["password"],
            ad_title=flow_world["ad_title"],
            photo=make_image_bytes(),
        )
        parity = importlib.import_module("tests.api.clients.flow_parity")
        calls += parity.run(
            flow_world["base_url"],
            buyer=flow_world["buyer"],
            seller=flow_world["seller"],
            password=flow_world["password"],
            photo=make_image_bytes(),
        )
    finally:
        sys.path.remove(str(tmp_path))
        for name in [
            n for n in sys.modules if n == "marketplace_client" or n.startswith("marketplace_client.")
        ]:
            del sys.modules[name]
        sys.modules.pop("tests.api.clients.flow", None)
        sys.modules.pop("tests.api.clients.flow_parity", None)
    _print_calls("Python", calls)


def test_the_generated_typescript_client_runs_the_main_flow(flow_world, tmp_path):
    node = shutil.which("node")
    tools = [NODE_BIN / name for name in ("openapi-typescript", "tsc")]
    if (
        node is None
        or not all(tool.exists() for tool in tools)
        or not (ROOT / "node_modules/openapi-fetch").exists()
    ):
        _missing("node or npm's openapi-typescript, openapi-fetch and typescript are missing (npm ci)")
    (tmp_path / "schema.json").write_bytes(flow_world["schema"])
    # The flow and its generated types beside it; node_modules linked so both tsc and node find openapi-fetch.
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    for name in TS_FLOWS:
        shutil.copy(CLIENTS / name, tmp_path / name)
    (tmp_path / "package.json").write_text('{"type": "module"}')
    (tmp_path / "tsconfig.json").write_text(
        json.dumps(
            {
                "compilerOptions": {
                    "target": "ES2022",
                    "module": "NodeNext",
                    "moduleResolution": "NodeNext",
                    "strict": True,
                    "noUncheckedIndexedAccess": True,
                    "skipLibCheck": True,
                    "lib": ["ES2022", "DOM"],
                    "outDir": "out",
                },
                "files": [*TS_FLOWS, "schema.d.ts"],
            }
        )
    )
    run = {"cwd": tmp_path, "capture_output": True, "text": True, "timeout": 120}
    # Fields with a default stay optional in request bodies (openapi-typescript's default: required).
    generated = subprocess.run(
        [tools[0], "schema.json", "-o", "schema.d.ts", "--default-non-nullable", "false"], **run
    )
    assert generated.returncode == 0, generated.stderr
    checked = subprocess.run([tools[1], "--noEmit", "-p", "."], **run)
    assert checked.returncode == 0, checked.stdout
    built = subprocess.run([tools[1], "-p", "."], **run)
    assert built.returncode == 0, built.stdout
    environment = {
        **os.environ,
        "BASE_URL": flow_world["base_url"],
        "BUYER": flow_world["buyer"],
        "SELLER": flow_world["seller"],
        "PASSWORD": flow_world["password"],
        "AD_TITLE": flow_world["ad_title"],
        "PHOTO_BASE64": base64.b64encode(make_image_bytes()).decode(),
    }
    calls = []
    for flow in ("out/flow.js", "out/flow_parity.js"):
        ran = subprocess.run([node, flow], env=environment, **run)
        assert ran.returncode == 0, ran.stdout + ran.stderr
        calls += [tuple(call) for call in json.loads(ran.stdout.splitlines()[-1])]
    _print_calls("TypeScript", calls)
