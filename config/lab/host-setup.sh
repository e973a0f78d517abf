#!/usr/bin/env bash
# Sourced by the README's two commands: makes a fresh Debian 12 machine (as root) ready to build and run
# jlvs. Idempotent: installs only what is missing, and exports JAVA_HOME for JDK 25.
set -euo pipefail

JLVS_PACKAGES=(libdpdk-dev dpdk pkg-config gcc maven iproute2 ethtool python3 curl procps iputils-ping)

jlvs_need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "jlvs: this needs root (network namespaces, DPDK): run it as root or with sudo" >&2
    exit 1
  fi
}

jlvs_install_packages() {
  local missing=()
  for p in "${JLVS_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "jlvs: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

jlvs_select_jdk() {
  local candidates=(/usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/jdk-25*)
  for j in "${candidates[@]}"; do
    if [ -x "$j/bin/javac" ]; then
      export JAVA_HOME="$j"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  if ! dpkg-query -W -f='${Status}' openjdk-25-jdk-headless 2>/dev/null | grep -q "install ok installed"; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-25-jdk-headless >/dev/null 2>&1 || true
  fi
  if [ -x /usr/lib/jvm/java-25-openjdk-amd64/bin/javac ]; then
    export JAVA_HOME=/usr/lib/jvm/java-25-openjdk-amd64
    export PATH="$JAVA_HOME/bin:$PATH"
    return 0
  fi
  echo "jlvs: JDK 25 not found (looked in ${candidates[*]}); install Temurin 25 or openjdk-25-jdk-headless" >&2
  exit 1
}

jlvs_setup_host() {
  jlvs_need_root
  jlvs_install_packages
  jlvs_select_jdk
}
