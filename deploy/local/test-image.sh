#!/usr/bin/env bash
# Builds the image blackstart/testapp:1 used by tests and examples: a busybox-static rootfs imported into
# the local Docker engine (no registry needed). Containers need an explicit command, e.g. /bin/sleep 100000.
set -euo pipefail
image=${1:-blackstart/testapp:1}
if docker image inspect "$image" > /dev/null 2>&1; then exit 0; fi
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && file -L "$busybox" | grep -q static || busybox=/bin/busybox
file -L "$busybox" | grep -q static || { echo "test-image.sh: need a static busybox (apt-get install busybox-static)" >&2; exit 1; }
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc"
cp "$busybox" "$rootfs/bin/busybox"
for c in sh sleep echo true false cat ls env wget nc httpd test touch rm mkdir; do ln -s busybox "$rootfs/bin/$c"; done
tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/sleep","100000"]' - "$image" > /dev/null
echo "built $image"
