#!/bin/sh
# zionctl persona as a user runs it: help, validate, save, versions, diff, rollback and show on a
# temporary store, checking outputs and exit statuses.
set -eu
zionctl=$1
src=${ZION_SOURCE_DIR:?}
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

expect 0 "persona" "$zionctl" --help
expect 0 "rollback NAME VERSION" "$zionctl" persona --help
expect 0 "Make an earlier (or later) version current again" "$zionctl" persona rollback --help
expect 2 "unknown command 'frobnicate'" "$zionctl" frobnicate
expect 2 "unknown command 'frob'" "$zionctl" persona frob

for f in "$src"/data/personas/*.yaml; do
  expect 0 "valid persona '$(basename "$f" .yaml)'" z persona validate "$f"
done

# A mistake is named with its file, line, column and field.
printf 'schema: zion/v1\nname: broken\nresources:\n  memory: lots\n' > "$tmp/broken.yaml"
expect 1 "$tmp/broken.yaml:4:11: resources.memory: expected a size like 4G, got \"lots\"" \
  z persona validate "$tmp/broken.yaml"
expect 1 "no persona named 'broken'" z persona show broken

# Definitions can come through a pipe.
expect 0 "valid persona 'work'" sh -c "cat '$src/data/personas/work.yaml' | '$zionctl' persona validate /dev/stdin"
expect 1 "cannot read $src/data: it is a directory" z persona validate "$src/data"
expect 2 "--state-dir needs a directory" "$zionctl" --state-dir

# JSON and YAML of the same persona have the same hash.
z persona show --canonical "$src/data/personas/work.yaml" > "$tmp/work.json"
yaml_hash=$(z persona validate "$src/data/personas/work.yaml" | sed 's/.*hash //')
json_hash=$(z persona validate "$tmp/work.json" | sed 's/.*hash //')
[ "$yaml_hash" = "$json_hash" ] || fail "YAML hash $yaml_hash differs from JSON hash $json_hash"

expect 0 "work: saved as version 1" z persona save "$src/data/personas/work.yaml"
expect 0 "work: unchanged at version 1" z persona save "$tmp/work.json"
sed 's/memory: 6G/memory: 8G/' "$src/data/personas/work.yaml" > "$tmp/work.yaml"
expect 0 "work: saved as version 2" z persona save "$tmp/work.yaml"
expect 0 '~ resources.memory: "6G" -> "8G"' z persona diff work@1 work
expect 0 "no differences" z persona diff work@2 "$tmp/work.yaml"
expect 0 "*       2" z persona versions work
expect 0 "work: current version is now 1" z persona rollback work 1
expect 0 '"memory": "6G"' z persona show work
expect 0 '"memory": "8G"' z persona show work@2
expect 0 "work             version 1" z persona list
expect 1 "work has no version 5 (latest is 2)" z persona rollback work 5
echo "ok"
