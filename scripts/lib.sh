# shellcheck shell=bash
# lib.sh: helpers shared by the nimbus pipeline scripts (sourced, never run).

NIMBUS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(realpath -m -- "${BUILD:-$NIMBUS_TOP/build}")
RESULTS=$(realpath -m -- "${RESULTS:-$NIMBUS_TOP/results}")
CONFIGS=${NIMBUS_CONFIGS:-$NIMBUS_TOP/configs}
# The LTS series the patches are for, and the exact release they were last
# verified on (patches/BASE); Debian ships each 6.12.y as linux-source-6.12.
SERIES=6.12
SRC_TARBALL=${SRC_TARBALL:-/usr/src/linux-source-$SERIES.tar.xz}
VERIFIED_BASE=$(sed -n 1p "$NIMBUS_TOP/patches/BASE")
# The prepared (copied + patched) tree every flavor builds from.
TREE=$BUILD/src/linux
KARCH=x86_64
# QEMU's local APIC timer input clock (kHz), for lapic_timer_khz= (our
# patch x86/0001): tests skip the ~200 ms timer calibration at each boot.
QEMU_LAPIC_KHZ=1000000

prog=$(basename "$0")

die() {
	echo "$prog: error: $*" >&2
	exit 1
}

log() {
	echo "$prog: $*"
}

warn() {
	echo "$prog: warning: $*" >&2
}

# kernel_version DIR: print VERSION.PATCHLEVEL.SUBLEVEL of the tree in DIR
kernel_version() {
	[ -f "$1/Makefile" ] || return 1
	awk -F' *= *' '$1=="VERSION"{v=$2} $1=="PATCHLEVEL"{p=$2}
		$1=="SUBLEVEL"{s=$2} END{if (v=="" || p=="") exit 1; print v "." p "." s}' "$1/Makefile"
}

# flavor_fragments FLAVOR: print the fragment paths a flavor lists, in merge
# order, following "include OTHER" lines.
flavor_fragments() {
	local f=$CONFIGS/flavors/$1 line
	[ -f "$f" ] || die "unknown flavor '$1' (no $CONFIGS/flavors/$1; have: $(ls "$CONFIGS/flavors" | tr '\n' ' '))"
	while read -r line; do
		line=${line%%#*}
		line=$(echo "$line" | xargs)
		case "$line" in
		"") ;;
		include\ *) flavor_fragments "${line#include }" ;;
		*)
			[ -f "$CONFIGS/$line" ] ||
				die "flavor $1 lists '$line' but $CONFIGS/$line does not exist"
			echo "$CONFIGS/$line" ;;
		esac
	done < "$f"
}

# kmake ARGS...: make in the prepared tree (out of tree with O=). ccache, when
# installed, comes in through its gcc symlinks in /usr/lib/ccache, so the
# compiler is "gcc" in every command line whether or not ccache is there.
# CCACHE_BASEDIR makes the cache hit across checkouts at other paths (a CI
# clone reuses what a developer's tree compiled). CCACHE_DEPEND: ccache takes
# the headers from the compiler's own -MMD file instead of running the
# preprocessor a second time on every miss (net/core/dev.c: 4.6 s to compile,
# +1.1 s to preprocess), so a build with an empty cache costs what one
# without ccache does. CCACHE_MAXSIZE: cloud's objects carry DWARF (for its
# BTF); with debug's they can outgrow ccache's default 5 GB, and an evicted
# object is a miss for the next clone's build. 20 GB holds both flavors.
kmake() {
	PATH=/usr/lib/ccache:$PATH CCACHE_BASEDIR=$NIMBUS_TOP CCACHE_NOHASHDIR=1 CCACHE_DEPEND=1 \
		CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G} make -C "$TREE" ARCH=$KARCH "$@"
}

# step NAME CMD...: run CMD, print its duration
step() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s.%N)
	echo "==> $name"
	rc=0
	"$@" || rc=$?
	printf '<== %s: %s in %.1f s\n' "$name" "$([ $rc = 0 ] && echo ok || echo "FAILED ($rc)")" \
		"$(echo "$(date +%s.%N) - $t0" | bc)"
	return $rc
}

# build_tool NAME [SRC]: compile SRC (default scripts/NAME.c; our C helpers)
# into build/tools/NAME when missing or older than its source; print its path.
build_tool() {
	local src=${2:-$NIMBUS_TOP/scripts/$1.c} bin=$BUILD/tools/$1
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		mkdir -p "$BUILD/tools"
		gcc -O2 -Wall -Wextra -Werror -o "$bin" "$src" >&2 || die "cannot build $src"
	fi
	echo "$bin"
}
