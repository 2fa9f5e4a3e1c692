# The two commands a user needs: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean chromium ocr

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip > $(VENV)/install.log 2>&1 \
	  && $(BIN)/python -m pip install -e '.[dev]' >> $(VENV)/install.log 2>&1 \
	  || { cat $(VENV)/install.log; exit 1; }
	touch $(STAMP)

## run: extract, validate and publish everything in raw/ into curated/
run: $(STAMP) ocr
	$(BIN)/cninet run

## test: lint, type-check and run the test suite
test: $(STAMP) lint chromium ocr
	$(BIN)/pytest -q

# The HTML report tests render the report in headless Chromium with a CJK font for Chinese text
# (Debian's chromium and fonts-noto-cjk; needs root).
chromium:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; } || { \
	  echo "installing Debian's chromium and fonts-noto-cjk (once) for the HTML report tests"; \
	  apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# Image-only PDFs (scans, fonts without Unicode maps) are read by OCR: Debian's Tesseract with
# the English and simplified Chinese models (needs root).
ocr:
	@{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -q chi_sim; } || { \
	  echo "installing Debian's tesseract-ocr (eng, chi-sim) once for reading scanned PDFs"; \
	  apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng \
	    tesseract-ocr-chi-sim >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## bench: speed and memory figures (see benchmarks/README.md)
bench: $(STAMP)
	$(BIN)/python benchmarks/extract_speed.py
	$(BIN)/python benchmarks/rerun_section.py
	$(BIN)/python benchmarks/scan_new.py
	$(BIN)/python benchmarks/backfill.py
	$(BIN)/python benchmarks/news_bulk.py

clean:
	rm -rf curated/*/ curated/_reports
