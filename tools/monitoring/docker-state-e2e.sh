#!/usr/bin/env bash
# Runs the generated docker-state pusher for real against a Docker daemon, the way the program deploys it:
# created first, its script uploaded the way the docker provider does it (tar entry with the absolute path,
# extracted at "/", which Docker allows only with a writable root), then started with cap-drop ALL,
# no-new-privileges, a tmpfs /tmp and the daemon socket mounted read-only. Beside it: an unhealthy container,
# a crash-looping one, and a fake Pushgateway (busybox nc) that keeps the last body it received.
# Checks the pushed body with `promtool check metrics` and for the expected health/restart values.
#
# Needs: a daemon reachable with DOCKER_HOST (or the default socket) whose socket path is DAEMON_SOCKET, a static
# busybox and a static docker CLI on this machine (they make a scratch image, so no registry is needed),
# python3 and promtool. Not part of CI: it needs a daemon that can run containers. Usage:
#   DAEMON_SOCKET=/var/run/docker.sock bash tools/monitoring/docker-state-e2e.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SOCK="${DAEMON_SOCKET:-/var/run/docker.sock}"
BUSYBOX="$(command -v busybox)"
DOCKER_BIN="$(command -v docker)"
for f in "$BUSYBOX" "$DOCKER_BIN"; do
  file "$f" | grep -q "statically linked" || { echo "docker-state-e2e: $f is not statically linked; cannot build the scratch image" >&2; exit 2; }
done
docker info >/dev/null

work="$(mktemp -d)"
names=(minidock-e2e-postgres-1 minidock-e2e-agent-1 minidock-e2e-pushgateway-1 minidock-e2e-docker-state-1)
cleanup() {
  docker rm -f "${names[@]}" >/dev/null 2>&1 || true
  docker volume rm minidock-e2e-docker-state-config >/dev/null 2>&1 || true
  docker network rm minidock-e2e >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/rootfs/bin" "$work/rootfs/usr/local/bin" "$work/rootfs/tmp"
cp "$BUSYBOX" "$work/rootfs/bin/busybox"
for a in sh awk wget date test touch sleep cat nc mv printf; do ln -s busybox "$work/rootfs/bin/$a"; done
cp "$DOCKER_BIN" "$work/rootfs/usr/local/bin/docker"
IMG=minidock-e2e/busybox-docker:1
tar -C "$work/rootfs" -c . | docker import -c 'ENV PATH=/usr/local/bin:/bin' - "$IMG" >/dev/null
node -r ts-node/register/transpile-only -e 'process.stdout.write(require("./lib/platform/monitoring/dockerState").dockerStateScript(5))' > "$work/docker-state.sh"

docker network create minidock-e2e >/dev/null
L=(--label minidock.project=minidock --label minidock.host=e2e)
docker run -d --name minidock-e2e-pushgateway-1 --network minidock-e2e --network-alias pushgateway "${L[@]}" \
  --label minidock.service=pushgateway --label minidock.tier=platform "$IMG" \
  sh -c 'while true; do printf "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" | nc -l -p 9091 > /tmp/req.new; mv /tmp/req.new /tmp/req; done' >/dev/null
docker run -d --name minidock-e2e-postgres-1 --network none "${L[@]}" --label minidock.service=postgres --label minidock.tier=workload \
  --health-cmd false --health-interval 2s --health-retries 1 "$IMG" sleep 100000 >/dev/null
docker run -d --name minidock-e2e-agent-1 --network none "${L[@]}" --label minidock.service=agent --label minidock.tier=workload \
  --restart always "$IMG" sh -c 'sleep 1; exit 1' >/dev/null
docker volume create minidock-e2e-docker-state-config >/dev/null
# shellcheck disable=SC2016 # the healthcheck is evaluated by the container's shell
id="$(docker create --name minidock-e2e-docker-state-1 --network minidock-e2e "${L[@]}" --label minidock.service=docker-state \
  --label minidock.tier=platform --read-only=false --cap-drop ALL --security-opt no-new-privileges:true \
  --tmpfs /tmp:rw,noexec,nosuid,nodev,size=64m -v minidock-e2e-docker-state-config:/etc/minidock \
  --mount "type=bind,source=$SOCK,target=/var/run/docker.sock,readonly" \
  --health-cmd 'test -f /tmp/pushed && test $(( $(date +%s) - $(date -r /tmp/pushed +%s) )) -lt 15' --health-interval 3s \
  --entrypoint /bin/sh "$IMG" /etc/minidock/docker-state.sh)"

# Upload exactly as the provider does: PUT /containers/<id>/archive?path=/ with an absolute entry name.
python3 - "$id" "$work/docker-state.sh" <<'PY'
import http.client, io, os, socket, sys, tarfile, time
host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
class Unix(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(host[len("unix://"):])
data = open(sys.argv[2], "rb").read()
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as t:
    info = tarfile.TarInfo("/etc/minidock/docker-state.sh"); info.size = len(data); info.mode = 0o644; info.mtime = time.time()
    t.addfile(info, io.BytesIO(data))
c = Unix("localhost")
c.request("PUT", f"/containers/{sys.argv[1]}/archive?path=/", body=buf.getvalue(), headers={"Content-Type": "application/x-tar"})
r = c.getresponse()
if r.status != 200:
    sys.exit(f"upload failed: {r.status} {r.read().decode()}")
PY
docker start minidock-e2e-docker-state-1 >/dev/null
sleep 20

body="$(docker exec minidock-e2e-pushgateway-1 cat /tmp/req | sed '1,/^\r*$/d')"
printf '%s\n' "$body" | promtool check metrics
grep -q 'minidock_container_health{container="minidock-e2e-postgres-1",service="postgres",host="e2e",tier="workload",status="unhealthy"} 1' <<<"$body"
grep -Eq 'minidock_container_restarts\{container="minidock-e2e-agent-1",[^}]*\} [1-9]' <<<"$body"
[ "$(docker inspect -f '{{.State.Health.Status}}' minidock-e2e-docker-state-1)" = healthy ]
echo "docker-state-e2e: OK (unhealthy and restarting containers reported; pusher healthy)"
