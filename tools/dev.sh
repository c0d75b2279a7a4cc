#!/bin/sh
# Zion's developer entry point. Run as root on Debian 12.
#   tools/dev.sh deps    install every Debian package the project needs (idempotent)
#   tools/dev.sh build   configure and build into build/
#   tools/dev.sh test    deps, build, every meson test suite, unit and e2e under ASan/UBSan, the fuzzers
#   tools/dev.sh bench   deps, build, the benchmarks (meson test --benchmark): switching and idle, beside sway
#   tools/dev.sh demo    deps, build, and the main job: the example personas validated, stored, versioned
#   tools/dev.sh format  check the C sources against .clang-format (format --fix rewrites them)
set -eu
cd "$(dirname "$0")/.."

packages="
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev clang-format
  libglib2.0-dev libfyaml-dev
  libwlroots-dev libwayland-dev wayland-protocols libxkbcommon-dev libpixman-1-dev libcairo2-dev
  libpango1.0-dev libdrm-dev fonts-dejavu-core dbus-daemon
  grim wtype weston foot gtk-4-examples swaybg wlr-randr swayidle sway wayland-utils wl-clipboard
  lxc lxc-dev busybox-static xwayland x11-utils xclip mmdebstrap
"

log() { printf '\033[1m== %s\033[0m\n' "$*"; }

deps() {
  missing=""
  for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  # Xwayland's sockets: wlroots refuses a /tmp/.X11-unix that is not root's with the sticky bit
  # (as systemd-tmpfiles makes it on a booted system), and then no desktop gets an X display.
  if [ -d /tmp/.X11-unix ] && [ "$(stat -c %u:%a /tmp/.X11-unix)" != 0:1777 ]; then
    log "deps: /tmp/.X11-unix made root's, mode 1777"
    chown root:root /tmp/.X11-unix
    chmod 1777 /tmp/.X11-unix
  fi
  if [ -z "$missing" ]; then
    log "deps: everything is installed"
    return
  fi
  log "deps: installing$missing"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
}

# setup DIR [meson options]: configures DIR once, builds it every time.
setup() {
  dir=$1
  shift
  werror=false
  [ "${CI:-}" = true ] && werror=true
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" -Dwerror="$werror" "$@"
  fi
  ninja -C "$dir"
}

build() {
  log "build: build/"
  setup build
}

test_all() {
  deps
  build
  log "test: every suite"
  meson test -C build --print-errorlogs
  log "test: unit and e2e suites under AddressSanitizer and UndefinedBehaviorSanitizer"
  setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
  LSAN_OPTIONS="suppressions=$PWD/tests/lsan-suppressions.txt" \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --suite unit --suite e2e --print-errorlogs
  log "test: fuzzers (libFuzzer, clang)"
  CC=clang setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false
  meson test -C build-fuzz --suite fuzz --print-errorlogs
}

demo() {
  deps
  build
  zionctl=build/session-agent/zionctl
  state=$(mktemp -d)
  trap 'rm -rf "$state"' EXIT
  log "demo: the example personas, validated, with their content hashes"
  $zionctl persona validate data/personas/*.yaml
  log "demo: their canonical form (what the hash is taken of)"
  for persona in data/personas/*.yaml; do
    $zionctl persona show --canonical "$persona"
  done
  log "demo: the work persona with every field written out"
  $zionctl persona show data/personas/work.yaml
  log "demo: saved to a store (in $state), then changed and saved again"
  $zionctl --state-dir "$state" persona save data/personas/*.yaml
  sed -e 's/memory: 6G/memory: 8G/' -e 's/TZ: Europe\/Berlin/TZ: Europe\/Lisbon/' \
    -e 's/, openconnect\]/]/' data/personas/work.yaml > "$state/work.yaml"
  $zionctl --state-dir "$state" persona save "$state/work.yaml"
  $zionctl --state-dir "$state" persona list
  $zionctl --state-dir "$state" persona versions work
  log "demo: what changed from version 1 to version 2"
  $zionctl --state-dir "$state" persona diff work@1 work@2
  log "demo: rollback to version 1"
  $zionctl --state-dir "$state" persona rollback work 1
  $zionctl --state-dir "$state" persona versions work
  log "demo: a mistake is named with its file, line, column and field"
  printf 'schema: zion/v1\nname: typo\nresources:\n  memroy: 4G\n' > "$state/typo.yaml"
  $zionctl persona validate "$state/typo.yaml" || true
}

format() {
  files=$(git ls-files '*.c' '*.h')
  if [ "${1:-}" = --fix ]; then
    clang-format -i $files
  else
    clang-format --dry-run --Werror $files
  fi
}

case "${1:-}" in
  deps) deps ;;
  build) deps; build ;;
  test) test_all ;;
  bench) deps; build; meson test -C build --benchmark ;;
  demo) demo ;;
  format) shift; format "$@" ;;
  *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
