#!/usr/bin/env bash
# Sourced by the README's two commands: makes a fresh Debian 12 machine (as root) ready to build and run
# jlvs. Idempotent: installs only what is missing, and exports JAVA_HOME for JDK 25.
set -euo pipefail

JLVS_PACKAGES=(libdpdk-dev dpdk pkg-config gcc maven asciidoctor iproute2 ethtool python3 curl procps iputils-ping tmux)

# The real servers of config/lab/services.sh (one program from Debian per protocol that ldirectord's checks speak)
# and the clients its selftest checks them with. inn2 needs a mail transport agent and cron: dma (a small MTA
# that runs no daemon) is named so that apt does not bring in exim4 as the host's MTA.
# keepalived (VRRP only) is the other end of the VRRP interoperability tests (PairSystemTest, VrrpSystemTest).
# ldirectord, stock, drives a director through jlvs's ipvsadm in LdirectordSystemTest; prometheus (with promtool)
# checks and scrapes the director's metrics in MetricsSystemTest; systemd's systemd-analyze verifies the unit in
# SystemdSystemTest (a slim image may lack it; nothing of it runs here); tshark reads back the pcapng of jlvs
# capture in CaptureSystemTest; ipvsadm (Debian's own, with its libraries) is copied into the QEMU guest of kernel
# LVS in KernelLvsPeerSystemTest.
JLVS_SERVICE_PACKAGES=(
  keepalived ldirectord ipvsadm prometheus systemd tshark nginx tinyproxy-bin dnsmasq-base vsftpd python3-aiosmtpd dovecot-core dovecot-pop3d dovecot-imapd
  slapd mariadb-server postgresql-15 freeradius inn2 dma openssl
  curl bind9-dnsutils ldap-utils mariadb-client postgresql-client-15 freeradius-utils
)

# What appliance-image/build.sh builds the image with (mmdebstrap, and mtools and dosfstools for the ESP, which
# this kernel cannot mount: no vfat), and what ApplianceImageSystemTest boots it with (QEMU, OVMF for UEFI).
JLVS_IMAGE_PACKAGES=(mmdebstrap mtools dosfstools fdisk e2fsprogs unzip binutils qemu-system-x86 ovmf)

jlvs_need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "jlvs: this needs root (network namespaces, DPDK): run it as root or with sudo" >&2
    exit 1
  fi
}

jlvs_install_packages() {
  local missing=()
  for p in "${JLVS_PACKAGES[@]}" "${JLVS_IMAGE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "jlvs: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

jlvs_install_service_packages() {
  local missing=() p
  for p in "${JLVS_SERVICE_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ "${#missing[@]}" -gt 0 ] || return 0
  echo "jlvs: installing ${missing[*]}"
  # Installing must start no daemon on the host: without systemd, invoke-rc.d would run the init.d scripts
  # unless a policy-rc.d says no (exit 101). One that is there already is left as it is.
  local policy=/usr/sbin/policy-rc.d made_policy=0 rc=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# jlvs_install_service_packages: no daemon starts while packages install\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    made_policy=1
  fi
  # inn2's postinst asks innconfval for its paths, which fails where the host name is no FQDN (as "vm" on these
  # machines: "hostname does not resolve or domain not set in inn.conf"). Debian's own inn.conf with a domain,
  # given through INNCONF to the install alone, lets it finish; /etc/news/inn.conf stays as shipped.
  local innconf
  innconf=$(mktemp)
  printf '%s\n' 'mta: "/usr/sbin/sendmail -oi -oem %s"' 'ovmethod: tradindexed' 'hismethod: hisv6' \
    'enableoverview: true' 'domain: jlvs.lab' 'pathnews: /usr/lib/news' 'pathbin: /usr/lib/news/bin' \
    'pathdb: /var/lib/news' 'pathetc: /etc/news' 'pathlog: /var/log/news' 'pathrun: /run/news' \
    'pathspool: /var/spool/news' 'patharticles: /var/spool/news/articles' \
    'pathoverview: /var/spool/news/overview' 'pathincoming: /var/spool/news/incoming' \
    'pathtmp: /var/spool/news/incoming/tmp' 'pathoutgoing: /var/spool/news/outgoing' \
    'patharchive: /var/spool/news/archive' 'pathfilter: /etc/news/filter' \
    'pathcontrol: /usr/lib/news/bin/control' 'pathhttp: /var/www/inn' > "$innconf"
  chmod 644 "$innconf"
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive INNCONF=$innconf \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  } || rc=$?
  rm -f "$innconf"
  if [ "$made_policy" = 1 ]; then rm -f "$policy"; fi
  return "$rc"
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
