# Chancery web, Celery worker and beat image (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 chancery \
    && useradd --system --uid 10001 --gid chancery --home-dir /app --no-create-home chancery

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# collectstatic needs settings, and production settings refuse to load without a real
# SECRET_KEY, which must never be baked into an image: collect in development mode here.
# The web service collects again at start (production storage writes the hashed manifest).
RUN CHANCERY_ENV=development python manage.py collectstatic --noinput \
    && rm -rf var \
    && mkdir -p var/media \
    && chown -R chancery:chancery var staticfiles

# Code stays owned by root; the app user can write only var/ (beat schedule, uploaded import
# files in var/media, a volume shared with the worker) and staticfiles/.
USER chancery

EXPOSE 8000
CMD ["gunicorn", "chancery.wsgi", "--workers", "2", "--worker-class", "gthread", "--threads", "4", "--reuse-port", "-b", "0.0.0.0:8000"]
