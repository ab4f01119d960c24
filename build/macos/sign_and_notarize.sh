#!/usr/bin/env bash
# Sign (codesign), notarize (notarytool) and staple (stapler) the Liaison .app or .dmg.
#
#   build/macos/sign_and_notarize.sh app dist/Liaison.app
#   build/macos/sign_and_notarize.sh dmg dist/installers/Liaison-1.2.3-macos-arm64.dmg
#
# It does nothing but say so when the secrets are absent (a local or fork build): the
# result is then an unsigned app, which macOS opens only after right-click → Open.
#
# Secrets (environment variables; in CI, repository secrets):
#   MACOS_SIGNING_IDENTITY        "Developer ID Application: <Org> (<TEAMID>)"   — required to sign
#   MACOS_CERTIFICATE_P12_BASE64  the Developer ID certificate + key, .p12, base64 — optional:
#   MACOS_CERTIFICATE_PASSWORD    its password; imported into a throwaway keychain (CI)
#   Notarization (one of the two, else sign only):
#     APPLE_API_KEY_ID, APPLE_API_ISSUER_ID, APPLE_API_KEY_P8_BASE64   (App Store Connect API key)
#     APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD                    (app-specific password)
#
# Steps for an app: import the certificate (CI) → sign every Mach-O file inside-out
# (libraries and Qt frameworks first, then the executables, then the bundle) with the
# hardened runtime, a secure timestamp and build/macos/entitlements.plist → verify →
# zip with ditto → notarytool submit --wait → stapler staple (so Gatekeeper accepts the
# app offline, which matters to officers without a network) → spctl assessment.
# For a dmg: sign the image → notarize → staple → verify.
set -euo pipefail
cd "$(dirname "$0")/../.."

kind="${1:?usage: sign_and_notarize.sh app|dmg PATH}"
target="${2:?usage: sign_and_notarize.sh app|dmg PATH}"
entitlements="build/macos/entitlements.plist"

if [[ -z "${MACOS_SIGNING_IDENTITY:-}" ]]; then
    echo "sign_and_notarize: MACOS_SIGNING_IDENTITY not set: skipped signing and notarizing $target"
    exit 0
fi
if [[ "$(uname -s)" != "Darwin" ]]; then
    echo "sign_and_notarize: macOS only" >&2
    exit 2
fi

tmp="$(mktemp -d)"
cleanup() {
    if [[ -n "${keychain:-}" ]]; then security delete-keychain "$keychain" || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# Import the certificate into a throwaway keychain (CI); locally the login keychain has it.
if [[ -n "${MACOS_CERTIFICATE_P12_BASE64:-}" ]]; then
    keychain="$tmp/signing.keychain-db"
    kc_password="$(uuidgen)"
    echo "$MACOS_CERTIFICATE_P12_BASE64" | base64 --decode >"$tmp/cert.p12"
    security create-keychain -p "$kc_password" "$keychain"
    security set-keychain-settings -lut 21600 "$keychain"
    security unlock-keychain -p "$kc_password" "$keychain"
    security import "$tmp/cert.p12" -k "$keychain" -P "${MACOS_CERTIFICATE_PASSWORD:-}" \
        -T /usr/bin/codesign -T /usr/bin/security
    security set-key-partition-list -S apple-tool:,apple: -s -k "$kc_password" "$keychain" >/dev/null
    # shellcheck disable=SC2046 # the keychain list is whitespace-separated, quoted paths
    security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
fi

sign() {
    codesign --force --timestamp --options runtime --entitlements "$entitlements" \
        --sign "$MACOS_SIGNING_IDENTITY" "$@"
}

notarize() {
    local file="$1"
    if [[ -n "${APPLE_API_KEY_ID:-}" && -n "${APPLE_API_ISSUER_ID:-}" && -n "${APPLE_API_KEY_P8_BASE64:-}" ]]; then
        echo "$APPLE_API_KEY_P8_BASE64" | base64 --decode >"$tmp/AuthKey.p8"
        xcrun notarytool submit "$file" --wait --timeout 30m \
            --key "$tmp/AuthKey.p8" --key-id "$APPLE_API_KEY_ID" --issuer "$APPLE_API_ISSUER_ID"
    elif [[ -n "${APPLE_ID:-}" && -n "${APPLE_TEAM_ID:-}" && -n "${APPLE_APP_PASSWORD:-}" ]]; then
        xcrun notarytool submit "$file" --wait --timeout 30m \
            --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD"
    else
        echo "sign_and_notarize: no notarization credentials: signed $target, skipped notarizing"
        return 1
    fi
}

case "$kind" in
app)
    # Inside-out: every Mach-O library first, then the Qt frameworks as bundles, then
    # the executables in Contents/MacOS, then the app itself. (No --deep: it signs in an
    # unspecified order and cannot apply the entitlements to the right files.)
    while IFS= read -r -d '' f; do
        if file "$f" | grep -q 'Mach-O'; then sign "$f"; fi
    done < <(find "$target/Contents/Frameworks" "$target/Contents/Resources" -type f \
        ! -path '*/MacOS/*' -print0 2>/dev/null)
    while IFS= read -r -d '' fw; do sign "$fw"; done \
        < <(find "$target/Contents/Frameworks" -type d -name '*.framework' -print0 2>/dev/null)
    while IFS= read -r -d '' f; do sign "$f"; done \
        < <(find "$target/Contents/MacOS" -type f -perm -u+x -print0)
    sign "$target"
    codesign --verify --deep --strict --verbose=2 "$target"
    ditto -c -k --keepParent "$target" "$tmp/app.zip"
    if notarize "$tmp/app.zip"; then
        xcrun stapler staple "$target"
        spctl --assess --type execute --verbose=2 "$target"
    fi
    ;;
dmg)
    codesign --force --timestamp --sign "$MACOS_SIGNING_IDENTITY" "$target"
    codesign --verify --verbose=2 "$target"
    if notarize "$target"; then
        xcrun stapler staple "$target"
        spctl --assess --type open --context context:primary-signature --verbose=2 "$target"
    fi
    ;;
*)
    echo "usage: sign_and_notarize.sh app|dmg PATH" >&2
    exit 2
    ;;
esac
echo "sign_and_notarize: done: $target"
