#!/usr/bin/env bash
# Builds the jlvs appliance: a bootable disk image (raw, GPT) from Debian 12 packages and this tree's build.
#
#   appliance-image/build.sh [--root-password-file FILE] [--out DIR] [--hugepages N] [--if-changed]
#
# --if-changed: nothing is done when the image there was built from the same inputs (this tree's classes, the
# dependencies' names, the image's own files and options), as a test that needs an image of this build asks.
#
# Partitions (GPT, by label):
#   1 ESP          vfat, 128 MiB: systemd-boot, one kernel and initrd per root, a loader entry per root
#   2 jlvs-root-a  ext4: Debian 12 (systemd, udev, iproute2, DPDK's runtime and PMDs, the kernel), a Java runtime
#                  cut to jlvs by jlink, jlvs in /opt/jlvs, its unit enabled as jlvs@default
#   3 jlvs-root-b  ext4, the same size, empty: the other slot of an A/B update (jlvs-update)
#   4 jlvs-config  ext4, 64 MiB, mounted at /etc/jlvs: default.conf, ldirectord.cf and the examples; kept over
#                  updates
# Outputs in --out (default appliance-image/target): jlvs-appliance.img, and for QEMU's direct kernel boot
# vmlinuz and initrd.img; root-password when none was given (a random one, mode 600).
# Needs root (mmdebstrap --mode=root, chroot), Debian's mmdebstrap, mtools, dosfstools, fdisk, e2fsprogs, and a
# JDK 25 (jlink). Only Debian packages and Maven artifacts are downloaded. The Debian root is root.sh's, kept in
# $OUT/root between builds (and the packages in $OUT/apt-cache).
set -euo pipefail

ROOT_DIR=$(cd "$(dirname "$0")/.." && pwd)
HERE=$ROOT_DIR/appliance-image
OUT=$HERE/target
PASSWORD_FILE=
HUGEPAGES=${HUGEPAGES:-512}
ROOT_SIZE_MIB=${ROOT_SIZE_MIB:-1536}
ESP_SIZE_MIB=128
CONFIG_SIZE_MIB=64

IF_CHANGED=0
while [ $# -gt 0 ]; do
  case $1 in
    --if-changed) IF_CHANGED=1; shift ;;
    --root-password-file) PASSWORD_FILE=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --hugepages) HUGEPAGES=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

