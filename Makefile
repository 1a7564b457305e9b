# crmdesk: `make run` opens the app, `make test` runs the whole suite offscreen.
# Both set everything up first on a machine with only python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
TARBALL := dist/crmdesk-$(VERSION)-linux-x86_64.tar.gz
DIST_STAMP := $(VENV)/.installed-dist

.PHONY: run test soak lint bench screenshot lock clean dist dist-check

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt setuptools
	$(BIN)/pip install --quiet --disable-pip-version-check --no-build-isolation -c constraints.txt -e '.[dev,dist]'
	touch $(STAMP)

## run: open the last database you used (the first time: the welcome page, which offers the demo)
run: $(STAMP)
	$(BIN)/crmdesk --resume

## test: the whole suite, offscreen, on real SQLite files (the window's tests a process per
## file: some 64 windows into one process, PySide6 6.11 crashed inside Qt; see README)
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q --ignore=tests/gui
	@for file in tests/gui/test_*.py; do \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q $$file || exit 1; \
	done

## soak: long runs of the kill -9, lock race and merge property tests (minutes, not seconds)
soak: $(STAMP)
	CRMDESK_SOAK_ROUNDS=40 CRMDESK_PROPERTY_EXAMPLES=300 QT_QPA_PLATFORM=offscreen \
	  $(BIN)/python -m pytest -q -s tests/integration/test_crash.py tests/integration/test_interrupted_write.py \
	  tests/unit/store/test_lock.py tests/unit/services/test_sync_properties.py

## lint: ruff and mypy
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## bench: speed and memory against baselines measured in the same run (see README)
bench: $(STAMP) $(TARBALL)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.benchmarks

## screenshot: docs/screenshot.png, letters, surveys, today, reports, conflicts, copy, welcome and guide .png
screenshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshot.py docs/screenshot.png --row 5
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshot.py docs/letters.png --letters "Referral request"
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshot.py docs/surveys.png --surveys
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshot.py docs/today.png --today
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshot.py docs/reports.png --reports
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshot.py docs/conflicts.png --merge
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshot.py docs/copy.png --copy
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshot.py docs/welcome.png --welcome
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshot.py docs/guide.png --guide "welcome page"

## dist: the app as a folder with everything inside (PyInstaller), packed as
## dist/crmdesk-<version>-linux-x86_64.tar.gz

$(DIST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dist]'
	touch $(DIST_STAMP)

dist: $(TARBALL)

$(TARBALL): $(DIST_STAMP) packaging/crmdesk.spec $(shell git ls-files crmdesk resources packaging 2>/dev/null)
	rm -rf build/bundle
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath build/bundle \
	  --workpath build/pyinstaller packaging/crmdesk.spec
	mkdir -p dist
	tar -C build/bundle -czf $@ crmdesk
	@du -sh build/bundle/crmdesk | sed 's/^/unpacked: /'

## dist-check: unpack the bundle and run it in a clean environment (no venv, fresh HOME)
dist-check: $(TARBALL)
	$(BIN)/python packaging/check_bundle.py $(TARBALL)

## lock: re-pin constraints.txt from a fresh resolve of pyproject.toml
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet setuptools -e '.[dev,dist]'
	{ echo '# Exact versions the Makefile installs (pip -c). Regenerate with `make lock`.'; \
	  .lockenv/bin/pip freeze --all --exclude-editable | grep -v '^pip=='; } > constraints.txt
	rm -rf .lockenv

clean:
	rm -rf $(VENV) build dist *.egg-info
