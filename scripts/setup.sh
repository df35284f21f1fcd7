#!/usr/bin/env bash
# scripts/setup.sh - prepare everything pkvmkit needs to build and test.
#
# Idempotent; `make demo` and `make test` run it first. It
#   1. installs the host packages (cross compiler, QEMU, kbuild, ...);
#   2. enables the arm64 dpkg architecture so arm64 .debs can be fetched;
#   3. resolves the current Debian bookworm arm64 kernel ABI from the
#      linux-image-arm64 metapackage (or takes $PKVMKIT_KERNEL_ABI);
#   4. downloads (never installs) that kernel image, its headers and a static
#      arm64 busybox into .deps/debs/ and unpacks them under .deps/<abi>/;
#   5. fixes the headers tree so out-of-tree arm64 modules build against it;
#   6. checks that by cross-building a hello-world module;
#   7. points .deps/current at .deps/<abi> and writes a stamp, so that the
#      next run only re-checks cheaply and returns in a second or two.
#
# Layout produced (all git-ignored):
#   .deps/debs/                  downloaded .deb files (cache)
#   .deps/<abi>/root/            the .debs unpacked with dpkg -x
#   .deps/<abi>/vmlinuz          -> root/boot/vmlinuz-<abi>
#   .deps/<abi>/System.map       -> root/boot/System.map-<abi>
#   .deps/<abi>/config           -> root/boot/config-<abi>
#   .deps/<abi>/busybox          -> root/bin/busybox (static, arm64)
#   .deps/<abi>/kdir             -> root/usr/src/linux-headers-<abi> (KDIR)
#   .deps/<abi>/abi              the ABI string (= `uname -r` in the guest)
#   .deps/current                -> <abi>
#
# Environment:
#   PKVMKIT_KERNEL_ABI=6.1.0-NN-arm64   use this ABI instead of the current one
#   PKVMKIT_SETUP_FORCE=1               redo download/unpack/verify even if the
#                                       stamp says everything is in place
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS=$ROOT/.deps
CACHE=$DEPS/debs
# Bump when the layout or the fix-ups below change: invalidates old stamps.
SETUP_FORMAT=1
KBUILD_PKG=linux-kbuild-6.1

