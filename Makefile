# Emilia Training. `make run` serves the site on 127.0.0.1:8000; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test bench lint audit format install install-dev content chromium qr-tools system-deps messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Installs are locked with hashes; the stamp files make a second run skip them.
$(VENV)/.installed: requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# A local secret key and PDP encryption key, generated once into the ignored .env file.
.env: | $(PY)
	$(PY) -c "import base64, os, secrets; print('SECRET_KEY=' + secrets.token_urlsafe(60)); print('PDP_ENCRYPTION_KEYS=' + base64.urlsafe_b64encode(os.urandom(32)).decode())" > $@
	chmod 600 $@
	@echo "Wrote .env with a new local SECRET_KEY and PDP_ENCRYPTION_KEYS."

# WeasyPrint needs Pango, and compiling translations needs GNU gettext's msgfmt: Debian's
# packages if the machine lacks them.
system-deps:
	@ldconfig -p | grep -q libpangoft2-1.0 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null)
	@command -v msgfmt >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null)

# The interface translations (site/locale/*/django.po), compiled into the ignored .mo files.
messages: install system-deps
	$(PY) manage.py compilemessages --ignore=.venv -v0

content: install .env system-deps messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_content
	@echo "Building the free English PDFs (only what is missing; the first time takes a minute or two; other languages build on first download)..."
	$(PY) manage.py build_packs --language en
	$(PY) manage.py create_demo_accounts

run: content
	$(PY) manage.py runserver 127.0.0.1:8000

# Debian's chromium for the browser tests (never a browser downloaded by a test tool).
chromium:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# pdftoppm and zbarimg, so a browser test can read a certificate's QR code as a phone would.
qr-tools:
	@command -v zbarimg >/dev/null && command -v pdftoppm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zbar-tools poppler-utils >/dev/null)

test: install-dev chromium qr-tools system-deps messages
	$(BIN)/pytest -n 2

bench: install-dev system-deps messages
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(PY) tests/bench/run.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# pip-audit on the locked requirements, from a virtualenv of its own (it is a CI tool, not a
# dependency of the site). Fails on any known vulnerability.
AUDIT_VENV := .venv-audit
audit:
	@test -x $(AUDIT_VENV)/bin/pip-audit || ($(PYTHON) -m venv $(AUDIT_VENV) && $(AUDIT_VENV)/bin/pip install --quiet pip-audit)
	$(AUDIT_VENV)/bin/python .ci/audit.py $(AUDIT_VENV)/bin/pip-audit requirements.txt requirements-dev.txt

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) $(AUDIT_VENV) staticfiles .pytest_cache .ruff_cache
