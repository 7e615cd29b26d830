#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it. Fails on the first red step.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
step() { printf '\n== %s\n' "$*"; }

step "translations"
$BIN/python manage.py compilemessages --ignore=.venv --ignore=var -v0
step "ruff"
$BIN/ruff check .
$BIN/ruff format --check .
step "mypy"
$BIN/mypy
step "check --deploy (production-like settings)"
env DEBUG=0 SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    SITE_URL=https://connect.example.com $BIN/python manage.py check --deploy --fail-level WARNING
step "migrations are complete"
$BIN/python manage.py makemigrations --check --dry-run
step "docker-compose.yml"
SECRET_KEY=validate SITE_URL=https://connect.example.com docker-compose -f docker-compose.yml config -q
step "pytest"
$BIN/pytest "$@"
