#!/usr/bin/env bash
# scripts/check-ko.sh DEPS-DIR KO... - refuse modules the prepared kernel
# (DEPS-DIR = .deps/<abi>) would refuse or crash on. Called by scripts/kbuild
# after every build; exit 1 naming each problem, 0 if all are fine.
#
# 1. vermagic: must start with the kernel's release, or the kernel refuses
#    the module ("disagrees about version of ...": built against other
#    headers).
# 2. ftrace patch sites, on kernels with CONFIG_DYNAMIC_FTRACE_WITH_CALL_OPS
#    (6.12 here, since Linux 6.4): the ops pointer is written into the 8
#    bytes before each function, so every __patchable_function_entries site
#    must be 8-byte aligned. A misaligned one makes ftrace_init_nop() patch
#    at address -16 (a BUG in patch_map() at load: seen with gcc 12 against
#    trixie's gcc-14 kernel, whose __cold functions it does not align). A
#    site is aligned for sure only if its offset is a multiple of 8 and its
#    section is at least 8-byte aligned: the loader places a section only at
#    a multiple of its alignment.
set -euo pipefail

DEPS_DIR=$1
shift
READELF=aarch64-linux-gnu-readelf
ABI=$(cat "$DEPS_DIR/abi")
CALL_OPS=0
grep -qx 'CONFIG_DYNAMIC_FTRACE_WITH_CALL_OPS=y' "$DEPS_DIR/kdir/.config" && CALL_OPS=1

bad=0
problem() { # KO WORDS...
	local ko=$1
	shift
	echo "check-ko: $ko: $*" >&2
	bad=1
}

# misaligned_sites KO: one line "section+offset" per patch site the loader
# can place at an address that is not a multiple of 8.
misaligned_sites() {
	{
		echo '@sections'
		$READELF -SW "$1"
		echo '@symbols'
		$READELF -sW "$1"
		echo '@relocs'
		$READELF -rW "$1" | awk '/^Relocation section/ {
			on = ($3 == "'"'"'.rela__patchable_function_entries'"'"'") } on'
	} | awk '
	# (mawk, the default awk, has no strtonum)
	function hex(s,   i, v) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	/^@/ { part = $1; next }
	part == "@sections" && /^ *\[ *[0-9]+\]/ {
		sub(/^ *\[ */, ""); idx = $1 + 0; sub(/^[0-9]+\] */, "")
		name[idx] = $1; align[idx] = $NF + 0
	}
	part == "@symbols" && /^ *[0-9]+: / {
		n = $1 + 0; val[n] = hex($2); ndx[n] = $7
	}
	part == "@relocs" && /^[0-9a-f]+ +[0-9a-f]+ / {
		s = hex(substr($2, 1, length($2) - 8))
		add = 0
		if ($(NF - 1) == "+") add = hex($NF)
		if ($(NF - 1) == "-") add = -hex($NF)
		sec = ndx[s] + 0; off = val[s] + add
		if (off % 8 != 0 || align[sec] < 8)
			printf "%s+0x%x (section aligned to %d)\n", name[sec], off, align[sec]
	}'
}

for ko in "$@"; do
	vermagic=$(aarch64-linux-gnu-objcopy -O binary -j .modinfo "$ko" /dev/stdout |
		tr '\0' '\n' | sed -n 's/^vermagic=//p')
	case $vermagic in
	"$ABI "*) ;;
	*) problem "$ko" "vermagic '$vermagic' is not this kernel's ($ABI): the kernel refuses it" ;;
	esac
	[ "$CALL_OPS" -eq 1 ] || continue
	sites=$(misaligned_sites "$ko")
	# shellcheck disable=SC2086,SC2116 # one line: the sites split into words
	[ -z "$sites" ] ||
		problem "$ko" "ftrace patch sites not 8-byte aligned, which $ABI" \
			"(CONFIG_DYNAMIC_FTRACE_WITH_CALL_OPS) needs; loading it can crash the kernel" \
			"(was it built with the kernel's compiler?): $(echo $sites)"
done
exit "$bad"