log() { printf '%s build.sh: %s\n' "$(date +%T)" "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "this needs root (mmdebstrap --mode=root and chroot): run it as root or with sudo"

# what the build needs from the host, and the package that brings it
missing=()
for need in mmdebstrap:mmdebstrap mcopy:mtools mkfs.vfat:dosfstools sfdisk:fdisk mkfs.ext4:e2fsprogs unzip:unzip \
  readelf:binutils; do
  command -v "${need%%:*}" >/dev/null 2>&1 || missing+=("${need#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  die "missing ${missing[*]}: install with 'apt-get install ${missing[*]}' (config/lab/test.sh does)"
fi
# one build at a time in $OUT: a second caller (a test asking for the image while test.sh's early build makes it)
# waits for the first, then finds the image of this build there and does nothing
mkdir -p "$OUT"
exec 8>"$OUT/build.lock"
if ! flock -n 8; then
  log "another build.sh is making the image in $OUT: waiting for it"
  flock 8
fi
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$JAVA_HOME/bin/jlink" ] || die "no JDK 25 at $JAVA_HOME (set JAVA_HOME): jlink cuts the appliance's Java runtime"

JLVS=$ROOT_DIR/controlplane/target
if [ ! -f "$JLVS/jlvs.jvm.args" ] || [ ! -x "$JLVS/bin/ipvsadm" ]; then
  log "building jlvs (mvn package)"
  (cd "$ROOT_DIR" && JAVA_HOME=$JAVA_HOME mvn -B -q package -pl bindings,dataplane,controlplane -DskipTests -DskipITs)
fi

# what the image is made of, to tell whether the one there is of this build
inputs_id=$( {
  find "$ROOT_DIR"/{bindings,dataplane,controlplane}/target/classes "$HERE/rootfs" -type f -print0 | sort -z |
    xargs -0 sha256sum | cut -d' ' -f1
  ls "$JLVS/lib"; sha256sum "$JLVS/bin/ipvsadm" "$JLVS/jlvs.jvm.args" "$HERE/build.sh" "$HERE/root.sh" \
    "$ROOT_DIR/config/systemd/jlvs@.service" "$ROOT_DIR/config/bin/jlvs" | cut -d' ' -f1
  echo "$HUGEPAGES $ROOT_SIZE_MIB $PASSWORD_FILE"
} | sha256sum | cut -d' ' -f1)
if [ "$IF_CHANGED" = 1 ] && [ -f "$OUT/jlvs-appliance.img" ] && [ "$(cat "$OUT/inputs.id" 2>/dev/null)" = "$inputs_id" ]; then
  log "the image in $OUT is of this build: nothing to do"
  exit 0
fi
rm -f "$OUT/inputs.id"

WORK=$OUT/work
mkdir -p "$OUT" "$OUT/apt-cache"
rm -rf "$WORK"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

# 1. the Java runtime: the modules jlvs's jars use, and jdk.compiler and jdk.unsupported for Chronicle
log "jlink: a Java runtime for jlvs"
modules=$("$JAVA_HOME/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps \
  --class-path "$JLVS/lib/*" "$JLVS"/lib/*.jar 2>/dev/null | tail -1)
modules="$modules,jdk.compiler,jdk.unsupported,jdk.management,java.management,jdk.crypto.ec,jdk.zipfs"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --generate-cds-archive \
  --compress=zip-6 --output "$WORK/jre"

# 2. the root: Debian 12, what a director needs and nothing that listens but jlvs (ssh is there, disabled), as
#    root.sh makes it (once for many builds: it keeps it in $OUT/root), copied to be made jlvs's here
bash "$HERE/root.sh" --out "$OUT"
R=$WORK/root
cp -a "$OUT/root" "$R"
#    the shim names every DPDK library it may call: each must be in the root, or the director cannot start
shim=$(unzip -Z1 "$JLVS"/lib/jlvs-bindings-*.jar | grep 'libjlvs_shim.so$')
unzip -q -o -d "$WORK/shim" "$JLVS"/lib/jlvs-bindings-*.jar "$shim"
for lib in $(readelf -d "$WORK/shim/$shim" | sed -n 's/.*NEEDED.*\[\(librte_[^]]*\)\]/\1/p'); do
  [ -e "$R/usr/lib/x86_64-linux-gnu/$lib" ] || die "the root has no $lib, which the shim needs: see root.sh"
done

# 3. jlvs into it
log "installing jlvs"
install -d "$R/opt/jlvs/bin" "$R/opt/jlvs/lib"
cp -a "$WORK/jre" "$R/opt/jlvs/jre"
cp -a "$JLVS"/lib/*.jar "$R/opt/jlvs/lib/"
(cd "$R/opt/jlvs/lib" && ls -1 ./*.jar | LC_ALL=C sort | sed 's|^\./|/opt/jlvs/lib/|' | paste -sd:) > "$R/opt/jlvs/jlvs.classpath"
cp "$JLVS/jlvs.jvm.args" "$R/opt/jlvs/"
# what jlvs-update names a slot by
echo "$(cd "$ROOT_DIR" && git describe --always --dirty 2>/dev/null || echo unknown), built $(date -u +%Y-%m-%dT%H:%MZ)" \
  > "$R/opt/jlvs/build-info"

install -m 755 "$JLVS/bin/ipvsadm" "$R/opt/jlvs/bin/ipvsadm"
install -m 755 "$ROOT_DIR/config/bin/jlvs" "$R/opt/jlvs/bin/jlvs"
install -m 644 "$ROOT_DIR/README.md" "$R/opt/jlvs/README.md"
ln -sf /opt/jlvs/bin/jlvs "$R/usr/bin/jlvs"
ln -sf /opt/jlvs/bin/ipvsadm "$R/usr/sbin/ipvsadm"
install -d "$R/usr/local/share/man/man1"
cp "$JLVS"/man/*.1 "$R/usr/local/share/man/man1/"
install -m 644 "$JLVS/bin/jlvs_completion" "$R/usr/share/bash-completion/completions/jlvs"
install -m 644 "$ROOT_DIR/config/systemd/jlvs@.service" "$R/etc/systemd/system/jlvs@.service"
cp -a "$HERE/rootfs/." "$R/"
install -d "$R/etc/jlvs/examples"
for example in director.conf director2.conf ldirectord.cf vrrp-dir.conf; do
  install -m 644 "$ROOT_DIR/config/lab/$example" "$R/etc/jlvs/examples/$example"
done
# the launcher finds the runtime here
sed -i 's|^args=("\$@")|[ -x /opt/jlvs/jre/bin/java ] \&\& [ "$JLVS_HOME" = /opt/jlvs ] \&\& JAVA_HOME=/opt/jlvs/jre\nargs=("$@")|' \
  "$R/opt/jlvs/bin/jlvs"

# class data sharing: a training run of jlvs check inside the root, at the paths it runs from, archives the classes
# it loaded, so that every later JVM (each jlvs command, the director) maps them instead of loading them. Class
# data only: the JDK's AOT cache also keeps code made for the build host's CPU, which an appliance's CPU may not
# have (it died of SIGILL under QEMU's Nehalem). A JVM that finds the archive unusable starts without it.
mount -t proc proc "$R/proc"
if chroot "$R" /opt/jlvs/jre/bin/java -XX:ArchiveClassesAtExit=/opt/jlvs/jlvs.jsa @/opt/jlvs/jlvs.jvm.args \
  -cp "$(<"$R/opt/jlvs/jlvs.classpath")" io.jlvs.controlplane.Jlvs check -s /etc/jlvs/examples/director.conf \
  >"$WORK/cds.log" 2>&1 ||
  [ -s "$R/opt/jlvs/jlvs.jsa" ]; then
  # an archive the JVM cannot use (another JDK, other jars) is passed over quietly: it only costs the time
  printf ' -XX:SharedArchiveFile=/opt/jlvs/jlvs.jsa -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off\n' \
    >> "$R/opt/jlvs/jlvs.jvm.args"
  log "class data archive: $(du -h "$R/opt/jlvs/jlvs.jsa" | cut -f1)"
else
  log "no class data archive (the training run failed: $(tail -1 "$WORK/cds.log")); the JVMs start without it"
fi
umount "$R/proc"

# 4. the system: hostname, fstab by label, units, root's password, no ssh until asked
echo jlvs > "$R/etc/hostname"
cat > "$R/etc/fstab" <<FSTAB
# jlvs appliance: the root is the slot the loader booted (root= on the kernel's command line)
PARTLABEL=jlvs-config  /etc/jlvs  ext4  defaults,nofail,x-systemd.device-timeout=90s  0 2
PARTLABEL=ESP          /boot/efi  vfat  defaults,nofail,umask=0077,x-systemd.device-timeout=90s  0 2
tmpfs                  /tmp       tmpfs defaults,nosuid,nodev  0 0
FSTAB
install -d "$R/boot/efi"
chroot "$R" systemctl enable jlvs@default.service jlvs-boot-commit.service systemd-networkd.service >/dev/null 2>&1
# the NICs are DPDK's and have no kernel address, so "online" never comes: wait-online would hold every unit that
# wants network-online.target (jlvs@ does) for its two minutes' timeout at each boot
chroot "$R" systemctl disable systemd-networkd-wait-online.service >/dev/null 2>&1
chroot "$R" systemctl disable ssh.service >/dev/null 2>&1 || true
rm -f "$R/etc/ssh/ssh_host_"*  # made again at the first start of ssh, per machine
if [ -n "$PASSWORD_FILE" ]; then
  password=$(head -1 "$PASSWORD_FILE")
else
  password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | head -c 16)
  (umask 077; echo "$password" > "$OUT/root-password")
  log "root's password is in $OUT/root-password"
fi
echo "root:$password" | chroot "$R" chpasswd

# 5. the partitions' contents: the ESP (systemd-boot and the kernels, written with mtools: no vfat mount here),
#    root A, an empty root B, the configuration
log "making the partitions"
KVER=$(basename "$(ls -d "$R"/lib/modules/*)")
cp "$R/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
cp "$R/boot/initrd.img-$KVER" "$OUT/initrd.img"
# rw: the root is whichever slot the loader booted, so no fstab line can name it for a remount
CMDLINE="rw console=tty0 console=ttyS0,115200 hugepagesz=2M hugepages=$HUGEPAGES"
ESP=$WORK/esp.img
mkfs.vfat -C -n ESP "$ESP" $((ESP_SIZE_MIB * 1024)) >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$ESP" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries ::/jlvs-a ::/jlvs-b
mcopy -i "$ESP" "$R/usr/lib/systemd/boot/efi/systemd-bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$ESP" "$OUT/vmlinuz" ::/jlvs-a/vmlinuz
mcopy -i "$ESP" "$OUT/initrd.img" ::/jlvs-a/initrd.img
printf 'default jlvs-a.conf\ntimeout 3\nconsole-mode keep\n' > "$WORK/loader.conf"
printf 'title jlvs (slot A) %s\nlinux /jlvs-a/vmlinuz\ninitrd /jlvs-a/initrd.img\noptions root=PARTLABEL=jlvs-root-a %s\n' \
  "$(cat "$R/opt/jlvs/build-info")" "$CMDLINE" > "$WORK/jlvs-a.conf"
mcopy -i "$ESP" "$WORK/loader.conf" ::/loader/loader.conf
mcopy -i "$ESP" "$WORK/jlvs-a.conf" ::/loader/entries/jlvs-a.conf

CONFIG=$WORK/config
mv "$R/etc/jlvs" "$CONFIG"
install -d "$R/etc/jlvs"
mkfs.ext4 -q -L jlvs-config -d "$CONFIG" "$WORK/config.img" "${CONFIG_SIZE_MIB}M"
mkfs.ext4 -q -L jlvs-root-a -d "$R" "$WORK/root-a.img" "${ROOT_SIZE_MIB}M"
mkfs.ext4 -q -L jlvs-root-b "$WORK/root-b.img" "${ROOT_SIZE_MIB}M"

# 6. the disk: GPT, the partitions at 1 MiB boundaries
log "assembling the disk image"
IMG=$OUT/jlvs-appliance.img
rm -f "$IMG"
total=$((1 + ESP_SIZE_MIB + 2 * ROOT_SIZE_MIB + CONFIG_SIZE_MIB + 1))
truncate -s "${total}M" "$IMG"
sfdisk -q "$IMG" <<PARTS
label: gpt
start=1MiB, size=${ESP_SIZE_MIB}MiB, type=uefi, name=ESP
size=${ROOT_SIZE_MIB}MiB, type=linux, name=jlvs-root-a
size=${ROOT_SIZE_MIB}MiB, type=linux, name=jlvs-root-b
size=${CONFIG_SIZE_MIB}MiB, type=linux, name=jlvs-config
PARTS
offset=1
for part in esp root-a root-b config; do
  dd if="$WORK/$part.img" of="$IMG" bs=1M seek="$offset" conv=notrunc,sparse status=none
  offset=$((offset + $(stat -c %s "$WORK/$part.img") / 1048576))
done
echo "$inputs_id" > "$OUT/inputs.id"
log "done: $IMG ($(du -h --apparent-size "$IMG" | cut -f1), $(du -h "$IMG" | cut -f1) written), kernel $KVER"
