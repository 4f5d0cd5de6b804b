# make test-serving, make bench-serving: `trigc serve` checked and measured with the real Triton
# clients (Tools/serving/README.md). Included from the top Makefile, which defines BIN_DEBUG,
# BIN_RELEASE and the release target.
SERVING_DIR := Tools/serving
SERVING_PYTHON ?= python3
SERVING_VENV := .venv-serving
SERVING_BENCH_VENV := .venv-serving-bench
SERVING_BENCH_OUT ?= .build/bench-serving.json
SERVING_TEST_ARGS ?=
SERVING_BENCH_ARGS ?=

.PHONY: test-serving bench-serving

# One virtual environment per requirements file, made again only when that file changes.
$(SERVING_VENV)/.stamp: $(SERVING_DIR)/requirements.txt
	@echo "Making $(SERVING_VENV) from $<"
	@$(SERVING_PYTHON) -m venv --clear $(SERVING_VENV)
	@$(SERVING_VENV)/bin/python -m pip install -q --disable-pip-version-check -r $<
	@touch $@

$(SERVING_BENCH_VENV)/.stamp: $(SERVING_DIR)/requirements-bench.txt $(SERVING_DIR)/requirements.txt
	@echo "Making $(SERVING_BENCH_VENV) from $<"
	@$(SERVING_PYTHON) -m venv --clear $(SERVING_BENCH_VENV)
	@$(SERVING_BENCH_VENV)/bin/python -m pip install -q --disable-pip-version-check -r $<
	@touch $@

# Needs $(BIN_DEBUG)/trigc, built by the caller (make build).
test-serving: $(SERVING_VENV)/.stamp
	$(SERVING_VENV)/bin/python $(SERVING_DIR)/test_serving.py --trigc $(BIN_DEBUG)/trigc $(SERVING_TEST_ARGS)

bench-serving: release $(SERVING_BENCH_VENV)/.stamp
	@mkdir -p $(dir $(SERVING_BENCH_OUT))
	$(SERVING_BENCH_VENV)/bin/python $(SERVING_DIR)/bench_serving.py --trigc $(BIN_RELEASE)/trigc \
	  --out $(SERVING_BENCH_OUT) $(SERVING_BENCH_ARGS)