# Host (amd64) packages. gcc/make are normally present but listed anyway.
# clang-14 builds the libFuzzer targets of make test; libFuzzer itself (and
# clang's sanitizer runtimes) are in libclang-rt-14-dev, which clang-14 only
# recommends, and we install without recommends. gdb-multiarch is the
# debugger of scripts/pkvmkit run --gdb.
HOST_PKGS=(gcc make bc kmod cpio gzip xz-utils
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-arm device-tree-compiler "$KBUILD_PKG"
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
# As root, apt-get download would otherwise drop privileges to _apt and then
# warn that _apt cannot write into our cache folder.
APT_OPTS=(-q)
is_root && APT_OPTS+=(-o APT::Sandbox::User=root)

# This machine's apt config may disable apt's binary package cache (as
# Docker images do), making every apt-cache call re-parse all lists (~1 s
# each, with arm64 added). Keep our own cache in .deps: apt rebuilds it
# when the lists change, so it is never stale.
acache() {
	apt-cache -o Dir::Cache::pkgcache="$DEPS/apt-pkgcache.bin" \
		-o Dir::Cache::srcpkgcache= "$@"
}

APT_UPDATED=0
apt_update() {
	[ "$APT_UPDATED" -eq 1 ] && return 0
	log "apt-get update"
	# Third-party sources on the machine may be unreachable; apt then only
	# warns (exit 0) or fails (exit 100). Whether what *we* need is now known
	# is checked by the callers, so do not abort here.
	if ! apt-get "${APT_OPTS[@]}" update >"$DEPS/apt-update.log" 2>&1; then
		log "warning: apt-get update reported errors (see .deps/apt-update.log)"
	fi
	APT_UPDATED=1
}

# ---------------------------------------------------------------------------
# 1+2. Host packages and the arm64 architecture.
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

have_arm64_arch() {
	[ "$(dpkg --print-architecture)" = arm64 ] ||
		dpkg --print-foreign-architectures | grep -qx arm64
}

# Are the arm64 package lists present (i.e. has apt-get update run since the
# architecture was added)?
have_arm64_lists() {
	acache show --no-all-versions linux-image-arm64:arm64 >/dev/null 2>&1
}

mkdir -p "$DEPS" "$CACHE"
# Serialise concurrent runs (e.g. two make targets in parallel).
exec 9>"$DEPS/.setup.lock"
flock 9

mapfile -t MISSING < <(missing_host_pkgs)
NEED_ARCH=0
have_arm64_arch || NEED_ARCH=1

if [ "${#MISSING[@]}" -gt 0 ] || [ "$NEED_ARCH" -eq 1 ]; then
	if ! is_root; then
		cmds=()
		[ "$NEED_ARCH" -eq 1 ] && cmds+=("dpkg --add-architecture arm64")
		cmds+=("apt-get update")
		[ "${#MISSING[@]}" -gt 0 ] &&
			cmds+=("apt-get install -y --no-install-recommends ${MISSING[*]}")
		die "missing host setup and not running as root; run as root:" \
			"${cmds[@]}" "then run scripts/setup.sh again."
	fi
	if [ "$NEED_ARCH" -eq 1 ]; then
		log "dpkg --add-architecture arm64"
		dpkg --add-architecture arm64
		apt_update
	fi
	if [ "${#MISSING[@]}" -gt 0 ]; then
		log "installing: ${MISSING[*]}"
		# A first failure is usually stale lists (404): update once, retry.
		if ! apt-get "${APT_OPTS[@]}" install -y --no-install-recommends \
			"${MISSING[@]}" >"$DEPS/apt-install.log" 2>&1; then
			apt_update
			apt-get "${APT_OPTS[@]}" install -y --no-install-recommends \
				"${MISSING[@]}" >"$DEPS/apt-install.log" 2>&1 ||
				die "apt-get install ${MISSING[*]} failed" \
					"see .deps/apt-install.log; check the Debian mirror in /etc/apt/sources.list*"
		fi
	fi
fi

if ! have_arm64_lists; then
	is_root || die "arm64 package lists are missing; run as root: apt-get update"
	apt_update
	have_arm64_lists || die "linux-image-arm64:arm64 still unknown to apt after apt-get update" \
		"check that a bookworm 'main' source is configured (see .deps/apt-update.log)"
fi

# ---------------------------------------------------------------------------
# 3. Resolve the kernel ABI.
# ---------------------------------------------------------------------------
resolve_abi() {
	# `apt-cache depends linux-image-arm64:arm64` prints e.g.
	#   Depends: linux-image-6.1.0-56-arm64:arm64
	acache depends linux-image-arm64:arm64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9][0-9.]*-[0-9][0-9]*-arm64\)\(:arm64\)\{0,1\}$/\1/p' |
		sort -V | tail -n1
}

if [ -n "${PKVMKIT_KERNEL_ABI:-}" ]; then
	ABI=$PKVMKIT_KERNEL_ABI
	[[ $ABI =~ ^[0-9][0-9.]*-[0-9]+-arm64$ ]] ||
		die "PKVMKIT_KERNEL_ABI='$ABI' does not look like 6.1.0-NN-arm64"
	log "kernel ABI $ABI (from PKVMKIT_KERNEL_ABI)"
else
	ABI=$(resolve_abi)
	[ -n "$ABI" ] || die "could not resolve the kernel ABI from linux-image-arm64:arm64" \
		"try: apt-cache depends linux-image-arm64:arm64 (as root run apt-get update first)," \
		"or set PKVMKIT_KERNEL_ABI=6.1.0-NN-arm64"
	log "kernel ABI $ABI (from linux-image-arm64:arm64)"
fi
ABI_COMMON=${ABI%-arm64}-common
OUT=$DEPS/$ABI

# name:arch of every .deb we need. The headers-common package is arch all.
DEBS=("linux-image-$ABI-unsigned:arm64"
	"linux-headers-$ABI:arm64"
	"linux-headers-$ABI_COMMON:all"
	"busybox-static:arm64")

