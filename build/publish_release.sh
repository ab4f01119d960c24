#!/usr/bin/env bash
# Create (or update) the GitHub release of a tag and attach files to it, with the gh CLI.
#
#   build/publish_release.sh v1.2.3 dist/installers/*
#
# Locally this needs `gh auth login`; in CI, GH_TOKEN. An existing release keeps its notes
# and gets the files replaced (--clobber), so re-running a failed release is safe.
set -euo pipefail
tag="${1:?usage: publish_release.sh TAG FILE...}"
shift
if [[ $# -eq 0 ]]; then
    echo "publish_release: no files to attach" >&2
    exit 1
fi
if gh release view "$tag" >/dev/null 2>&1; then
    gh release upload "$tag" "$@" --clobber
else
    gh release create "$tag" "$@" --verify-tag --title "Liaison ${tag#v}" --generate-notes
fi
echo "publish_release: $tag: $*"
