#!/usr/bin/env bash
# The tests: unit tests, the in-process DPDK tests and the system tests in the lab (mvn verify).
# Installs what it needs first. .ci/run calls exactly this.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=host-setup.sh
. "$HERE/host-setup.sh"
jlvs_setup_host
jlvs_install_service_packages  # the real servers the health checks are tested against (services.sh)
trap 'bash "$HERE/lab.sh" down >/dev/null 2>&1 || true' EXIT
cd "$ROOT"
mvn -B verify