# Candidate versions of all needed packages, in one apt-cache call:
# VERSION[name:arch]=version (missing if apt does not know the package).
declare -A VERSION=()
qs=()
for d in "${DEBS[@]}"; do qs+=("${d%:all}"); done
while read -r pkg arch ver; do
	VERSION[$pkg:$arch]=$ver
done < <(acache show --no-all-versions "${qs[@]}" 2>/dev/null |
	awk '/^Package: /{p=$2} /^Architecture: /{a=$2} /^Version: /{v=$2}
	     /^$/{ if (p != "") print p, a, v; p = "" } END { if (p != "") print p, a, v }')

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
		"is the ABI $ABI still in the archive? (apt-cache policy linux-image-$ABI-unsigned:arm64)" \
		"as root run apt-get update, or unset/fix PKVMKIT_KERNEL_ABI"
	DEB_FILES+=("$f")
done

STAMP_WANT=$(
	printf 'format=%s\nabi=%s\n' "$SETUP_FORMAT" "$ABI"
	for f in "${DEB_FILES[@]}"; do printf 'deb=%s\n' "${f##*/}"; done
)

# Minimum linux-kbuild-6.1 version the headers want: their Depends line has
# "linux-kbuild-6.1 (>= 6.1.192-2)". The kbuild tools must not be older than
# the headers (modpost and fixdep formats follow the kernel version).
kbuild_min_from_deb() {
	dpkg-deb -f "$1" Depends |
		tr ',' '\n' | sed -n "s/^ *$KBUILD_PKG *(>= *\([^)]*\)).*/\1/p" | head -n1
}

kbuild_ok() { # MINVER
	local have
	have=$(dpkg-query -W -f='${Version}' "$KBUILD_PKG" 2>/dev/null) || return 1
	[ -z "$1" ] || dpkg --compare-versions "$have" ge "$1"
}

# Everything the rest of the project relies on.
tree_ok() {
	local f
	for f in vmlinuz System.map config busybox kdir/Makefile kdir/.config \
		kdir/Module.symvers kdir/scripts/mod/modpost abi; do
		[ -e "$OUT/$f" ] || return 1
	done
	[ "$(cat "$OUT/abi")" = "$ABI" ]
}

link_current() {
	# Relative link, so the project folder can be moved.
	if [ "$(readlink "$DEPS/current" 2>/dev/null)" != "$ABI" ]; then
		ln -sfn "$ABI" "$DEPS/current.tmp"
		mv -T "$DEPS/current.tmp" "$DEPS/current"
	fi
}

# ---------------------------------------------------------------------------
# Fast path: the stamp matches and the files are there.
# ---------------------------------------------------------------------------
if [ "${PKVMKIT_SETUP_FORCE:-0}" != 1 ] && [ -f "$OUT/.stamp" ] &&
	[ "$(cat "$OUT/.stamp")" = "$STAMP_WANT" ] && tree_ok &&
	kbuild_ok "$(cat "$OUT/kbuild-min" 2>/dev/null)"; then
	link_current
	log "up to date: .deps/current -> $ABI"
	exit 0
fi

# ---------------------------------------------------------------------------
# 4. Download what is not in the cache yet.
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
	(cd "$tmp" && apt-get "${APT_OPTS[@]}" download "${qs[@]}") \
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
		if is_root && [ "$APT_UPDATED" -eq 0 ] &&
			[ -z "${PKVMKIT_SETUP_RETRY:-}" ]; then
			apt_update
			# The lists changed, so the ABI may be new: start over, once.
			# (The lock on fd 9 is inherited and stays held.)
			PKVMKIT_SETUP_RETRY=1 exec bash "${BASH_SOURCE[0]}" "$@"
		fi
		die "apt-get download failed (see .deps/apt-download.log)" \
			"as root run apt-get update, then scripts/setup.sh again"
	fi
fi
for f in "${DEB_FILES[@]}"; do
	[ -s "$f" ] || die "expected $f after download, not found" \
		"see .deps/apt-download.log"
	dpkg-deb --info "$f" >/dev/null 2>&1 ||
		die "${f##*/} is not a valid .deb (interrupted download?)" "remove it and run again"
done

# The kbuild tools (modpost, fixdep, ...) come from the host package.
KBUILD_MIN=$(kbuild_min_from_deb "${DEB_FILES[1]}")
if ! kbuild_ok "$KBUILD_MIN"; then
	if ! is_root; then
		die "$KBUILD_PKG >= $KBUILD_MIN is needed by linux-headers-$ABI; run as root:" \
			"apt-get update && apt-get install -y $KBUILD_PKG"
	fi
	log "upgrading $KBUILD_PKG (need >= $KBUILD_MIN)"
	apt_update
	apt-get "${APT_OPTS[@]}" install -y --no-install-recommends "$KBUILD_PKG" \
		>"$DEPS/apt-install.log" 2>&1 ||
		die "apt-get install $KBUILD_PKG failed (see .deps/apt-install.log)"
	kbuild_ok "$KBUILD_MIN" ||
		die "$KBUILD_PKG is still older than $KBUILD_MIN after install" \
			"the mirror may lag behind the security archive; try PKVMKIT_KERNEL_ABI=<older abi>"
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
HDR=usr/src/linux-headers-$ABI
COMMON=usr/src/linux-headers-$ABI_COMMON
for p in "boot/vmlinuz-$ABI" "boot/System.map-$ABI" "boot/config-$ABI" \
	bin/busybox "$HDR/Makefile" "$COMMON/Makefile"; do
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

# scripts/ and tools/ in both trees are relative links into
# ../../lib/linux-kbuild-6.1 (i.e. /usr/lib/...): point them at the
# installed, host-architecture kbuild package.
for t in "$HDR" "$COMMON"; do
	for l in scripts tools; do
		ln -sfn "/usr/lib/$KBUILD_PKG/$l" "$R/$t/$l"
	done
done
# lib/modules/<abi>/{build,source} are absolute links to /usr/src/...:
# make them relative so they resolve inside root/.
if [ -d "$R/lib/modules/$ABI" ]; then
	ln -sfn "../../../$HDR" "$R/lib/modules/$ABI/build"
	ln -sfn "../../../$COMMON" "$R/lib/modules/$ABI/source"
fi

# Sanity: the busybox must be an AArch64 ELF (e_machine 0xb7 at offset 18).
[ "$(od -An -tx1 -j18 -N2 "$R/bin/busybox" | tr -d ' \n')" = b700 ] ||
	die "root/bin/busybox is not an AArch64 ELF"

ln -sfn "root/boot/vmlinuz-$ABI" "$NEW/vmlinuz"
ln -sfn "root/boot/System.map-$ABI" "$NEW/System.map"
ln -sfn "root/boot/config-$ABI" "$NEW/config"
ln -sfn root/bin/busybox "$NEW/busybox"
ln -sfn "root/$HDR" "$NEW/kdir"
printf '%s\n' "$ABI" >"$NEW/abi"
printf '%s\n' "$KBUILD_MIN" >"$NEW/kbuild-min"

# ---------------------------------------------------------------------------
# 6. Verify: cross-build a trivial module against the prepared headers.
# ---------------------------------------------------------------------------
verify_module_build() { # KDIR
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
	make -C "$1" M="$tmp" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		modules >"$DEPS/verify-build.log" 2>&1 || rc=$?
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
if ! verify_module_build "$OUT/kdir"; then
	tail -n 20 "$DEPS/verify-build.log" | sed 's/^/setup:   | /' >&2
	die "test module build against .deps/$ABI/kdir failed (full log: .deps/verify-build.log)" \
		"check aarch64-linux-gnu-gcc-12 and /usr/lib/$KBUILD_PKG are installed"
fi
tree_ok || die "internal error: .deps/$ABI incomplete after setup"

printf '%s\n' "$STAMP_WANT" >"$OUT/.stamp"
link_current
log "done: .deps/current -> $ABI"
