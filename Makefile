# yizhan — 民生驿站发布工具。`make help` 列出所有目标。
SHELL := /bin/bash
# Debian's own Python 3.11 is built with profile-guided and link-time optimisation and a statically
# linked interpreter: builds and tests run about 15% faster on it than on one compiled without them
# with a shared libpython (pyenv's default). It is used when it is there and can make a virtual
# environment (python3-venv); else the first python3 on PATH. `make PYTHON=...` chooses another.
SYSTEM_PYTHON := /usr/bin/python3
DEFAULT_PYTHON := $(shell $(SYSTEM_PYTHON) -c 'import sys, ensurepip; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $(SYSTEM_PYTHON) || echo python3)
PYTHON ?= $(DEFAULT_PYTHON)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
LOCK_VENV := /tmp/yizhan-lock
UV_VERSION := 0.13.8
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
PROJECT ?= .
OUT ?= build
N ?= 1168

.DEFAULT_GOAL := help

help: ## 列出可用命令
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-8s %s\n", $$1, $$2}'

# Running needs only requirements.lock; the tests add requirements-dev.lock (same versions for shared packages).
# uv (itself pinned by hash in requirements-uv.lock) installs a lock with the same hash checks as pip, in about
# a quarter of the time; where uv cannot run or reach the index (it does not read pip.conf: set UV_DEFAULT_INDEX
# for a mirror), pip installs the same lock. Both write the packages' bytecode at install time: with
# PYTHONDONTWRITEBYTECODE set, as on many machines, every process would otherwise compile them anew (3 s each).
pip_install = $(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python $(1) \
	|| { echo "uv 没能安装（见上），改用 pip 安装（较慢）……"; $(BIN)/pip install -q $(1); }

$(STAMP): requirements.lock requirements-uv.lock pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install -q --require-hashes -r requirements-uv.lock || echo "装不上 uv，改用 pip 安装（较慢）"
	$(call pip_install,--require-hashes -r requirements.lock)
	$(call pip_install,--no-deps -e .)
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) requirements-dev.lock
	$(call pip_install,--require-hashes -r requirements-dev.lock)
	touch $(TEST_STAMP)

setup: $(STAMP) ## 安装运行所需的一切（虚拟环境与系统软件包），不含测试工具
	@scripts/setup-system.sh

setup-test: $(TEST_STAMP) ## 另外安装测试工具（requirements-dev.lock）和测试用的 Chromium
	@scripts/setup-system.sh --test

site: setup ## 生成示例县的网站、印刷品和表格到 build/
	$(BIN)/yizhan build --project $(PROJECT) --out $(OUT)

validate: setup ## 检查数据和内容，列出所有问题
	$(BIN)/yizhan validate --project $(PROJECT)

test: setup-test ## 运行代码检查和全部测试（pytest-xdist，按本机核数并行）
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests
	$(BIN)/pytest -q -n $(JOBS) --dist loadgroup --no-loadscope-reorder --durations=30

bench: setup ## 基准测试：N 个驿站的合成县，各阶段耗时与内存；100 万行服务台账的检查；工作台（HTTP）
	PYTHONPATH=scripts $(BIN)/python -m benchmarks --stations $(N)

bench-intake: setup ## 只测大表格检查：100 万行服务台账的读取与检查用时、峰值内存
	PYTHONPATH=scripts $(BIN)/python -m benchmarks.intake

bench-workbench: setup ## 只测工作台：上传检查、10 万行台账、发布、20 个乡镇同时上传；collect import 10 万行
	PYTHONPATH=scripts $(BIN)/python -m benchmarks.workbench

serve: setup ## 本地预览网站（http://127.0.0.1:8000）
	$(BIN)/yizhan serve --project $(PROJECT)

data: ## 用固定种子重新生成示例县数据（datasets/*.csv）
	$(PYTHON) scripts/make_example_data.py

lock: ## 重新锁定依赖：requirements.lock（运行）、requirements-dev.lock（测试与 Dask）和 requirements-uv.lock（安装工具 uv），带哈希；UPGRADE=1 升级到最新
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install -q uv==$(UV_VERSION)
	echo "uv==$(UV_VERSION)" | $(LOCK_VENV)/bin/uv pip compile -q --generate-hashes \
	  --custom-compile-command "make lock" - -o requirements-uv.lock
	$(LOCK_VENV)/bin/uv pip compile -q --python $(PYTHON) --generate-hashes --no-strip-extras $(if $(UPGRADE),--upgrade) \
	  --custom-compile-command "make lock" pyproject.toml -o requirements.lock
	$(LOCK_VENV)/bin/uv pip compile -q --python $(PYTHON) --generate-hashes --no-strip-extras $(if $(UPGRADE),--upgrade) \
	  --custom-compile-command "make lock" pyproject.toml --extra test --extra dask -c requirements.lock \
	  -o requirements-dev.lock

clean: ## 删除生成的文件
	rm -rf $(OUT) .yizhan-cache
	rm -f $(dir $(OUT)).$(notdir $(OUT)).yizhan-lock

.PHONY: help setup setup-test site validate test bench bench-intake bench-workbench serve data lock clean
