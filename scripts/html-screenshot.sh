#!/usr/bin/env bash
# Renders the HTML report of the corpus (or of the paths given) and takes a screenshot of it
# with headless Chromium, to look at the page as a reader would.
#
#   scripts/html-screenshot.sh                      # corpus report -> /tmp/locdrift-report.{html,png}
#   scripts/html-screenshot.sh OUT_PREFIX -- check ARGS...   # any check run
#
# Needs Chromium (Debian: apt-get install -y chromium; fonts-noto-cjk for CJK glyphs).
# Environment: WIDTH and HEIGHT (default 1400x2000), LOCDRIFT (default: cargo run --release).
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=/tmp/locdrift-report
if [[ $# -gt 0 && $1 != -- ]]; then
    prefix=$1
    shift
fi
if [[ ${1:-} == -- ]]; then
    shift
fi
if [[ $# -eq 0 ]]; then
    set -- check --source corpus/en-us corpus/zh-cn corpus/zh-tw corpus/ja-jp corpus/de-de corpus/fr-fr
fi

if [[ -n ${LOCDRIFT:-} ]]; then
    run=("$LOCDRIFT")
else
    cargo build --release --quiet
    run=(target/release/locdrift)
fi

status=0
"${run[@]}" "$@" --format html >"$prefix.html" || status=$?
if [[ $status -ge 2 ]]; then
    echo "locdrift failed (exit $status)" >&2
    exit "$status"
fi

browser=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null; then
        browser=$candidate
        break
    fi
done
if [[ -z $browser ]]; then
    echo "no Chromium found; the page is at $prefix.html" >&2
    exit 1
fi
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size="${WIDTH:-1400},${HEIGHT:-2000}" \
    --screenshot="$prefix.png" "file://$(realpath "$prefix.html")" 2>/dev/null
echo "$prefix.html"
echo "$prefix.png"
