FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# xmlsec1 signs SAML messages; gettext compiles translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends xmlsec1 gettext libxmlsec1-dev pkg-config build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install -r requirements.lock
COPY . .
RUN DEBUG=0 SECRET_KEY=build-only SITE_URL=https://build.invalid python manage.py collectstatic --noinput -v0 \
 && python manage.py compilemessages -v0 --ignore=.venv
RUN useradd --system --home /app connect && mkdir -p /app/var && chown connect /app/var
USER connect
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4"]
