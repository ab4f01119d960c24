#!/usr/bin/env bash
# Build the macOS disk image dist/installers/Liaison-<version>-macos-<arch>.dmg.
#
# One architecture per image, never universal2: run it on an Apple-silicon Mac for arm64
# and on an Intel Mac for x86_64 (CI: macos-14 and macos-13). TARGET_ARCH (arm64|x86_64)
# defaults to this machine's; it must match the Python that runs PyInstaller, because the
# PySide6 wheels installed are single-arch.
#
# Steps:
#   1. check TARGET_ARCH against the Python in use;
#   2. freeze the app: python build/bundle.py --skip-minimal --no-measure  -> dist/Liaison.app
#      (build/liaison.spec reads TARGET_ARCH; Info.plist values are set in its BUNDLE);
#   3. sign, notarize and staple the .app (build/macos/sign_and_notarize.sh app …), which
#      only prints that it skipped when the signing secrets are not in the environment;
#   4. lay out the disk image with dmgbuild (build/macos/dmg_settings.py): the app and a
#      link to /Applications, zlib-compressed (UDZO);
#   5. sign, notarize and staple the .dmg (sign_and_notarize.sh dmg …), same rule.
#
# Usage: build/macos/make_dmg.sh            (PYTHON=python3 by default; SKIP_BUNDLE=1 reuses dist/)
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON="${PYTHON:-python3}"
if [[ "$(uname -s)" != "Darwin" ]]; then
    echo "make_dmg: macOS only" >&2
    exit 2
fi

py_arch="$("$PYTHON" -c 'import platform; print(platform.machine())')"
export TARGET_ARCH="${TARGET_ARCH:-$py_arch}"
if [[ "$TARGET_ARCH" != "arm64" && "$TARGET_ARCH" != "x86_64" ]]; then
    echo "make_dmg: TARGET_ARCH must be arm64 or x86_64 (never universal2), not '$TARGET_ARCH'" >&2
    exit 2
fi
if [[ "$TARGET_ARCH" != "$py_arch" ]]; then
    echo "make_dmg: TARGET_ARCH=$TARGET_ARCH but $PYTHON is $py_arch; build on a $TARGET_ARCH Mac" >&2
    exit 2
fi

version="$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
app="dist/Liaison.app"
out_dir="dist/installers"
dmg="$out_dir/Liaison-$version-macos-$TARGET_ARCH.dmg"

# 2. Freeze.
if [[ "${SKIP_BUNDLE:-0}" != "1" || ! -d "$app" ]]; then
    "$PYTHON" build/bundle.py --skip-minimal --no-measure
fi
# Every Mach-O file of the app must be of the target arch (a stray universal2 or foreign
# binary would fail notarization or crash on the other kind of Mac).
bad="$(find "$app" -type f -perm -u+x -print0 | xargs -0 file | grep 'Mach-O' | grep -v "$TARGET_ARCH" || true)"
if [[ -n "$bad" ]]; then
    echo "make_dmg: binaries not built for $TARGET_ARCH:" >&2
    echo "$bad" >&2
    exit 1
fi

# 3. Sign + notarize + staple the app (skips without secrets).
build/macos/sign_and_notarize.sh app "$app"

# 4. Disk image.
"$PYTHON" -m pip show dmgbuild >/dev/null 2>&1 || "$PYTHON" -m pip install --quiet "dmgbuild>=1.6"
mkdir -p "$out_dir"
rm -f "$dmg"
"$PYTHON" -m dmgbuild -s build/macos/dmg_settings.py -D app="$app" "Liaison $version" "$dmg"

# 5. Sign + notarize + staple the image (skips without secrets).
build/macos/sign_and_notarize.sh dmg "$dmg"

echo "make_dmg: $dmg ($(du -h "$dmg" | cut -f1))"
