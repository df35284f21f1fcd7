#!/usr/bin/env bash
# tests/sdk/run.sh - the vendor-module SDK as a vendor uses it, on the host:
# builds with `make -C $KDIR M=$PWD` from clean copies and checks the
# result, and that what cannot work at EL2 does not build. KTAP output,
# ends with "N passed, N failed". Needs `make sdk` first.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KDIR=$ROOT/.deps/current/kdir
NM=aarch64-linux-gnu-nm
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=tests/lib/host-tap.sh
. "$ROOT/tests/lib/host-tap.sh"

# build NAME: copy modules/NAME (or tests/sdk/NAME), only the files the
# repository has, and build it as a vendor would. Log in $WORK/NAME.log.
build() {
	local src=modules/$1 f
	[ -d "$ROOT/$src" ] || src=tests/sdk/$1
	rm -rf "${WORK:?}/$1"
	for f in $(git -C "$ROOT" ls-files -- "$src"); do
		mkdir -p "$WORK/$1/$(dirname "${f#"$src"/}")"
		cp "$ROOT/$f" "$WORK/$1/${f#"$src"/}"
	done
	(cd "$WORK/$1" && make -C "$KDIR" M="$PWD" ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- modules) >"$WORK/$1.log" 2>&1
}

# section_ok KO NAME: page-aligned, a whole number of pages
section_ok() {
	local line size align
	line=$(aarch64-linux-gnu-readelf -SW "$1" | grep " $2 ") || return 1
	size=$((16#$(echo "$line" | sed 's/.*\] *//' | awk '{print $5}')))
	align=$(echo "$line" | awk '{print $NF}')
	[ "$align" = 4096 ] && [ $((size % 4096)) = 0 ]
}

# all_prefixed OBJ: every symbol but mapping symbols starts with __kvm_nvhe_
all_prefixed() {
	! $NM -P "$1" | awk '$1 !~ /^__kvm_nvhe_/ && $1 !~ /^\$/' | grep -q .
}

modinfo_has() {
	aarch64-linux-gnu-objcopy -O binary -j .modinfo "$1" "$WORK/modinfo" &&
		tr '\0' '\n' <"$WORK/modinfo" | grep -qx "$2"
}

# members FILE: pointer members of struct pkvm_module_ops, in order
members() {
	sed -n '/^struct pkvm_module_ops {/,/^};/ s/^\t[a-z][^(]*(\*\([a-z_0-9]*\))(.*/\1/p' "$1"
}

echo "TAP version 13"

# --- the page's sample, unchanged --------------------------------------
check "the sample has the page's files: Makefile, el1.c, hyp/Makefile, hyp/el2.c" \
	diff <(printf '%s\n' Makefile el1.c hyp/Makefile hyp/el2.c) \
	<(git -C "$ROOT" ls-files modules/pkvm_module | sed 's|^modules/pkvm_module/||' | sort)
check "hyp/Makefile is the page's two lines" diff \
	<(printf '%s\n' 'hyp-obj-y := el2.o' 'include $(srctree)/arch/arm64/kvm/hyp/nvhe/Makefile.module') \
	"$ROOT/modules/pkvm_module/hyp/Makefile"
if build pkvm_module; then ok "the sample builds with make -C \$KDIR M=\$PWD"
else not_ok "the sample builds with make -C \$KDIR M=\$PWD" "$(cat "$WORK/pkvm_module.log")"; fi
KO=$WORK/pkvm_module/pkvm_module.ko
check "no build warnings" sh -c "! grep -qi warning '$WORK/pkvm_module.log'"
for s in text rodata data bss; do
	check ".hyp.$s page-aligned and page-sized in the .ko" section_ok "$KO" ".hyp.$s"
done
check ".hyp.reloc in the .ko" sh -c "aarch64-linux-gnu-readelf -SW '$KO' | grep -q ' .hyp.reloc '"
check "every EL2 symbol carries __kvm_nvhe_" all_prefixed "$WORK/pkvm_module/hyp/kvm_nvhe.o"
check "the EL2 init is __kvm_nvhe_pkvm_driver_hyp_init" \
	sh -c "$NM '$KO' | grep -q ' T __kvm_nvhe_pkvm_driver_hyp_init$'"
cmd=$WORK/pkvm_module/hyp/.el2.nvhe.o.cmd
check "EL2 objects: -fno-stack-protector, no patchable entries (ftrace)" sh -c \
	"grep -q fno-stack-protector '$cmd' && ! grep -q fpatchable-function-entry '$cmd'"
check "EL2 objects: no sanitizers or coverage" sh -c \
	"! grep -qE 'fsanitize|fprofile-arcs' '$cmd'"
check "modpost resolved the driver's exports (depends=pkvmkit)" modinfo_has "$KO" depends=pkvmkit

# --- what must not build -----------------------------------------------
if build pkvm_bad_symbol; then not_ok "EL2 code calling printk does not build"
else ok "EL2 code calling printk does not build"; fi
check "the error names it (_printk) and says why" grep -q \
	"references '_printk', which is not part of the module's EL2 code" "$WORK/pkvm_bad_symbol.log"
if build pkvm_bad_reloc; then not_ok "a 32-bit absolute pointer in EL2 data does not build"
else ok "a 32-bit absolute pointer in EL2 data does not build"; fi
check "the error names the symbol and says why" grep -q \
	"against 'bad_reloc_hyp_init' at .hyp.rodata+0 cannot work at EL2" "$WORK/pkvm_bad_reloc.log"

# --- the ops table: one member list, used by both sides -----------------
LIST=$ROOT/sdk/arch/arm64/include/asm/pkvmkit_module_ops.h
check "pkvm_module_ops: 33 members in the one list (asm/pkvmkit_module_ops.h)" \
	test "$(sed -n '/^#define PKVM_MODULE_OPS_ANDROID14_6_1(OP)/,/^$/p' "$LIST" | grep -c '^\s*OP(')" -eq 33
check "pkvm_module_ops: the SDK header and the hypervisor both build their struct from it" sh -c \
	"grep -q 'PKVM_MODULE_OPS_ANDROID14_6_1(__PKVM_OP_MEMBER)' '$ROOT/sdk/arch/arm64/include/asm/kvm_pkvm_module.h' &&
	 grep -q 'PKVM_MODULE_OPS_ANDROID14_6_1(HYP_OP_MEMBER)' '$ROOT/hyp/include/hyp/module_ops.h' &&
	 grep -q 'PKVM_MODULE_OPS_ANDROID14_6_1(HYP_OP_INIT)' '$ROOT/hyp/module.c'"
check "pkvm_module_ops: no hand-written member list anywhere else" sh -c \
	"! grep -rlE '^\s*(int|void) \*?\(\*(host_stage2_mod_prot|register_host_smc_handler)\)' '$ROOT/sdk' '$ROOT/hyp' '$ROOT/driver'"

tap_end
