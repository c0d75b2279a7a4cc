#!/bin/sh
# tools/demo-session.sh BUILD_DIR: the whole path on this machine, headless. zion-agent and
# zion-compositor on a private bus; two personas become two LXC desktops over the host's root;
# a Wayland client runs inside each; Super+1 and Super+2 switch between them; one is hibernated
# and resumed. Screenshots land in /tmp/zion-demo/*.png. Needs root (containers, a loop mount).
set -eu
build=$1
demo=/tmp/zion-demo
zionctl=$build/session-agent/zionctl

log() { printf '\033[1m== %s\033[0m\n' "$*"; }

cleanup() {
  set +e
  for desktop in work play; do "$zionctl" desktop deactivate "$desktop" >/dev/null 2>&1; done
  for pid in "$demo/compositor.pid" "$demo/agent.pid" "$demo/bus.pid"; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null
  done
  sleep 0.5
  mountpoint -q "$demo/state" && umount "$demo/state"
}

if mountpoint -q "$demo/state" 2>/dev/null; then umount "$demo/state"; fi
rm -rf "$demo"
mkdir -p "$demo/run" "$demo/state"
chmod 700 "$demo/run"
trap cleanup EXIT

# The base "host" needs the state on a file system of its own (OverlayFS refuses a layer inside
# the base it goes over): a sparse ext4 image through a loop device.
log "demo-session: the agent's state on an ext4 image ($demo/state)"
truncate -s 2G "$demo/state.img"
mkfs.ext4 -q -F "$demo/state.img"
mount -o loop "$demo/state.img" "$demo/state"

export XDG_RUNTIME_DIR="$demo/run"
dbus-daemon --session --fork --print-address=3 --print-pid=4 3>"$demo/bus" 4>"$demo/bus.pid"
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$demo/bus")
export DBUS_SESSION_BUS_ADDRESS ZION_AGENT_BUS="$DBUS_SESSION_BUS_ADDRESS"

log "demo-session: zion-agent and zion-compositor (headless) on a private bus"
ZION_LXC_START_HELPER="$build/session-agent/zion-lxc-start" \
  "$build/session-agent/zion-agent" --bus-address "$ZION_AGENT_BUS" --state-dir "$demo/state" \
  --bridge zdemo0 >"$demo/agent.log" 2>&1 &
echo $! >"$demo/agent.pid"
cat >"$demo/compositor.conf" <<EOF
[desktop work]
color=#3584e4
[desktop play]
color=#e01b24
EOF
WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
  "$build/compositor/zion-compositor" --config "$demo/compositor.conf" --socket wayland-zion \
  >"$demo/compositor.log" 2>&1 &
echo $! >"$demo/compositor.pid"
for _ in $(seq 100); do [ -S "$demo/run/wayland-zion" ] && break; sleep 0.1; done
export WAYLAND_DISPLAY=wayland-zion

log "demo-session: two personas over the host's root, two desktops"
cat >"$demo/work.yaml" <<EOF
schema: zion/v1
name: work
appearance:
  color: "#3584e4"
env:
  TEAM: platform
resources:
  memory: 2G
EOF
cat >"$demo/play.yaml" <<EOF
schema: zion/v1
name: play
appearance:
  color: "#e01b24"
network:
  mode: none
EOF
"$zionctl" persona save "$demo/work.yaml" "$demo/play.yaml"
for desktop in work play; do
  "$zionctl" desktop create "$desktop" "$desktop"
  "$zionctl" desktop activate "$desktop" \
    --wayland-socket "$demo/run/zion/desktops/$desktop/wayland-0"
done
"$zionctl" desktop list

log "demo-session: weston-simple-shm inside each desktop's container"
for desktop in work play; do "$zionctl" desktop run "$desktop" -- weston-simple-shm; done
sleep 1.5
wtype -M logo 1 -m logo
sleep 0.5
grim "$demo/work.png"
wtype -M logo 2 -m logo
sleep 0.5
grim "$demo/play.png"

log "demo-session: play hibernated (frozen; its window dimmed), then resumed"
"$zionctl" desktop hibernate play
sleep 0.3
grim "$demo/play-hibernated.png"
"$zionctl" desktop usage play
"$zionctl" desktop resume play
"$zionctl" desktop list

log "demo-session: screenshots in $demo: work.png, play.png, play-hibernated.png"
