# Everything runs from a virtual environment in .venv, made on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DATA ?=
HOST ?= 127.0.0.1:8000

.PHONY: venv migrate demo test js-test checkers lint bench-smoke scam-eval import-data clean messages compile-messages \
	stack-build stack-up stack-test stack-down stack-drills

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

migrate: venv compile-messages
	$(BIN)/python manage.py migrate --noinput

## make messages: re-extract every translatable string into locale/ru/LC_MESSAGES/*.po (needs GNU gettext),
## then translate what is new; make compile-messages builds the .mo files (not in git) the site reads
MESSAGES_IGNORE := --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench --ignore=staticfiles --ignore='*/management/*'
messages: venv
	$(BIN)/python manage.py makemessages -l ru $(MESSAGES_IGNORE)
	$(BIN)/python manage.py makemessages -d djangojs -l ru $(MESSAGES_IGNORE) --ignore='static/js/htmx*'
compile-messages: venv
	@if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules; \
	else $(BIN)/python -c "import pathlib, polib; [polib.pofile(str(p)).save_as_mofile(str(p.with_suffix('.mo'))) for p in pathlib.Path('locale').rglob('*.po')]"; fi

## make demo [DATA=../shared/data/craigslistbargain]: demo data (+ the real dataset) served on http://$(HOST);
## with Debian's pushpin installed, through Pushpin (live updates), else polling only
DEMO_BACKEND ?= 127.0.0.1:8001
demo: migrate
	$(BIN)/python manage.py load_demo
	@if [ -n "$(DATA)" ]; then $(BIN)/python manage.py import_craigslistbargain "$(DATA)"; fi
	@if command -v pushpin >/dev/null && command -v zurl >/dev/null; then \
	  echo "Live mode: Pushpin on http://$(HOST) in front of Django on $(DEMO_BACKEND)  (Ctrl+C to stop)"; \
	  export MARKETPLACE_PUSH_URL=http://127.0.0.1:5561; \
	  $(BIN)/python manage.py run_pushpin --backend $(DEMO_BACKEND) --port $(lastword $(subst :, ,$(HOST))) & pushpin=$$!; \
	  trap "kill $$pushpin" EXIT INT TERM; $(BIN)/python manage.py runserver $(DEMO_BACKEND); \
	else \
	  echo "Polling-only mode (no pushpin: apt-get install pushpin for live updates). Serving on http://$(HOST)  (Ctrl+C to stop)"; \
	  $(BIN)/python manage.py runserver $(HOST); \
	fi

## make test: the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL) with branch coverage of
## the app code (migrations excluded); the total is printed last. COV_FAIL_UNDER=N fails below N % (CI's floor).
COV_FAIL_UNDER ?= 0
test: venv compile-messages
	$(BIN)/python -m pytest --cov --cov-report= --cov-fail-under=$(COV_FAIL_UNDER)
	@echo "branch coverage of the app code: $$($(BIN)/coverage report --format=total) % (floor in CI: see .ci/run)"

## make scam-eval [DATA=../shared/data/craigslistbargain]: precision/recall of the scam notes per language and
## family (bench/scam_eval.py --check; without the CraigslistBargain data the English negatives are skipped)
scam-eval: venv
	$(BIN)/python bench/scam_eval.py --check $(if $(DATA),--data $(DATA),--allow-missing-data)

## make lint: ruff, the import-linter layer contracts (pyproject.toml), django-migration-linter over new
## migrations (.ci/lint_migrations.py; the database of DATABASE_URL), no source file over 400 lines,
## no JavaScript module (static/js, vendored htmx aside) over 150, no app function over 60 (.ci/function_length.py),
## and Redocly CLI over the OpenAPI schema (redocly.yaml: the recommended rules, those turned off with the reason;
## skipped without npm's packages except in CI)
lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python .ci/function_length.py
	$(BIN)/python .ci/lint_migrations.py
	@if [ -x node_modules/.bin/redocly ]; then schema=$$(mktemp --suffix=.yaml); \
	  $(BIN)/python manage.py spectacular --fail-on-warn --file $$schema || exit 1; \
	  out=$$(REDOCLY_TELEMETRY=off node_modules/.bin/redocly lint --format=summary $$schema 2>&1); status=$$?; \
	  echo "$$out" | grep -v '[║╔╚]' | grep .; rm -f $$schema; exit $$status; \
	elif [ "$$CI" = true ]; then echo "node_modules/.bin/redocly is missing: run npm ci"; exit 1; \
	else echo "Redocly CLI is not installed (npm ci): the OpenAPI schema lint skips"; fi
	@git ls-files -co --exclude-standard -- '*.py' '*.html' '*.js' '*.css' ':!:*/migrations/*' ':!:static/js/htmx.min.js' ':!:static/js/htmx-ext-sse.min.js' \
	  | xargs wc -l | awk '$$2 != "total" && $$1 > 400 { print "over 400 lines: " $$2 " (" $$1 ")"; long = 1 } END { exit long }'
	@git ls-files -co --exclude-standard -- 'static/js/*.js' ':!:static/js/htmx*.min.js' \
	  | xargs wc -l | awk '$$2 != "total" && $$1 > 150 { print "JavaScript module over 150 lines: " $$2 " (" $$1 ")"; long = 1 } END { exit long }'

