# chronology: the two commands a newcomer needs are `make demo` and `make test`.
# Both create .venv and install the project with its extras themselves.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
EXTRAS := dev,notebook,image

.PHONY: help install demo test lint typecheck pytest lab bench browser notebooks clean docs-images test-spark java

help:
	@echo "make demo   - set up, run the worked examples, write reports/ (start here)"
	@echo "make test   - set up, lint, type-check and run every test and notebook"
	@echo "make lab    - start JupyterLab on notebooks/ (open the printed http://127.0.0.1 link)"
	@echo "make bench  - run the caseload-scale benchmarks (writes benchmarks/RESULTS.md)"

$(STAMP): pyproject.toml
	@echo "==> creating $(VENV) and installing chronology[$(EXTRAS)]"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	@touch $(STAMP)

install: $(STAMP)

# Chromium renders the HTML report in a browser test and exports PNGs with kaleido. Best effort:
# installed from Debian's packages when missing and we are root; the tests that need it skip otherwise.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    echo "==> installing chromium (for the browser test and image export)" && \
	    (apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ; } || \
	  echo "==> chromium not available: browser tests will be skipped"

lint: install
	$(VENV)/bin/ruff check .

typecheck: install
	$(VENV)/bin/mypy

pytest: install
	$(VENV)/bin/pytest

test: install browser lint typecheck pytest

demo: install
	$(VENV)/bin/chronology demo

# JupyterLab opens the jupytext .py notebooks as notebooks (settings kept inside .venv);
# as root it needs --allow-root.
lab: install
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@$(VENV)/bin/jupytext-config --settings-file $(VENV)/share/jupyter/lab/settings/overrides.json set-default-viewer python >/dev/null
	$(VENV)/bin/jupyter lab --no-browser --notebook-dir=notebooks --LabApp.news_url=None \
	  --LabApp.extension_manager=readonly $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# WORKLOAD=synthetic|realistic|both (default both): the caseload(s) the benchmark measures
WORKLOAD ?= both
bench: install
	$(PY) benchmarks/run.py --workload $(WORKLOAD)

# Spark gets a venv of its own: with pyspark installed, pandera imports pyspark.pandas, which warns
# under pandas 3 (an error under our warnings policy). Java 17 from Debian when missing and root.
SPARK_VENV  := .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed-stamp
$(SPARK_STAMP): pyproject.toml
	@echo "==> creating $(SPARK_VENV) and installing chronology[spark]"
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SPARK_VENV)/bin/python -m pip install --quiet -e ".[spark]" "pytest>=8.3" "hypothesis>=6.100"
	@touch $(SPARK_STAMP)

java:
	@java -version >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && echo "==> installing Java 17 (for Spark)" && \
	    (apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null) ; } || \
	  echo "==> Java not available: Spark tests will be skipped"

test-spark: $(SPARK_STAMP) java
	$(SPARK_VENV)/bin/pytest tests/test_spark.py -q -p no:randomly -p no:cacheprovider \
	  -W "ignore:PySpark does not yet fully support pandas:FutureWarning" \
	  -W "ignore::DeprecationWarning:pyspark.*" \
	  -W "ignore:The copy keyword is deprecated:DeprecationWarning" \
	  -W "ignore:The copy keyword is deprecated:pandas.errors.Pandas4Warning"

# the README's picture, from the current timeline (kaleido and a local Chromium)
docs-images: install browser
	$(PY) scripts/docs_images.py

clean:
	rm -rf $(VENV) $(SPARK_VENV) reports .pytest_cache .mypy_cache .ruff_cache
