# coop: two commands on a fresh Debian machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run reset-demo test install install-test assets translations migrate demo lint bench clean scheduler worker reminders sbom

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed assets translations
install-test: $(VENV)/.installed-test assets translations

# Front-end packages from npm (package.json, pinned in package-lock.json).
node_modules/.installed: package.json package-lock.json
	npm install --no-audit --no-fund --silent $(NPM_FLAGS)
	touch $@

# KERN UX (CSS and fonts, EUPL-1.2) comes from npm and is served by us from static/vendor.
static/vendor/kern/.version: node_modules/.installed
	rm -rf static/vendor/kern && mkdir -p static/vendor/kern
	cp -r node_modules/@kern-ux/native/dist/kern.min.css node_modules/@kern-ux/native/dist/fonts static/vendor/kern/
	cp node_modules/@kern-ux/native/LICENSE.md static/vendor/kern/
	node -p "require('@kern-ux/native/package.json').version" > $@

# Plotly's basic bundle (scatter, bar, pie: all our charts use) from npm: 1.2 MB instead of the
# 4.8 MB full bundle, and without the map library, which injects an inline <style> (CSP).
static/vendor/plotly/plotly.min.js: node_modules/.installed
	mkdir -p static/vendor/plotly
	cp node_modules/plotly.js-basic-dist-min/plotly-basic.min.js $@
	cp node_modules/plotly.js-basic-dist-min/LICENSE static/vendor/plotly/

# Plotly's style rules as a file, so that no page needs an inline <style> (CSP).
static/vendor/plotly/plotly.css: static/vendor/plotly/plotly.min.js coop/assets.py
	$(BIN)/python -m coop.assets $< $@

static/.compressed: static/vendor/kern/.version static/vendor/plotly/plotly.min.js static/vendor/plotly/plotly.css $(wildcard static/css/*.css static/js/*.js)
	$(BIN)/python -m whitenoise.compress -q static >/dev/null
	touch $@

assets: static/vendor/kern/.version static/vendor/plotly/plotly.min.js static/vendor/plotly/plotly.css static/.compressed

translations:
	$(BIN)/pybabel compile -d coop/translations >/dev/null

migrate: install
	$(BIN)/flask db upgrade

# The web server and, beside it, one worker of the job queue (large imports); both end with
# Ctrl-C.
run: migrate
	$(BIN)/flask demo load --if-empty
	$(BIN)/flask worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The demo as on the first start: the SQLite database of `make run` made anew and loaded.
reset-demo: install
	$(BIN)/flask demo reset --yes

# A worker of the job queue on its own (start more for more jobs at once).
worker: migrate
	$(BIN)/flask worker

# The one scheduler process (daily reminders); run it beside the web server.
scheduler: migrate
	$(BIN)/flask scheduler

# Preview today's reminders without sending them.
reminders: migrate
	$(BIN)/flask reminders send --dry-run

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n auto

lint: install-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install-test
	$(BIN)/python bench/run.py
	$(BIN)/python bench/sync.py

# Software bill of materials (CycloneDX JSON): the Python packages of a production install
# (coop with LDAP support, no test tools) and the npm packages whose files coop serves.
sbom: install-test
	rm -rf .venv-sbom && $(PYTHON) -m venv .venv-sbom
	.venv-sbom/bin/pip install -q '.[ldap]'
	$(BIN)/cyclonedx-py environment --pyproject pyproject.toml --of JSON \
		-o sbom.python.cdx.json .venv-sbom/bin/python
	npm sbom --sbom-format cyclonedx --omit dev > sbom.npm.cdx.json
	rm -rf .venv-sbom build
	@echo "SBOM: sbom.python.cdx.json, sbom.npm.cdx.json"

clean:
	rm -rf $(VENV) node_modules static/vendor
