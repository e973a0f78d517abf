#!/usr/bin/env bash
# The tests: unit tests, the in-process DPDK tests and the system tests in the lab (mvn verify).
# Installs what it needs first. .ci/run calls exactly this.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=host-setup.sh
. "$HERE/host-setup.sh"
jlvs_setup_host
# the appliance image's Debian root needs nothing of this build: made meanwhile (about 3 minutes of one core, at
# the lowest priority, so that the lab's tests keep their timing), it is ready when the tests that boot the image
# ask build.sh for it (build.sh waits for it, or makes it itself)
mkdir -p "$ROOT/appliance-image/target"
nice -n 19 bash "$ROOT/appliance-image/root.sh" > "$ROOT/appliance-image/target/root-sh.log" 2>&1 &
root_sh=$!
# each step may find nothing left to stop: under set -e a failing command in the trap would be the script's status
end_root_sh_and_lab() {
    pkill -P "$root_sh" 2>/dev/null || true
    kill "$root_sh" 2>/dev/null || true
    bash "$HERE/lab.sh" down >/dev/null 2>&1 || true
}
trap end_root_sh_and_lab EXIT
jlvs_install_service_packages  # the real servers the health checks are tested against (services.sh)
cd "$ROOT"
# -DprebuildImage: the image itself is made in the background as well, once this build's jars exist (controlplane's
# pom), so that the QEMU tests, which run after the lab's, need not wait for it
mvn -B verify -DprebuildImage
