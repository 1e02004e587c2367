#!/bin/sh
# make test's browser check: a report of the report fixtures (plots, claims, verdict links) loaded in Debian's
# chromium, headless, through playwright-core (tests/browser/report.test.js). Without node, chromium or the
# npm packages (npm ci in tests/browser, done by .ci/install-deps) it prints one "skipped" line, never "ok".
set -u
cd "$(dirname "$0")/../.."
CHROMIUM=${SWEEP_CHROMIUM:-/usr/bin/chromium}
if ! command -v node > /dev/null 2>&1; then echo "browser: skipped (no node; install Debian's nodejs, npm)"; exit 0; fi
if [ ! -x "$CHROMIUM" ]; then echo "browser: skipped (no $CHROMIUM; install Debian's chromium)"; exit 0; fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
    echo "browser: skipped (playwright-core not installed: run 'npm ci' in tests/browser)"; exit 0
fi
T=$(mktemp -d /tmp/sweep-browser.XXXXXX)
trap 'rm -rf "$T"' EXIT
if ! ./sweep report -o "$T/rep" tests/fixtures/report > "$T/report.out" 2>&1; then
    echo "FAIL browser: sweep report failed: $(tail -1 "$T/report.out")"; exit 1
fi
SHOT=${SWEEP_SCREENSHOT:-build/browser-report.png}
mkdir -p "$(dirname "$SHOT")"
if SWEEP_CHROMIUM="$CHROMIUM" node tests/browser/report.test.js "$T/rep/report.html" "$SHOT"; then
    echo "browser: ok"
else
    echo "FAIL browser: the report did not render cleanly in chromium (see above)"; exit 1
fi
