#!/usr/bin/env bash
# scripts/setup.sh - prepare everything pkvmkit needs to build and test.
#
# Idempotent; every make target that builds or boots runs it first. It
#   1. selects the kernel: PKVMKIT_KERNEL=6.1 (Debian 12 bookworm, the
#      default) or PKVMKIT_KERNEL=6.12 (Debian 13 trixie); the choice is
#      kept in .deps/kernel, so later runs without the variable keep it;
#   2. installs the host packages (cross compiler, QEMU, debootstrap, ...);
#   3. resolves that suite's current arm64 kernel ABI from its
#      linux-image-arm64 metapackage (or takes $PKVMKIT_KERNEL_ABI), through
#      a private apt configuration under .deps/apt/<suite>/: the machine's
#      /etc/apt and dpkg state are not touched;
#   4. downloads (never installs) that kernel image, its headers, their
#      kbuild host tools (amd64) and a static arm64 busybox of the suite, and
#      unpacks them under .deps/<abi>/root/;
#   5. fixes the headers tree so out-of-tree arm64 modules build against it;
#   6. when the kernel was built with a compiler the host does not have (the
#      trixie kernel: gcc 14 on a bookworm host), makes a toolchain root of
#      the kernel's suite with debootstrap (.deps/toolchain/<suite>/): its
#      gcc, pahole and the libraries kbuild's host tools need. scripts/kbuild
#      runs kbuild inside it;
#   7. checks all that by cross-building a hello-world module (scripts/kbuild,
#      which also checks the .ko against what the kernel requires);
#   8. points .deps/current at .deps/<abi> and writes a stamp, so that the
#      next run only re-checks cheaply and returns in a second or two;
#   9. runs scripts/get-vmm.sh: the inner VMM (bookworm's arm64 QEMU 7.2 and
#      its libraries, whichever kernel is selected) into .deps/vmm/, with a
#      stamp of its own (docs/vmm.md);
#  10. runs scripts/get-host-qemu.sh: trixie's amd64 QEMU 10.0 and its
#      libraries (whichever kernel is selected: scenarios with #@ qemu 10
#      boot under it on both) into .deps/host-qemu/, run by scripts/qemu10,
#      with a stamp of its own.
#
# Layout produced (all git-ignored):
#   .deps/kernel                 the selected kernel: 6.1 or 6.12
#   .deps/apt/<suite>/           private apt configuration, lists and cache
#   .deps/debs/                  downloaded .deb files (cache)
#   .deps/toolchain/<suite>/     debootstrap root with the kernel's compiler
#   .deps/<abi>/root/            the .debs unpacked with dpkg -x
#   .deps/<abi>/vmlinuz          -> root/boot/vmlinuz-<abi>
#   .deps/<abi>/System.map       -> root/boot/System.map-<abi>
#   .deps/<abi>/config           -> root/boot/config-<abi>
#   .deps/<abi>/busybox          -> root/[usr/]bin/busybox (static, arm64)
#   .deps/<abi>/kdir             -> root/usr/src/linux-headers-<abi> (KDIR)
#   .deps/<abi>/toolchain        -> ../toolchain/<suite> (only if needed)
#   .deps/<abi>/abi              the ABI string (= `uname -r` in the guest)
#   .deps/<abi>/kernel           6.1 or 6.12
#   .deps/current                -> <abi>
#   .deps/vmm/                   the inner VMM (scripts/get-vmm.sh says what)
#   .deps/host-qemu/             QEMU 10 for the host (scripts/get-host-qemu.sh)
#
# Environment:
#   PKVMKIT_KERNEL=6.1|6.12             select the kernel (kept for later runs)
#   PKVMKIT_KERNEL_ABI=<abi>            use this ABI instead of the current
#                                       one (6.1.0-NN-arm64, 6.12.N+debNN-arm64)
#   PKVMKIT_SETUP_FORCE=1               redo download/unpack/verify even if the
#                                       stamp says everything is in place
#
# Queries (print, change nothing): --kernels (the supported kernels, the
# default first), --selected (the kernel a build would use now).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS=$ROOT/.deps
CACHE=$DEPS/debs
# Bump when the layout or the fix-ups below change: invalidates old stamps.
SETUP_FORMAT=2

