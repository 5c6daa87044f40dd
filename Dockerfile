FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# pushpin (with zurl): the docker-compose "pushpin" service runs it from this image. A colour-emoji font
# (message reactions) for the browser tests when they run in this image; the site itself sends emoji as
# text and the visitor's browser draws them.
RUN apt-get update -q && apt-get install -y -q --no-install-recommends pushpin fonts-noto-color-emoji gettext \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only python manage.py compilemessages -v 0
EXPOSE 8000
CMD ["gunicorn", "marketplace.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
