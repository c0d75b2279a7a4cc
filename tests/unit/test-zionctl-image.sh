#!/bin/sh
# zionctl image as a user runs it: build a busybox image with its progress, list it beside host,
# refuse mistakes with a clear message and status, delete it. Needs root (owners in the image).
set -eu
zionctl=$1
[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
z() { "$zionctl" --state-dir "$tmp/state" "$@"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect STATUS EXPECTED-SUBSTRING COMMAND...
  want_status=$1 want_text=$2; shift 2
  set +e; out=$("$@" 2>&1); status=$?; set -e
  [ "$status" = "$want_status" ] || fail "$* exited $status, expected $want_status: $out"
  case $out in *"$want_text"*) ;; *) fail "$* printed '$out', expected '$want_text'" ;; esac
}

expect 0 "image" "$zionctl" --help
expect 0 "build NAME --busybox|--debian [--suite SUITE]" "$zionctl" image --help
expect 2 "give one NAME and one of --busybox and --debian" z image build tiny
expect 2 "give one NAME and one of --busybox and --debian" z image build tiny --busybox --debian
expect 2 "--suite goes with --debian" z image build tiny --busybox --suite trixie

expect 0 "[1/4] busybox and its applets" z image build tiny --busybox
out=$(z image list)
echo "$out" | grep -Eq '^host +host +- +[0-9a-f]{32} +-$' || fail "no host line in: $out"
echo "$out" | grep -Eq '^tiny +busybox +- +[0-9a-f]{32} +[0-9]{4}-[0-9]{2}-[0-9]{2} ' ||
  fail "no tiny line in: $out"
[ "$(readlink "$tmp/state/images/tiny/rootfs/bin/sh")" = busybox ] || fail "bin/sh is not a relative link"
[ -x "$tmp/state/images/tiny/rootfs/sbin/init" ] || fail "no init"

expect 1 "an image called 'tiny' exists already" z image build tiny --busybox
expect 1 "'Tiny' cannot name an image" z image build Tiny --busybox
expect 1 "'host' cannot name an image" z image build host --busybox
expect 1 "the host image is the host's own root and cannot be deleted" z image delete host
expect 0 "tiny: deleted" z image delete tiny
expect 1 "no base image called 'tiny'" z image delete tiny
[ -z "$(ls -A "$tmp/state/images")" ] || fail "images/ is not empty: $(ls -A "$tmp/state/images")"
echo "ok"