# The kernels pkvmkit supports, the default first, and their Debian suites.
# (scripts/test-all.sh asks for this list: setup.sh --kernels.)
KERNELS=(6.1 6.12)
declare -A SUITE_OF=([6.1]=bookworm [6.12]=trixie)

# Host (amd64) packages. gcc/make are normally present but listed anyway.
# clang-14 builds the libFuzzer targets of make test; libFuzzer itself (and
# clang's sanitizer runtimes) are in libclang-rt-14-dev, which clang-14 only
# recommends, and we install without recommends. gdb-multiarch is the
# debugger of scripts/pkvmkit run --gdb; debootstrap makes toolchain roots;
# ShellCheck and perl (checkpatch.pl) run in make check.
HOST_PKGS=(gcc make bc kmod cpio gzip xz-utils shellcheck perl
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu
	qemu-system-arm device-tree-compiler debian-archive-keyring debootstrap
	clang-14 libclang-rt-14-dev gdb-multiarch)

log() { printf 'setup: %s\n' "$*"; }
die() {
	printf 'setup: ERROR: %s\n' "$1" >&2
	shift
	local l
	for l in "$@"; do printf 'setup:   %s\n' "$l" >&2; done
	exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

export DEBIAN_FRONTEND=noninteractive

# ---------------------------------------------------------------------------
# 1. Which kernel.
# ---------------------------------------------------------------------------
# kernel_of_abi ABI: the supported kernel an ABI string belongs to, or "".
kernel_of_abi() {
	case $1 in
	6.1.0-[0-9]*-arm64) echo 6.1 ;;
	6.12.[0-9]*+deb[0-9]*-arm64) echo 6.12 ;;
	esac
}

KERNEL=${PKVMKIT_KERNEL:-}
if [ -n "${PKVMKIT_KERNEL_ABI:-}" ]; then
	ABI=$PKVMKIT_KERNEL_ABI
	k=$(kernel_of_abi "$ABI")
	[ -n "$k" ] || die "PKVMKIT_KERNEL_ABI='$ABI' is not a supported kernel's ABI" \
		"expected 6.1.0-NN-arm64 (bookworm) or 6.12.N+debNN-arm64 (trixie)"
	[ -z "$KERNEL" ] || [ "$KERNEL" = "$k" ] ||
		die "PKVMKIT_KERNEL=$KERNEL but PKVMKIT_KERNEL_ABI=$ABI is a $k kernel"
	KERNEL=$k
fi
[ -n "$KERNEL" ] || KERNEL=$(cat "$DEPS/kernel" 2>/dev/null || true)
[ -n "$KERNEL" ] || KERNEL=${KERNELS[0]}
SUITE=${SUITE_OF[$KERNEL]:-}
if [ -z "$SUITE" ]; then
	known=()
	for k in "${KERNELS[@]}"; do known+=("$k (${SUITE_OF[$k]})"); done
	die "PKVMKIT_KERNEL='$KERNEL' is not a supported kernel" "known: ${known[*]}"
fi

# Queries, answered before anything is installed or locked.
case ${1:-} in
--kernels) printf '%s\n' "${KERNELS[@]}"; exit 0 ;;	# the supported kernels
--selected) echo "$KERNEL"; exit 0 ;;		# the one a build would use
"") ;;
*) die "unknown argument '$1' (none, --kernels or --selected)" ;;
esac
# ---------------------------------------------------------------------------
# 2. Host packages (the machine's own apt: these are installed).
# ---------------------------------------------------------------------------
missing_host_pkgs() {
	# One dpkg-query call for all packages; those not installed are either
	# absent from the output (unknown to dpkg) or have a status other than ii.
	local installed
	installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' \
		"${HOST_PKGS[@]}" 2>/dev/null | awk '$2 == "ii" { print $1 }') || true
	local p
	for p in "${HOST_PKGS[@]}"; do
		grep -qx -- "$p" <<<"$installed" || printf '%s\n' "$p"
	done
}