## make bench-smoke BENCH_DATABASE=…: bench/generate --scale tiny into a scratch PostgreSQL database, then bench/run --smoke,
## a 5 s bench/unread-check, one saved-search matching pass over 300 searches (fails past 60 s) and
## bench/live-latency --smoke (50 streams through Pushpin, 10 sends)
BENCH_DATABASE ?= postgres://postgres@127.0.0.1:5432/marketplace_bench_smoke
bench-smoke: venv
	psql "$(dir $(BENCH_DATABASE))postgres" -qc "DROP DATABASE IF EXISTS $(notdir $(BENCH_DATABASE))" -c "CREATE DATABASE $(notdir $(BENCH_DATABASE))"
	DATABASE_URL=$(BENCH_DATABASE) $(BIN)/python manage.py migrate --noinput -v 0
	DATABASE_URL=$(BENCH_DATABASE) bench/generate --scale tiny
	DATABASE_URL=$(BENCH_DATABASE) bench/run --smoke
	DATABASE_URL=$(BENCH_DATABASE) bench/unread-check --duration 5
	DATABASE_URL=$(BENCH_DATABASE) bench/saved-searches --searches 300 --new-ads 20 --max-seconds 60
	@if command -v pushpin >/dev/null; then DATABASE_URL=$(BENCH_DATABASE) bench/live-latency --smoke; \
	else echo "bench/live-latency skipped: pushpin is not installed"; fi

## make js-test (make test runs it first): node's own test runner over the pure functions of static/js's
## modules (tests/js/*.test.mjs); skipped, and said so, without node. The browser suite tests behaviour.
test: js-test
js-test:
	@if command -v node >/dev/null; then node --test tests/js/*.test.mjs; \
	else echo "node is not installed: the JavaScript unit tests (tests/js) skip (apt-get install nodejs)"; fi

## make checkers (make test runs it before the suite): the accessibility checkers (axe-core, vnu-jar), Redocly CLI and the
## TypeScript client's generator from npm ci when npm exists and they are missing; says which of npm and Java is missing when those checks will skip
test: checkers
checkers:
	@if [ -f node_modules/axe-core/axe.min.js ] && [ -f node_modules/vnu-jar/build/dist/vnu.jar ] \
	  && [ -x node_modules/.bin/redocly ] && [ -x node_modules/.bin/openapi-typescript ]; then :; \
	elif command -v npm >/dev/null; then npm ci --no-audit --no-fund; \
	else echo "npm is not installed: the accessibility checks skip (apt-get install npm default-jre-headless; see docs/testing.md)"; fi
	@command -v java >/dev/null || echo "java is not installed: the HTML checks (vnu-jar) skip (apt-get install default-jre-headless)"

## make stack-test: the docker-compose stack on a real Docker engine (installed and started as root where
## missing: deploy/engine.sh), built from debian:bookworm-slim, up, healthy, the main flow through the Pushpin
## front, then down -v; skips with the reason where no engine can be started (fails under CI=true).
## MARKETPLACE_IMAGES=official|debian|auto picks the PostgreSQL/Redis images (docs/operations.md).
stack-build stack-up stack-test stack-down:
	deploy/stack.sh $(subst stack-,,$@)

## make stack-drills (what CI runs): the multi-instance stack (docker-compose.multi.yml: 3 web, 2 Pushpin,
## a streaming replica), the main flow through both fronts, then the drills (deploy/drills.sh: kill a web
## container and a Pushpin under sends, stop the replica under reads, restart PostgreSQL, backup + restore,
## a migration under sends, a reconnect storm) with a table of figures; fails when an invariant breaks.
## STORM_STREAMS=2000 for the full storm (default 1000); STACK_KEEP=1 leaves the stack up.
stack-drills:
	deploy/drills.sh

import-data: migrate
	$(BIN)/python manage.py import_craigslistbargain "$(DATA)"

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache staticfiles
