#!/bin/sh
# Runs a libFuzzer target for a while on a scratch corpus seeded from the given directories.
# Usage: run-fuzzer.sh FUZZER SECONDS SEED_DIR...
set -eu
fuzzer=$1 seconds=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
for seeds in "$@"; do cp "$seeds"/* "$work/corpus/"; done
# Crash reproducers land in the build directory so that a failing run leaves them to look at.
# libFuzzer reports a finding with exit status 77 by default, which meson reads as "skipped".
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -error_exitcode=1 -timeout_exitcode=1 \
  -print_final_stats=1 -artifact_prefix="${ZION_BUILD_DIR:-.}/" "$work/corpus"