mkdir -p "$DEPS" "$CACHE"
# Serialise concurrent runs (e.g. two make targets in parallel).
exec 9>"$DEPS/.setup.lock"
flock 9

mapfile -t MISSING < <(missing_host_pkgs)
if [ "${#MISSING[@]}" -gt 0 ]; then
	is_root || die "missing host packages and not running as root; run as root:" \
		"apt-get update && apt-get install -y --no-install-recommends ${MISSING[*]}" \
		"then run scripts/setup.sh again."
	log "installing: ${MISSING[*]}"
	# A first failure is usually stale lists (404): update once, retry.
	if ! apt-get -q install -y --no-install-recommends "${MISSING[@]}" \
		>"$DEPS/apt-install.log" 2>&1; then
		log "apt-get update"
		apt-get -q update >"$DEPS/apt-update.log" 2>&1 ||
			log "warning: apt-get update reported errors (see .deps/apt-update.log)"
		apt-get -q install -y --no-install-recommends "${MISSING[@]}" \
			>"$DEPS/apt-install.log" 2>&1 ||
			die "apt-get install ${MISSING[*]} failed" \
				"see .deps/apt-install.log; check the Debian mirror in /etc/apt/sources.list*"
	fi
fi

HOST_SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

# ---------------------------------------------------------------------------
# 3. A private apt configuration for the kernel's suite: amd64 and arm64
#    package lists of <suite>, <suite>-updates and <suite>-security, with
#    their own state and cache. Used only to resolve and download.
# ---------------------------------------------------------------------------
# MIRROR, KEYRING, apt_private, apt_update: scripts/apt-private.sh.
# shellcheck source=scripts/apt-private.sh
. "$ROOT/scripts/apt-private.sh"
apt_private "$SUITE"

have_lists() {
	apt-cache show --no-all-versions linux-image-arm64:arm64 >/dev/null 2>&1
}

# ---------------------------------------------------------------------------
# 4. Resolve the kernel ABI and the packages it needs.
# ---------------------------------------------------------------------------
resolve_abi() {
	# `apt-cache depends linux-image-arm64:arm64` prints e.g.
	#   Depends: linux-image-6.1.0-56-arm64:arm64
	#   Depends: linux-image-6.12.118+deb13-arm64:arm64
	apt-cache depends linux-image-arm64:arm64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9][0-9.]*[-+][0-9a-z]*-arm64\)\(:arm64\)\{0,1\}$/\1/p' |
		sort -V | tail -n1
}

# debs_of ABI KBUILD-PKG: name:arch of every .deb we need, one per line.
# The headers-common package is arch all.
debs_of() {
	printf '%s\n' "linux-image-$1-unsigned:arm64" "linux-headers-$1:arm64" \
		"linux-headers-${1%-arm64}-common:all" "$2:amd64" busybox-static:arm64
}

