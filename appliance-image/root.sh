#!/usr/bin/env bash
# The appliance's Debian 12 root, as mmdebstrap makes it from Debian's packages alone, kept in $OUT/root with
# root.id (what it was made of), so that build.sh copies it rather than making it again for every build of jlvs,
# and config/lab/test.sh can make it while Maven builds (it needs nothing of this tree's build).
#
#   appliance-image/root.sh [--out DIR]
#
# Debian 12: systemd, udev, iproute2, the kernel and its initrd, ssh (disabled by the image), and DPDK: the
# runtime package of every library libdpdk.pc names (build-native.sh links the shim with all of them, so that
# one lookup finds any rte_* symbol), as this host's packages map them, and the PMDs of every NIC, bus and
# mempool driver Debian builds. The initrd is made once, at the end: the kernel's own hook is held back
# (INITRD=No) because packages set up after the kernel would have initramfs-tools make it a second time.
# One maker at a time: a second caller waits for the first (flock on $OUT/root.lock) and finds its root.
# The packages are kept in $OUT/apt-cache between builds. Needs root and Debian's mmdebstrap.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/target
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "root.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

log() { printf '%s root.sh: %s\n' "$(date +%T)" "$*" >&2; }
die() { printf 'root.sh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "this needs root (mmdebstrap --mode=root): run it as root or with sudo"
command -v mmdebstrap >/dev/null 2>&1 || die "missing mmdebstrap: install with 'apt-get install mmdebstrap'"
pkg-config --exists libdpdk 2>/dev/null || die "pkg-config cannot find libdpdk: install libdpdk-dev"

mkdir -p "$OUT/apt-cache"
exec 9>"$OUT/root.lock"
flock 9

rte=$(pkg-config --libs libdpdk | tr ' ' '\n' | sed -n 's|^-l\(rte_.*\)|/usr/lib/x86_64-linux-gnu/lib\1.so|p' |
  xargs readlink -f | xargs dpkg -S | cut -d: -f1 | sort -u | tr '\n' ',')
[ -n "$rte" ] || die "libdpdk.pc names no rte library"
PACKAGES=systemd,systemd-sysv,systemd-boot,udev,dbus,kmod,iproute2,ethtool,procps,less,nano,man-db,bash-completion,\
linux-image-amd64,initramfs-tools,zstd,dpdk,${rte}librte-meta-net,librte-meta-bus,librte-meta-mempool,\
openssh-server,ca-certificates,tzdata,pciutils,fdisk

root_id=$( { echo "$PACKAGES $MIRROR $SECURITY_MIRROR"; cat "$0"; } | sha256sum | cut -d' ' -f1)
if [ -d "$OUT/root" ] && [ "$(cat "$OUT/root.id" 2>/dev/null)" = "$root_id" ]; then
  log "the Debian root in $OUT/root is of these packages: kept"
  exit 0
fi
rm -rf "$OUT/root" "$OUT/root.id" "$OUT/root.new"

log "mmdebstrap: Debian 12 root"
start=$SECONDS
INITRD=No mmdebstrap --variant=minbase --mode=root --components=main --include="$PACKAGES" \
  --aptopt='Acquire::Languages "none"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --skip=cleanup/apt/cache \
  --setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
  --setup-hook="sync-in $OUT/apt-cache /var/cache/apt/archives" \
  --customize-hook="sync-out /var/cache/apt/archives $OUT/apt-cache" \
  --customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
  --customize-hook='chroot "$1" sh -c "update-initramfs -c -k \"\$(ls /lib/modules)\""' \
  bookworm "$OUT/root.new" "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" \
  "deb $SECURITY_MIRROR bookworm-security main" >"$OUT/root.log" 2>&1 ||
  { tail -30 "$OUT/root.log" >&2; die "mmdebstrap failed (the end of $OUT/root.log is above)"; }
kver=$(ls "$OUT/root.new/lib/modules")
[ -f "$OUT/root.new/boot/initrd.img-$kver" ] || die "no initrd for kernel $kver in the root ($OUT/root.log)"
mv "$OUT/root.new" "$OUT/root"
echo "$root_id" > "$OUT/root.id"
log "Debian root made in $((SECONDS - start)) s: $OUT/root (kernel $kver)"
