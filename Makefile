# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV := DJANGO_DEBUG=True

.PHONY: run serve worker test lint format check-deploy bench bench-scale

$(BIN)/activate: requirements.txt requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(BIN)/activate

## Set everything up on SQLite, load demo data and serve on http://localhost:8000
run: $(BIN)/activate
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py seed_demo
	$(DEV) $(BIN)/python manage.py runserver 0.0.0.0:8000

## Production start (settings from the environment or .env): migrate, collect the static
## files WhiteNoise serves, then gunicorn with the repo's gunicorn.conf.py (PORT, WEB_CONCURRENCY).
## `exec` so gunicorn receives the process manager's signals (SIGTERM: graceful stop).
serve: $(BIN)/activate
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput
	exec $(BIN)/gunicorn -c gunicorn.conf.py eleven_tutors.wsgi

## Celery worker with beat (emails, Stripe reconciliation, periodic upkeep). Needs REDIS_URL
## (the broker); run one beat per deployment: more workers go without -B (README).
worker: $(BIN)/activate
	exec $(BIN)/celery -A eleven_tutors worker -B -l info

## Lint, then the whole test suite (SQLite unless DATABASE_URL points elsewhere)
test: $(BIN)/activate lint
	$(BIN)/pytest

lint: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(BIN)/activate
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## `manage.py check --deploy` with production-like settings
check-deploy: $(BIN)/activate
	DJANGO_SECRET_KEY=$$(openssl rand -hex 32) BEHIND_TLS_PROXY=True ALLOWED_HOSTS=api.11tutors.com \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

bench: $(BIN)/activate
	$(BIN)/python bench/cache.py

## Cache-cold catalogue page at 1,000 vs 100,000 courses (issue #13): bench/scale.py
bench-scale: $(BIN)/activate
	$(BIN)/python bench/scale.py