# The toolchain root's packages, derived from what the kernel needs: its
# compiler (CC in the headers' .kernelvariables, known after unpacking, so
# taken from the headers' Depends here: gcc-14 on trixie), make, pahole (the
# headers ship vmlinux, so kbuild makes BTF for each module) and the
# libraries the kbuild tools link against.
toolchain_pkgs() {
	local gcc kdeps
	gcc=$(apt-cache show --no-all-versions "linux-headers-$ABI:arm64" |
		sed -n 's/^Depends: //p' | tr ',' '\n' | sed -n 's/^ *\(gcc-[0-9]*\)\( .*\)\{0,1\}$/\1/p')
	[ -n "$gcc" ] || die "cannot tell linux-headers-$ABI's compiler from its Depends"
	kdeps=$(apt-cache show --no-all-versions "$KBUILD_PKG:amd64" |
		sed -n 's/^Depends: //p' | tr ',' '\n' | sed 's/^ *//; s/[ :].*//' | grep -vx libc6)
	# shellcheck disable=SC2086 # word lists
	printf '%s\n' make "$gcc-aarch64-linux-gnu" $kdeps | sort -u | tr '\n' ' '
}
# resolve_packages: ABI (unless PKVMKIT_KERNEL_ABI gave it), KBUILD_PKG,
# VERSION[name:arch] (the candidate versions; missing if apt does not know
# the package) and TOOLCHAIN_PKGS, from the suite's lists.
resolve_packages() {
	have_lists || apt_update
	if [ -z "${PKVMKIT_KERNEL_ABI:-}" ]; then
		ABI=$(resolve_abi)
		if [ -z "$ABI" ] || [ "$(kernel_of_abi "$ABI")" != "$KERNEL" ]; then
			die "could not resolve a $KERNEL kernel ABI from $SUITE's linux-image-arm64 (got '$ABI')" \
				"try: APT_CONFIG=$APT_CONFIG apt-cache depends linux-image-arm64:arm64," \
				"or set PKVMKIT_KERNEL_ABI"
		fi
	fi
	# The kbuild host tools the headers depend on: linux-kbuild-6.1
	# (>= ...) on bookworm, linux-kbuild-<ver>+debNN on trixie.
	KBUILD_PKG=$(apt-cache show --no-all-versions "linux-headers-$ABI:arm64" 2>/dev/null |
		sed -n 's/^Depends: //p' | tr ',' '\n' |
		sed -n 's/^ *\(linux-kbuild-[^ ]*\).*/\1/p' | head -n1) || true
	[ -n "$KBUILD_PKG" ] || die "linux-headers-$ABI:arm64 is unknown to $SUITE's lists" \
		"is the ABI $ABI still in the archive? unset or fix PKVMKIT_KERNEL_ABI"
	local qs pkg arch ver
	mapfile -t qs < <(debs_of "$ABI" "$KBUILD_PKG" | sed 's/:all$//')
	declare -gA VERSION=()
	while read -r pkg arch ver; do
		VERSION[$pkg:$arch]=$ver
	done < <(apt-cache show --no-all-versions "${qs[@]}" 2>/dev/null |
		awk '/^Package: /{p=$2} /^Architecture: /{a=$2} /^Version: /{v=$2}
		     /^$/{ if (p != "") print p, a, v; p = "" } END { if (p != "") print p, a, v }')
	TOOLCHAIN_PKGS=
	[ "$SUITE" = "$HOST_SUITE" ] || TOOLCHAIN_PKGS=$(toolchain_pkgs)
}

# Each apt-cache call takes some 0.4 s (a 60 MB cache): the result is kept
# in .deps/apt/<suite>/resolved while the lists (and the inputs) are the
# same, so that the up-to-date case stays fast.
RESOLVED=$APTDIR/resolved
resolved_key() {
	printf '# format=%s abi=%s host=%s lists=%s\n' "$SETUP_FORMAT" \
		"${PKVMKIT_KERNEL_ABI:-}" "$HOST_SUITE" "$(stat -c %Y "$APTDIR/lists")"
}
if [ "${PKVMKIT_SETUP_FORCE:-0}" != 1 ] && [ -f "$RESOLVED" ] &&
	[ "$(head -n1 "$RESOLVED")" = "$(resolved_key)" ]; then
	# shellcheck source=/dev/null
	. "$RESOLVED"
else
	resolve_packages
	{ resolved_key; declare -p ABI KBUILD_PKG TOOLCHAIN_PKGS VERSION; } >"$RESOLVED"
fi
[ -z "${PKVMKIT_KERNEL_ABI:-}" ] ||
	log "kernel $KERNEL ($SUITE): ABI $ABI (from PKVMKIT_KERNEL_ABI)"
ABI_COMMON=${ABI%-arm64}-common
OUT=$DEPS/$ABI
mapfile -t DEBS < <(debs_of "$ABI" "$KBUILD_PKG")

# Path of the .deb for NAME:ARCH in the cache: the apt candidate's file name
# if apt knows the package (the file may not be there yet), else the newest
# one already in the cache (e.g. an old ABI gone from the archive), else "".
deb_path() {
	local name=${1%%:*} arch=${1##*:} ver=${VERSION[$1]:-}
	if [ -n "$ver" ]; then
		# apt-get download names files name_version_arch.deb with the
		# epoch colon URL-encoded.
		printf '%s/%s_%s_%s.deb\n' "$CACHE" "$name" "${ver//:/%3a}" "$arch"
		return
	fi
	find "$CACHE" -maxdepth 1 -name "${name}_*_${arch}.deb" | sort -V | tail -n1
}

DEB_FILES=()
for d in "${DEBS[@]}"; do
	f=$(deb_path "$d")
	[ -n "$f" ] || die "package ${d%:all} is unknown to apt and not in .deps/debs/" \
		"is the ABI $ABI still in the archive? unset or fix PKVMKIT_KERNEL_ABI"
	DEB_FILES+=("$f")
done

TOOLCHAIN=$DEPS/toolchain/$SUITE

STAMP_WANT=$(
	printf 'format=%s\nkernel=%s\nabi=%s\ntoolchain=%s\n' \
		"$SETUP_FORMAT" "$KERNEL" "$ABI" "$TOOLCHAIN_PKGS"
	for f in "${DEB_FILES[@]}"; do printf 'deb=%s\n' "${f##*/}"; done
)

# Everything the rest of the project relies on.
tree_ok() {
	local f
	for f in vmlinuz System.map config busybox kdir/Makefile kdir/.config \
		kdir/Module.symvers kdir/scripts/mod/modpost abi kernel; do
		[ -e "$OUT/$f" ] || return 1
	done
	[ -z "$TOOLCHAIN_PKGS" ] || [ -f "$OUT/toolchain/.pkvmkit-toolchain" ] || return 1
	[ "$(cat "$OUT/abi")" = "$ABI" ]
}

select_current() {
	# Relative link, so the project folder can be moved.
	if [ "$(readlink "$DEPS/current" 2>/dev/null)" != "$ABI" ]; then
		ln -sfn "$ABI" "$DEPS/current.tmp"
		mv -T "$DEPS/current.tmp" "$DEPS/current"
	fi
	[ "$(cat "$DEPS/kernel" 2>/dev/null)" = "$KERNEL" ] || echo "$KERNEL" >"$DEPS/kernel"
}

# 9. The inner VMM: its own apt configuration (bookworm), its own stamp.
# It runs under our lock (fd 9), so it must not take it again.
get_vmm() {
	PKVMKIT_SETUP_LOCKED=1 "$ROOT/scripts/get-vmm.sh" ||
		die "fetching the inner VMM failed (scripts/get-vmm.sh, above)"
}

# 10. QEMU 10 for the host: trixie's apt configuration, its own stamp;
# under our lock too.
get_host_qemu() {
	PKVMKIT_SETUP_LOCKED=1 "$ROOT/scripts/get-host-qemu.sh" ||
		die "fetching QEMU 10 failed (scripts/get-host-qemu.sh, above)"
}

# ---------------------------------------------------------------------------
# Fast path: the stamp matches and the files are there.
# ---------------------------------------------------------------------------
if [ "${PKVMKIT_SETUP_FORCE:-0}" != 1 ] && [ -f "$OUT/.stamp" ] &&
	[ "$(cat "$OUT/.stamp")" = "$STAMP_WANT" ] && tree_ok; then
	select_current
	log "up to date: kernel $KERNEL ($SUITE), .deps/current -> $ABI"
	get_vmm
	get_host_qemu
	exit 0
fi

# ---------------------------------------------------------------------------
# Download what is not in the cache yet.
# ---------------------------------------------------------------------------
download() { # NAME:ARCH...
	local tmp q d rc=0
	tmp=$(mktemp -d "$CACHE/.partial.XXXXXX")
	local qs=()
	for d in "$@"; do
		q=${d%:all}
		qs+=("$q")
	done
	log "downloading: ${qs[*]}"
	(cd "$tmp" && apt-get -q download "${qs[@]}") \
		>"$DEPS/apt-download.log" 2>&1 || rc=$?
	# Only move complete files into the cache (apt writes in place).
	if [ "$rc" -eq 0 ]; then
		find "$tmp" -maxdepth 1 -name '*.deb' -exec mv -f {} "$CACHE/" \;
	fi
	rm -rf "$tmp"
	return "$rc"
}

need=()
for i in "${!DEBS[@]}"; do
	[ -s "${DEB_FILES[$i]}" ] || need+=("${DEBS[$i]}")
done
if [ "${#need[@]}" -gt 0 ]; then
	if ! download "${need[@]}"; then
		# Stale lists point at files the (security) archive no longer has.
		if [ "$APT_UPDATED" -eq 0 ] && [ -z "${PKVMKIT_SETUP_RETRY:-}" ]; then
			apt_update
			# The lists changed, so the ABI may be new: start over, once.
			# (The lock on fd 9 is inherited and stays held.)
			PKVMKIT_SETUP_RETRY=1 exec bash "${BASH_SOURCE[0]}" "$@"
		fi
		die "apt-get download failed (see .deps/apt-download.log)"
	fi
fi
for f in "${DEB_FILES[@]}"; do
	[ -s "$f" ] || die "expected $f after download, not found" \
		"see .deps/apt-download.log"
	dpkg-deb --info "$f" >/dev/null 2>&1 ||
		die "${f##*/} is not a valid .deb (interrupted download?)" "remove it and run again"
done

# ---------------------------------------------------------------------------
# 6. The toolchain root, when the host's compiler is not the kernel's.
# ---------------------------------------------------------------------------
make_toolchain() {
	local new=$DEPS/toolchain/.$SUITE.new
	rm -rf "$new"
	mkdir -p "$DEPS/toolchain"
	log "debootstrap: $SUITE toolchain root with ${TOOLCHAIN_PKGS% }"
	# shellcheck disable=SC2086 # a word list
	debootstrap --variant=minbase --keyring="$KEYRING" \
		--include="$(echo $TOOLCHAIN_PKGS | tr ' ' ,)" "$SUITE" "$new" "$MIRROR" \
		>"$DEPS/debootstrap.log" 2>&1 ||
		die "debootstrap of $SUITE failed (see .deps/debootstrap.log)"
	rm -rf "$new/var/cache/apt/archives/"*.deb
	printf '%s\n' "$TOOLCHAIN_PKGS" >"$new/.pkvmkit-toolchain"
	rm -rf "$TOOLCHAIN"
	mv -T "$new" "$TOOLCHAIN"
}
if [ -n "$TOOLCHAIN_PKGS" ]; then
	is_root || unshare --map-root-user true 2>/dev/null ||
		die "the $KERNEL kernel needs a $SUITE toolchain root (gcc of its suite), which needs root" \
			"or unprivileged user namespaces: run as root"
	[ "$(cat "$TOOLCHAIN/.pkvmkit-toolchain" 2>/dev/null)" = "$TOOLCHAIN_PKGS" ] ||
		make_toolchain
fi

# ---------------------------------------------------------------------------
# 5. Unpack into a fresh folder and fix it up; swap it in only when verified.
# ---------------------------------------------------------------------------
NEW=$DEPS/.$ABI.new
rm -rf "$NEW"
mkdir -p "$NEW/root"
log "unpacking into .deps/$ABI"
for f in "${DEB_FILES[@]}"; do
	dpkg -x "$f" "$NEW/root" || die "dpkg -x ${f##*/} failed"
done

R=$NEW/root
# busybox-static is in /bin up to bookworm, in /usr/bin from trixie on.
BUSYBOX=bin/busybox
[ -e "$R/$BUSYBOX" ] || BUSYBOX=usr/bin/busybox
HDR=usr/src/linux-headers-$ABI
COMMON=usr/src/linux-headers-$ABI_COMMON
for p in "boot/vmlinuz-$ABI" "boot/System.map-$ABI" "boot/config-$ABI" \
	"$BUSYBOX" "$HDR/Makefile" "$COMMON/Makefile" "$HDR/scripts/mod/modpost"; do
	[ -e "$R/$p" ] || die "unpacked packages lack /$p" "the package layout changed?"
done

# The arm64 headers Makefile is a one-liner
#   include /usr/src/linux-headers-<abi-common>/Makefile
# Make it include the unpacked -common tree instead, relative to the
# Makefile's own location so the tree stays valid if the project moves.
grep -q "^include /$COMMON/Makefile\$" "$R/$HDR/Makefile" ||
	die "unexpected content in /$HDR/Makefile:" "$(cat "$R/$HDR/Makefile")"
# shellcheck disable=SC2016 # $(...) here is make syntax, not shell
printf 'include $(abspath $(dir $(lastword $(MAKEFILE_LIST)))../%s/Makefile)\n' \
	"linux-headers-$ABI_COMMON" >"$R/$HDR/Makefile"

# scripts/ and tools/ in both headers trees are relative links to
# ../../lib/linux-kbuild-<ver>/: they resolve to the kbuild package unpacked
# beside them (checked above through scripts/mod/modpost), nothing to do.
# lib/modules/<abi>/{build,source} are absolute links to /usr/src/... in
# 6.1's image (relative in trixie's merged-/usr one): make them relative.
if [ -d "$R/lib/modules/$ABI" ] && [ ! -L "$R/lib" ]; then
	ln -sfn "../../../$HDR" "$R/lib/modules/$ABI/build"
	ln -sfn "../../../$COMMON" "$R/lib/modules/$ABI/source"
fi

# Sanity: the busybox must be an AArch64 ELF (e_machine 0xb7 at offset 18).
[ "$(od -An -tx1 -j18 -N2 "$R/$BUSYBOX" | tr -d ' \n')" = b700 ] ||
	die "root/$BUSYBOX is not an AArch64 ELF"

ln -sfn "root/boot/vmlinuz-$ABI" "$NEW/vmlinuz"
ln -sfn "root/boot/System.map-$ABI" "$NEW/System.map"
ln -sfn "root/boot/config-$ABI" "$NEW/config"
ln -sfn "root/$BUSYBOX" "$NEW/busybox"
ln -sfn "root/$HDR" "$NEW/kdir"
[ -z "$TOOLCHAIN_PKGS" ] || ln -sfn "../toolchain/$SUITE" "$NEW/toolchain"
printf '%s\n' "$ABI" >"$NEW/abi"
printf '%s\n' "$KERNEL" >"$NEW/kernel"

# ---------------------------------------------------------------------------
# 7. Verify: cross-build a trivial module against the prepared headers.
# ---------------------------------------------------------------------------
verify_module_build() { # ABI-DIR
	local tmp rc=0
	tmp=$(mktemp -d)
	cat >"$tmp/hello.c" <<'EOF'
#include <linux/init.h>
#include <linux/module.h>
static int __init hello_init(void) { pr_info("hello\n"); return 0; }
static void __exit hello_exit(void) { }
module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
EOF
	echo 'obj-m := hello.o' >"$tmp/Kbuild"
	PKVMKIT_DEPS_DIR=$1 "$ROOT/scripts/kbuild" M="$tmp" modules \
		>"$DEPS/verify-build.log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$tmp/hello.ko" ]; then
		rc=1
	fi
	rm -rf "$tmp"
	return "$rc"
}

log "verifying: cross-building a hello module against .deps/$ABI/kdir"
# Build in the final location so any absolute path it might record is right.
rm -rf "$OUT"
mv -T "$NEW" "$OUT"
if ! verify_module_build "$OUT"; then
	tail -n 20 "$DEPS/verify-build.log" | sed 's/^/setup:   | /' >&2
	die "test module build against .deps/$ABI/kdir failed (full log: .deps/verify-build.log)"
fi
tree_ok || die "internal error: .deps/$ABI incomplete after setup"

printf '%s\n' "$STAMP_WANT" >"$OUT/.stamp"
select_current
log "done: kernel $KERNEL ($SUITE), .deps/current -> $ABI"
get_vmm
get_host_qemu
