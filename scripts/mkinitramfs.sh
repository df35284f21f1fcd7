#!/usr/bin/env bash
# scripts/mkinitramfs.sh OUT.cpio.gz|OUT.cpio INIT_SCRIPT [SRC:DEST ...]
#
# Build a newc initramfs for the arm64 test guest, without root, gzip'd
# when OUT ends in .gz, uncompressed otherwise (the inner guest's
# /boot/guest.cpio: unpacking is cheaper than gunzip in a nested guest):
#   /bin/busybox        static arm64 busybox (from .deps/current/busybox,
#                       or $PKVMKIT_BUSYBOX)
#   /bin/<applet> ...   symlinks for the applets the test scripts use (the
#                       x86 host cannot run `busybox --list`; guest.sh's
#                       guest_setup also runs `busybox --install -s` to add
#                       every other applet)
#   /init               INIT_SCRIPT, mode 755
#   DEST                each SRC file copied there (parent dirs created;
#                       DEST ending in / means DEST/basename(SRC)); SRC is
#                       split from DEST at the last ':'
#   /dev/console        char 5:1, see below
#
# Device nodes cannot be created without root, but the kernel opens
# /dev/console for init's stdin/stdout/stderr *before* /init runs (devtmpfs
# is only mounted later, by init). Without the node the guest has no console
# output at all. So a tiny cpio archive holding dev/ and dev/console is
# written by hand (the newc format is trivial) and the normal archive made by
# cpio(1) is appended: the kernel accepts concatenated archives.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
	echo "usage: $0 OUT.cpio.gz|OUT.cpio INIT_SCRIPT [SRC:DEST ...]" >&2
	exit 2
}
die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

[ $# -ge 2 ] || usage
OUT=$1
INIT=$2
shift 2

BUSYBOX=${PKVMKIT_BUSYBOX:-$ROOT/.deps/current/busybox}
[ -f "$BUSYBOX" ] || die "no busybox at $BUSYBOX (run scripts/setup.sh)"
[ -f "$INIT" ] || die "init script $INIT not found"

# Applets linked up front. Anything else comes from `busybox --install -s`.
APPLETS="sh ash mount umount insmod rmmod modprobe lsmod depmod modinfo cat
echo ls mkdir rmdir sleep dmesg poweroff reboot halt grep egrep fgrep sed
awk head tail wc tr cut test [ [[ printf seq dd hexdump od xxd chmod chown
ln mknod sync uname true false timeout expr xargs find cp rm mv env date
basename dirname readlink realpath stat touch sort uniq tee kill ps pidof
nproc taskset free top watch md5sum sha256sum cmp diff yes usleep which
time nohup setsid devmem sysctl"

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT

mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,lib/modules,mnt}
chmod 1777 "$STAGE/tmp"
cp "$BUSYBOX" "$STAGE/bin/busybox"
chmod 755 "$STAGE/bin/busybox"
for a in $APPLETS; do
	ln -sf busybox "$STAGE/bin/$a"
done
cp "$INIT" "$STAGE/init"
chmod 755 "$STAGE/init"
# Minimal files some tools expect.
echo 'root:x:0:0:root:/root:/bin/sh' >"$STAGE/etc/passwd"
echo 'root:x:0:' >"$STAGE/etc/group"

for spec in "$@"; do
	case $spec in
	*:*) ;;
	*) die "bad file spec '$spec' (want SRC:DEST)" ;;
	esac
	src=${spec%:*}
	dest=${spec##*:}
	[ -f "$src" ] || die "$src: not a file"
	case $dest in
	/*) ;;
	*) dest=/$dest ;;
	esac
	case $dest in
	*/) dest=$dest$(basename "$src") ;;
	esac
	mkdir -p "$STAGE$(dirname "$dest")"
	cp -L "$src" "$STAGE$dest"
	# Keep execute bits (test binaries), drop anything exotic.
	if [ -x "$src" ]; then chmod 755 "$STAGE$dest"; else chmod 644 "$STAGE$dest"; fi
done

# One newc header: NAME MODE RDEVMAJOR RDEVMINOR (no file data).
newc_entry() {
	local name=$1 mode=$2 rmaj=$3 rmin=$4 namesize hdr pad
	namesize=$((${#name} + 1))
	# magic ino mode uid gid nlink mtime filesize devmaj devmin rdevmaj
	# rdevmin namesize check; then name, NUL, padded to 4 bytes.
	hdr=$(printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		0 "$mode" 0 0 1 0 0 0 0 "$rmaj" "$rmin" "$namesize" 0)
	printf '%s%s\0' "$hdr" "$name"
	pad=$(((4 - (110 + namesize) % 4) % 4))
	head -c "$pad" /dev/zero
}

# Fixed timestamps so the same inputs give the same archive.
find "$STAGE" -exec touch -h -d @0 {} +

mkdir -p "$(dirname "$OUT")"
TMP_OUT=$OUT.tmp.$$
{
	newc_entry dev $((0040755)) 0 0
	newc_entry dev/console $((0020600)) 5 1
	newc_entry 'TRAILER!!!' 0 0 0
	# Names without a "./" prefix, sorted, root-owned: reproducible.
	(cd "$STAGE" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0 --reproducible)
} | case $OUT in
*.gz) gzip -9n ;;
*) cat ;;
esac >"$TMP_OUT"
mv -f "$TMP_OUT" "$OUT"
