# The site's one image: web (gunicorn), the Pushpin front (manage.py run_pushpin), HAProxy in front of the
# web containers (docker-compose.multi.yml), the notifier, offer expiry and maintenance all run it. Debian
# bookworm throughout: Debian's python3 (3.11) in a venv, Debian's pushpin and haproxy from the same archive.
# Python packages come from a wheelhouse built on the host for this Python (deploy/wheels.sh) and are
# installed offline, so the build needs no package index and is reproducible.
# Build through `make stack-build` (deploy/stack.sh build), which makes the wheelhouse first.
#
# Layout for Docker's vfs storage driver (the one that works everywhere, used in CI here), where every
# instruction copies the whole file system: the metadata instructions come early, on the small runtime
# stage, and the final stage adds one COPY of /srv (the venv and the app) from the build stage.
FROM debian:bookworm-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/srv/venv/bin:$PATH LANG=C.UTF-8 \
    HEALTHCHECK_URL=http://127.0.0.1:8000/healthz
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends python3 pushpin haproxy ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /home/app --uid 10001 app \
 && mkdir -p /srv/media /srv/private_media && chown app:app /srv/media /srv/private_media
WORKDIR /srv/app
EXPOSE 8000
# Answers when the process serving HEALTHCHECK_URL does (web: gunicorn's /healthz; the Pushpin front sets
# its own URL). Services without an HTTP port disable it in docker-compose.yml.
HEALTHCHECK --interval=3s --timeout=3s --start-period=180s --retries=5 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ['HEALTHCHECK_URL'], timeout=2)"]
CMD ["gunicorn", "marketplace.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
USER app

FROM debian:bookworm-slim AS build
RUN apt-get update -q && apt-get install -y -q --no-install-recommends python3 python3-venv gettext \
 && rm -rf /var/lib/apt/lists/*
# The venv first, from the wheelhouse alone: cached while the dependencies do not change.
COPY deploy/wheels /tmp/wheels
RUN python3 -m venv /srv/venv \
 && /srv/venv/bin/pip install --quiet --no-index --no-cache-dir --find-links /tmp/wheels /tmp/wheels/*.whl
COPY . /srv/app
WORKDIR /srv/app
RUN rm -rf deploy/wheels \
 && DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only /srv/venv/bin/python manage.py collectstatic --noinput -v 0 \
 && DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only /srv/venv/bin/python manage.py compilemessages -v 0 \
 && find /srv -name __pycache__ -prune -exec rm -rf {} +

FROM runtime
COPY --from=build /srv /srv
