#!/usr/bin/env python
"""django-postman (a well-known Django messaging app) on the same machine and database engine, measured
the way ``bench/run`` measures the chat: its inbox and one thread, against a bare Django view as its floor.

    .venv/bin/python bench/postman_compare.py            # after bench/run, in the same sitting

Builds a scratch project under ``bench/results/postman/`` (git-ignored): a virtual environment with
Django 5.2, django-postman, psycopg and gunicorn from PyPI, a minimal site around ``postman.urls``, and a
PostgreSQL database ``bench_postman`` (dropped and filled again on every run) shaped like the heavy
seller of ``bench/generate``: one user in 400 threads with 400 partners, 12 messages each, and one thread
of ``THREAD_MESSAGES`` messages. Postman shows a whole thread and the whole inbox (it does not paginate
them), so the thread holds as many messages as the chat's conversation page shows (the last 50 of 10,000)
and the inbox its 400 threads. Serves it with gunicorn (4 sync workers, DEBUG off, sessions in the
database, Django's cached template loader), drives it with wrk and ``bench/lua/request.lua`` (32
connections, 10 s each) and writes ``bench/results/postman.json`` and ``.md``. PostgreSQL at
``POSTGRES_URL`` (default ``postgres://postgres@127.0.0.1:5432``), Debian's ``wrk``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.wrk import wait_until_answering, wrk  # noqa: E402

WORK = ROOT / "bench" / "results" / "postman"
RESULTS = ROOT / "bench" / "results"
SERVER = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "bench_postman"
PORT = 8766
THREADS, THREAD_LENGTH, THREAD_MESSAGES = 400, 12, 50
LOAD = {"connections": 32, "duration": 10, "threads": 2}  # as bench/run's defaults
REQUIREMENTS = ["Django>=5.2,<5.3", "django-postman==4.6", "psycopg[binary]>=3.2", "gunicorn>=23"]

SETTINGS = f"""
SECRET_KEY = "bench-postman-only-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                  "django.contrib.messages", "django.contrib.staticfiles", "postman"]
MIDDLEWARE = ["django.middleware.security.SecurityMiddleware",
              "django.contrib.sessions.middleware.SessionMiddleware",
              "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
              "django.contrib.auth.middleware.AuthenticationMiddleware",
              "django.contrib.messages.middleware.MessageMiddleware"]
ROOT_URLCONF = "site_urls"
TEMPLATES = [{{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": ["templates"],
              "APP_DIRS": True, "OPTIONS": {{"context_processors": [
                  "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
                  "django.contrib.messages.context_processors.messages"]}}}}]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": "{DATABASE}",
                         "USER": "postgres", "HOST": "127.0.0.1", "PORT": 5432, "CONN_MAX_AGE": 60}}}}
USE_TZ = True
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
POSTMAN_AUTO_MODERATE_AS = True
"""
URLS = """
from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("healthz", lambda request: HttpResponse("ok")),
    path("messages/", include("postman.urls", namespace="postman")),
]
"""
BASE_TEMPLATE = """<!doctype html><html><head><title>{% block title %}{% endblock %}</title>
{% block extrahead %}{% endblock %}</head><body>{% block postman_menu %}{% endblock %}
{% block content %}{% endblock %}</body></html>
"""
FILL = f"""
import django, json, os
from datetime import timedelta
django.setup()
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from postman.models import Message, STATUS_ACCEPTED

heavy = User.objects.create_user("heavy", password="bench-password")
partners = User.objects.bulk_create(User(username=f"partner-{{n}}") for n in range({THREADS}))
now = timezone.now()
first_ids = []
for n, partner in enumerate(partners):
    length = {THREAD_MESSAGES} if n == 0 else {THREAD_LENGTH}
    first = Message.objects.create(subject=f"Ad {{n}}", body="Is it still available?", sender=partner,
                                   recipient=heavy, moderation_status=STATUS_ACCEPTED, sent_at=now)
    first.thread = first
    first.save()
    first_ids.append(first.pk)
    Message.objects.bulk_create(
        Message(subject=f"Re: Ad {{n}}", body=f"Message {{i}} about the price and the pick-up time",
                sender=heavy if i % 2 else partner, recipient=partner if i % 2 else heavy,
                parent=first, thread=first, moderation_status=STATUS_ACCEPTED,
                sent_at=now + timedelta(seconds=i))
        for i in range(1, length)
    )
session = SessionStore()
session["_auth_user_id"] = str(heavy.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = heavy.get_session_auth_hash()
session.create()
print(json.dumps({{"session": session.session_key, "thread": first_ids[0],
                  "messages": Message.objects.count()}}))
"""


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    python = WORK / "venv" / "bin" / "python"
    if not python.exists():
        venv.create(WORK / "venv", with_pip=True)
    subprocess.run([python, "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
    (WORK / "templates").mkdir(exist_ok=True)
    (WORK / "bench_settings.py").write_text(SETTINGS)
    (WORK / "site_urls.py").write_text(URLS)
    (WORK / "templates" / "base.html").write_text(BASE_TEMPLATE)
    admin = f"{SERVER}/postgres"
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {DATABASE}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {DATABASE}"], check=True)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_settings", "PYTHONPATH": str(WORK)}
    run = {"cwd": WORK, "env": environment, "check": True}
    subprocess.run([python, "-m", "django", "migrate", "-v0"], **run)
    filled = json.loads(subprocess.run([python, "-c", FILL], capture_output=True, text=True, **run).stdout)
    base = f"http://127.0.0.1:{PORT}"
    wsgi = WORK / "bench_wsgi.py"
    wsgi.write_text(
        "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"
    )
    gunicorn = subprocess.Popen(
        [
            WORK / "venv" / "bin" / "gunicorn",
            "bench_wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=WORK,
        env=environment,
    )
    try:
        wait_until_answering(f"{base}/healthz")
        cookie = f"sessionid={filled['session']}"
        rows, floors = [], [wrk(base, path="/healthz", **LOAD)]
        for name, path in (
            (f"inbox ({THREADS} threads)", "/messages/inbox/"),
            (f"thread ({THREAD_MESSAGES} messages)", f"/messages/view/t/{filled['thread']}/"),
        ):
            result = wrk(base, path=path, cookie=cookie, **LOAD)
            floors.append(wrk(base, path="/healthz", **LOAD))
            floor = (floors[-2]["rps"] + floors[-1]["rps"]) / 2
            rows.append(
                {
                    "endpoint": f"postman {name}",
                    **result,
                    "floor_rps": round(floor, 1),
                    "ratio_to_floor": round(result["rps"] / floor, 3),
                }
            )
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    report = {"messages": filled["messages"], "rows": rows}
    lines = [
        f"### django-postman 4.6, {filled['messages']:,} messages; 32 connections, 10 s, gunicorn 4 × sync",
        "",
        "| endpoint | req/s | floor around it | × floor | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['endpoint']} | {r['rps']} | {r['floor_rps']} | {r['ratio_to_floor']} | {r['p50_ms']} "
        f"| {r['p99_ms']} | {r['errors']} |"
        for r in rows
    ]
    (RESULTS / "postman.json").write_text(json.dumps(report, indent=2))
    (RESULTS / "postman.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    if any(row["errors"] or not row["ok"] for row in rows):
        sys.exit("postman: errors or no 2xx answers (see the table)")


if __name__ == "__main__":
    main()
