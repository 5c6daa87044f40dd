"""static/js's ES modules: every import names a module there, and production static files keep them
hashed (marketplace.staticfiles), so a deploy never mixes a new site.js with an old module."""

import json
import re
from pathlib import Path

from django.core.management import call_command

JS = Path(__file__).resolve().parent.parent / "static" / "js"
IMPORT = re.compile(r'^import .+ from "\./([^"]+)";$', re.MULTILINE)


def test_every_import_between_modules_names_a_file_in_static_js():
    imports = {module.name: IMPORT.findall(module.read_text()) for module in JS.glob("*.js")}
    assert "focus.js" in imports["site.js"]
    missing = [(mod, name) for mod, names in imports.items() for name in names if not (JS / name).exists()]
    assert missing == []


def test_the_production_storage_rewrites_imports_to_the_hashed_modules(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "marketplace.staticfiles.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    site = (tmp_path / hashed["js/site.js"]).read_text()
    imported = re.findall(r'from "\./([^"]+)";', site)
    assert "focus.js" not in imported
    assert Path(hashed["js/focus.js"]).name in imported
    sources = IMPORT.findall((JS / "site.js").read_text())
    assert imported == [Path(hashed["js/" + name]).name for name in sources]
    # Other apps' JavaScript is left as it came (django_htmx's comments hold import("../htmx") types).
    assert 'import("../htmx")' in (tmp_path / hashed["django_htmx/ext/hx-sse-2.js"]).read_text()
