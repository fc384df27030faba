#!/bin/sh
# Make sure the system Chromium used by tests/browser is installed.
#
# Exit 0 when /usr/bin/chromium exists (installing it first when running as root),
# exit 1 with an actionable message otherwise.
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    echo "ensure-chromium: $CHROMIUM not found; installing the Debian package 'chromium'..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq chromium >/dev/null
    if [ -x "$CHROMIUM" ]; then
        echo "ensure-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)" >&2
        exit 0
    fi
    echo "ensure-chromium: apt-get finished but $CHROMIUM is still missing" >&2
    exit 1
fi

echo "ensure-chromium: $CHROMIUM not found; install Chromium: sudo apt-get install -y chromium" >&2
exit 1
