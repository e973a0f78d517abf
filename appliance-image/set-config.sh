#!/usr/bin/env bash
# Writes a director's configuration into an appliance image before it first boots: the jlvs-config partition
# (mounted at /etc/jlvs) is made again from DIR (default.conf, ldirectord.cf, ...), the examples kept.
#   appliance-image/set-config.sh jlvs-appliance.img DIR
# Needs sfdisk (fdisk) and mkfs.ext4 (e2fsprogs); no loop device or mount.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 IMAGE DIR" >&2; exit 2; }
img=$1 dir=$2
[ -f "$img" ] || { echo "set-config.sh: no image $img" >&2; exit 1; }
[ -f "$dir/default.conf" ] || { echo "set-config.sh: $dir has no default.conf" >&2; exit 1; }
line=$(sfdisk -d "$img" | grep 'name="jlvs-config"') ||
  { echo "set-config.sh: $img has no jlvs-config partition" >&2; exit 1; }
start=$(sed -E 's/.*start= *([0-9]+).*/\1/' <<<"$line")
size=$(sed -E 's/.*size= *([0-9]+).*/\1/' <<<"$line")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the examples that the image has, kept: read them out of the old partition
mkdir -p "$work/config"
dd if="$img" of="$work/old.img" bs=512 skip="$start" count="$size" status=none
debugfs -R "rdump /examples $work/config" "$work/old.img" >/dev/null 2>&1 || true
cp -a "$dir/." "$work/config/"
mkfs.ext4 -q -L jlvs-config -d "$work/config" "$work/new.img" "$((size / 2))K"
dd if="$work/new.img" of="$img" bs=512 seek="$start" conv=notrunc status=none
echo "set-config.sh: $img's /etc/jlvs is now $dir"
