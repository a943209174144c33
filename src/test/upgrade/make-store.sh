#!/usr/bin/env bash
# Makes src/test/resources/upgrade/store-<commit>.tar.gz: a single router node's data directory, written by
# the build of <commit>, with the state MakeUpgradeStore.java gives it, plus the peers' keys and what the
# upgrade test (peerlink.e2e.UpgradeIT) must find. Run from the repository root:
#
#   src/test/upgrade/make-store.sh 59c4082
#
# It builds <commit> in a temporary worktree (Maven must reach its packages or have them), starts
# `bin/peerlink server` there on free ports with a checkpoint every 40 events, runs the generator against it,
# and stops the node with SIGTERM, as an operator stops a node to upgrade it.
set -euo pipefail
commit=${1:?usage: $0 <commit>}
root=$(pwd)
work=$(mktemp -d /tmp/peerlink-upgrade-XXXXXX)
tree="$work/tree"
out="$work/out"
mkdir -p "$out/home"
git worktree add --detach "$tree" "$commit" >/dev/null
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  git -C "$root" worktree remove --force "$tree" || true
}
trap cleanup EXIT
(cd "$tree" && ./mvnw -q -B -Dmaven.test.skip=true package)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); cluster=$(free_port); ops=$(free_port)
JAVA_OPTS="-Dpeerlink.router.snapshot-every=40" PEERLINK_NO_BUILD=1 "$tree/bin/peerlink" server --port "$port" \
  --cluster-port "$cluster" --ops-port "$ops" --seeds "127.0.0.1:$cluster" --data "$out/router-data" >"$work/router.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$ops/ready" >/dev/null 2>&1 && break
  sleep 1
done
java -cp "$tree/target/peerlink-client.jar:$tree/target/client-lib/*" "$root/src/test/upgrade/MakeUpgradeStore.java" \
  "127.0.0.1:$port" "$tree/conf/tls/ca.crt" "$out/home" "$out/expected.json"
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=
echo "$commit" >"$out/build"
grep -i "checkpoint" "$work/router.log" | tail -3 || true
mkdir -p "$root/src/test/resources/upgrade"
tar -C "$out" -czf "$root/src/test/resources/upgrade/store-$commit.tar.gz" router-data home expected.json build
echo "wrote src/test/resources/upgrade/store-$commit.tar.gz (node log: $work/router.log)"
