# trigc: the two commands a new user runs are `make demo` and `make test`.
SHELL := /bin/bash
APT_PACKAGES := libopenblas-dev libhdf5-dev ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd verilator iverilog yosys librsvg2-bin python3-venv libopenmpi-dev openmpi-bin
SWIFT ?= swift
# Tests run in parallel workers; keep it to the cores we have.
JOBS ?= $(shell nproc)
BIN_DEBUG := .build/debug
BIN_RELEASE := .build/release
DEMO_DIR ?= demo-out

.PHONY: all deps build release test lint demo bench fuzz gpu-check clean

all: build

# Installs the Debian packages trigc needs, only those that are missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	else echo "System packages: all present."; fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) build --product trigc-serve
	$(SWIFT) test --skip-build --parallel --num-workers $(JOBS)
	$(MAKE) --no-print-directory test-serving

# File lengths, force unwraps, Package.swift against imports and Docs/Architecture.md.
lint:
	python3 Tools/lint/test_lint.py -q
	python3 Tools/lint/lint.py

demo: release
	./Tools/demo.sh $(BIN_RELEASE) $(DEMO_DIR)

# PyTorch for the training reference, when a Python has it (see Tools/torch_reference).
TORCH_PYTHON ?= $(firstword $(wildcard .venv/bin/python) python3)

bench: release
	@if $(TORCH_PYTHON) -c 'import torch, h5py' 2>/dev/null; then \
	  $(BIN_RELEASE)/trigc-bench --torch-python=$(TORCH_PYTHON) $(BENCH_ARGS); \
	else $(BIN_RELEASE)/trigc-bench $(BENCH_ARGS); fi

# Deterministic mutation fuzzing of every reader of untrusted files (Docs/Fuzzing.md):
# FUZZ_SECONDS per harness; crashes go to fuzz-out/crashes, figures to fuzz-out/report.json.
FUZZ_SECONDS ?= 60
FUZZ_SEED ?= 1
fuzz: release
	$(BIN_RELEASE)/trigc-fuzz all --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED) --corpus Fuzz/corpus --out fuzz-out

# The binaries, libraries and script for a machine with a GPU and no Swift (Docs/GPU.md).
gpu-check: deps
	Tools/gpu/bundle.sh gpu-bundle.tar.xz

# trigc serve with the real Triton clients: test-serving (part of make test), bench-serving.
include Tools/serving/serving.mk

clean:
	rm -rf .build $(DEMO_DIR) fuzz-out .venv-serving .venv-serving-bench gpu-bundle.tar.xz
