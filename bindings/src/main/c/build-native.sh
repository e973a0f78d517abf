#!/usr/bin/env bash
# Native half of the bindings build, run by Maven (exec-maven-plugin, generate-sources phase):
#   1. compiles and runs gen_offsets.c against the installed DPDK headers, writing the generated Java
#      struct classes and RteConstants into <target>/generated-sources/dpdk;
#   2. compiles lvs_shim.c into <target>/classes/native/linux-x86_64/libjlvs_shim.so so it ships in the jar.
#
# usage: build-native.sh <project.build.directory>
# Skips both steps when the outputs are newer than the inputs and DPDK's pkg-config answer is unchanged.
set -euo pipefail

target=${1:?usage: build-native.sh <project.build.directory>}
src_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CC=${CC:-gcc}

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x86_64 ;;
  Linux-aarch64) platform=linux-aarch64 ;;
  *) echo "build-native.sh: unsupported platform $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

if ! pkg-config --exists libdpdk; then
  echo "build-native.sh: pkg-config cannot find libdpdk; install DPDK's headers (Debian: apt-get install libdpdk-dev)" >&2
  exit 1
fi

gen_root="$target/generated-sources/dpdk"
gen_pkg="$gen_root/io/jlvs/bindings/dpdk"
native_dir="$target/classes/native/$platform"
work="$target/native-build"
shim="$native_dir/libjlvs_shim.so"
stamp="$work/inputs.stamp"

dpdk_cflags=$(pkg-config --cflags libdpdk)
# libdpdk.pc starts its libs with -Wl,--as-needed; drop it so the shim records a DT_NEEDED for every
# DPDK library and one dlsym on the shim handle resolves any rte_* symbol.
dpdk_libs=$(pkg-config --libs libdpdk | sed 's/-Wl,--as-needed//g')
inputs_id="$(pkg-config --modversion libdpdk) $CC $($CC -dumpfullversion) $dpdk_cflags $dpdk_libs"

up_to_date() {
  [[ -f "$stamp" && -f "$shim" && -f "$gen_pkg/rte_mbuf.java" && -f "$gen_pkg/RteConstants.java" ]] || return 1
  [[ "$(cat "$stamp")" == "$inputs_id" ]] || return 1
  [[ -z "$(find "$src_dir" -newer "$stamp" -print -quit)" ]]
}

if up_to_date; then
  echo "build-native.sh: native outputs up to date"
  exit 0
fi

mkdir -p "$gen_pkg" "$native_dir" "$work"
rm -f "$stamp"

# shellcheck disable=SC2086 # word splitting of pkg-config flags is intended
"$CC" -std=gnu11 -O0 -Wall -Wextra -Werror $dpdk_cflags -o "$work/gen_offsets" "$src_dir/gen_offsets.c"
"$work/gen_offsets" "$gen_root"

# shellcheck disable=SC2086
"$CC" -std=gnu11 -O2 -g -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror $dpdk_cflags \
  -o "$shim.tmp" "$src_dir/lvs_shim.c" \
  -Wl,--no-as-needed $dpdk_libs -Wl,-soname,libjlvs_shim.so -Wl,-z,now
mv -f "$shim.tmp" "$shim"

echo "$inputs_id" > "$stamp"
echo "build-native.sh: generated $(ls "$gen_pkg" | wc -l) Java sources in $gen_root; built $shim ($(nm -D --defined-only "$shim" | grep -c ' T lvs_') exported lvs_* functions)"
