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

# copy_module NAME DIR: modules/NAME (or tests/sdk/NAME), only the files the
# repository has, into $WORK/DIR.
copy_module() {
	local src=modules/$1 f
	[ -d "$ROOT/$src" ] || src=tests/sdk/$1
	rm -rf "${WORK:?}/$2"
	for f in $(git -C "$ROOT" ls-files -- "$src"); do
		mkdir -p "$WORK/$2/$(dirname "${f#"$src"/}")"
		cp "$ROOT/$f" "$WORK/$2/${f#"$src"/}"
	done
}

# build_in DIR [MAKE-ARGS...]: build $WORK/DIR as a vendor would. Log in
# $WORK/DIR.log.
build_in() {
	local api
	api=$("$ROOT/scripts/module-api" "$WORK/$1")
	(cd "$WORK/$1" && "$ROOT/scripts/kbuild" M="$PWD" \
		${api:+PKVM_MODULE_API="$api"} "${@:2}" modules) \
		>"$WORK/$1.log" 2>&1
}

# build NAME [MAKE-ARGS...]: copy NAME to $WORK/NAME and build it there.
build() {
	copy_module "$1" "$1" && build_in "$@"
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

# has_sym KO SYM: KO has SYM (defined or undefined)
has_sym() {
	$NM "$1" | grep -q " $2$"
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
echo "# kernel $(cat "$ROOT/.deps/current/kernel") ($(cat "$ROOT/.deps/current/abi"))"

# --- the page's sample, unchanged --------------------------------------
check "the sample has the page's files: Makefile, el1.c, hyp/Makefile, hyp/el2.c" \
	diff <(printf '%s\n' Makefile el1.c hyp/Makefile hyp/el2.c) \
	<(git -C "$ROOT" ls-files modules/pkvm_module | sed 's|^modules/pkvm_module/||' | sort)
# shellcheck disable=SC2016 # $(...) here is make syntax, not shell
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

# --- every sample module, on this kernel -------------------------------
warned=
for d in "$ROOT"/modules/*/; do
	m=$(basename "$d")
	[ "$m" = pkvm_module ] && continue # built above
	if ! build "$m"; then warned+=" $m(failed)"
	elif grep -qi warning "$WORK/$m.log"; then warned+=" $m"; fi
done
if [ -z "$warned" ]; then ok "every module in modules/ builds without a warning"
else not_ok "every module in modules/ builds without a warning" "these did not:$warned"; fi
IKO=$WORK/link_importer/link_importer.ko
check "link_importer's call to link_exporter's EL2 code is kept (.hyp.import)" \
	sh -c "aarch64-linux-gnu-readelf -SW '$IKO' | grep -q ' .hyp.import '"
check "  modpost resolved it to link_exporter (depends=pkvmkit,link_exporter)" \
	modinfo_has "$IKO" depends=pkvmkit,link_exporter

# --- what the kernel would refuse or crash on ---------------------------
check "the sample's .ko passes the kernel's checks (scripts/check-ko.sh)" \
	"$ROOT/scripts/check-ko.sh" "$ROOT/.deps/current" "$KO"
mkdir -p "$WORK/other/kdir"
echo 6.99.0-1-arm64 >"$WORK/other/abi"
cp "$KDIR/.config" "$WORK/other/kdir/"
"$ROOT/scripts/check-ko.sh" "$WORK/other" "$KO" >"$WORK/vermagic.log" 2>&1
check "a .ko for another kernel is refused, naming its vermagic" \
	grep -q "vermagic '$(cat "$ROOT/.deps/current/abi") .*' is not this kernel's (6.99.0-1-arm64)" \
	"$WORK/vermagic.log"
printf '#!/bin/sh\necho 99.1.0\n' >"$WORK/gcc-99"
chmod +x "$WORK/gcc-99"
rm -rf "$WORK/pkvm_module"
build pkvm_module CC="$WORK/gcc-99"
check "CC= of another gcc major is refused before anything is built" sh -c \
	"grep -q 'is gcc 99.1.0, but .* was built with gcc' '$WORK/pkvm_module.log' &&
	 [ ! -e '$WORK/pkvm_module/el1.o' ]"
if grep -qx CONFIG_DYNAMIC_FTRACE_WITH_CALL_OPS=y "$KDIR/.config"; then
	if build pkvm_bad_ftrace; then
		not_ok "a misaligned ftrace patch site is refused"
	else
		check "a misaligned ftrace patch site is refused, naming the site" grep -q \
			"ftrace patch sites not 8-byte aligned.*\.text\.pkvmkit_misaligned+0x4" \
			"$WORK/pkvm_bad_ftrace.log"
	fi
	check "  and the .ko deleted" test ! -e "$WORK/pkvm_bad_ftrace/pkvm_bad_ftrace.ko"
else
	skip "a misaligned ftrace patch site is refused" \
		"$(cat "$ROOT/.deps/current/abi") has no CONFIG_DYNAMIC_FTRACE_WITH_CALL_OPS"
	skip "  and the .ko deleted" "(as above)"
fi

# --- the generations of the interface ------------------------------------
for api in android14-6.1 android15-6.6 android16-6.12; do
	if build pkvm_ops_layout PKVM_MODULE_API=$api; then
		ok "$api: pkvm_module_ops has ACK's members in ACK's places, and 32 KABI slots"
	else
		not_ok "$api: pkvm_module_ops has ACK's members in ACK's places, and 32 KABI slots" \
			"$(grep -E 'error' "$WORK/pkvm_ops_layout.log" | head -5)"
	fi
done
build pkvm_module
for m in pkvm_module:android14-6.1 smc_chain:android15-6.6 heap_cache:android16-6.12; do
	check "${m%%:*}.ko records its generation (modinfo pkvm_module_api=${m#*:})" \
		modinfo_has "$WORK/${m%%:*}/${m%%:*}.ko" "pkvm_module_api=${m#*:}"
done
build pkvm_module PKVM_MODULE_API=android13-5.10
check "an unknown PKVM_MODULE_API is refused, listing the known ones" sh -c \
	"grep -q 'PKVM_MODULE_API=android13-5.10: unknown generation; known: android14-6.1 android15-6.6 android16-6.12' '$WORK/pkvm_module.log' &&
	 [ ! -e '$WORK/pkvm_module/el1.o' ]"

# --- the EL2 headers and EL1 helpers vendor modules use ------------------
if build pkvm_el2_headers; then ok "nvhe/trap_handler.h, nvhe/spinlock.h, asm/kvm_hyp.h build at EL2 with the SDK's header"
else not_ok "nvhe/trap_handler.h, nvhe/spinlock.h, asm/kvm_hyp.h build at EL2 with the SDK's header" "$(tail -n 20 "$WORK/pkvm_el2_headers.log")"; fi
check "  without a warning (cpu_reg() defined once)" \
	sh -c "test -e '$WORK/pkvm_el2_headers/pkvm_el2_headers.ko' && ! grep -qi warning '$WORK/pkvm_el2_headers.log'"
check "  is_protected_kvm_enabled() at EL1 asks pkvmkit" sh -c \
	"$NM '$WORK/pkvm_el2_headers/pkvm_el2_headers.ko' | grep -q ' U __pkvmkit_protected_kvm_enabled$'"
check "  kvm_nvhe_sym() names the EL2 symbols (__kvm_nvhe_calls)" sh -c \
	"$NM '$WORK/pkvm_el2_headers/pkvm_el2_headers.ko' | grep -q ' __kvm_nvhe_calls$'"

# --- ACK's in-tree hyp-event paths ---------------------------------------
# "#define HYP_EVENT_FILE ../../../../drivers/misc/<module>/hyp/events.h",
# in EL1 and EL2 code, as ACK's own modules name their events header
IE=$WORK/pkvm_intree_events
for api in android15-6.6 android16-6.12; do
	if build pkvm_intree_events PKVM_MODULE_API=$api; then
		ok "$api: a module naming its events header by ACK's in-tree path builds, EL1 and EL2"
	else
		not_ok "$api: a module naming its events header by ACK's in-tree path builds, EL1 and EL2" \
			"$(grep -E 'error' "$IE.log" | head -5)"
	fi
done
check "  its EL1 side has the event's host side, its EL2 side the event's id" sh -c \
	"$NM '$IE/pkvm_intree_events.ko' | grep -q ' hyp_event_intree_events$' &&
	 $NM '$IE/pkvm_intree_events.ko' | grep -q ' __kvm_nvhe_hyp_event_id_intree_events$'"
check "  both compiled with the module's view of ACK's tree (-iquote)" sh -c \
	"grep -q 'iquote $IE/.pkvmkit-tree/arch/arm64/include/asm' '$IE/.intree-events-host.o.cmd' &&
	 grep -q 'iquote $IE/.pkvmkit-tree/arch/arm64/include/asm' '$IE/hyp/.intree-events-hyp.nvhe.o.cmd'"
check "  which holds its own place only (drivers/misc/pkvm_intree_events: the module)" sh -c \
	"[ \"\$(cd '$IE/.pkvmkit-tree' && find . -type l)\" = ./drivers/misc/pkvm_intree_events ] &&
	 [ '$IE/.pkvmkit-tree/drivers/misc/pkvm_intree_events' -ef '$IE' ]"
copy_module pkvm_intree_events intree-events-elsewhere
if build_in intree-events-elsewhere; then ok "  and it builds from a directory of another name"
else not_ok "  and it builds from a directory of another name" "$(grep -E 'error' "$WORK/intree-events-elsewhere.log" | head -5)"; fi
(cd "$WORK/intree-events-elsewhere" && "$ROOT/scripts/kbuild" M="$PWD" clean) >/dev/null 2>&1
check "  make clean removes the view" test ! -e "$WORK/intree-events-elsewhere/.pkvmkit-tree"
check "a module without such a path gets no view and no -iquote (smc_chain)" sh -c \
	"[ ! -e '$WORK/smc_chain/.pkvmkit-tree' ] && ! grep -q iquote '$WORK/smc_chain/.el1.o.cmd'"
copy_module pkvm_intree_events pkvm_intree_typo
sed -i 's|hyp/events.h$|hyp/evnts.h|' "$WORK/pkvm_intree_typo/intree-events-host.c"
if build_in pkvm_intree_typo; then not_ok "an in-tree path to no file of the module does not build"
else ok "an in-tree path to no file of the module does not build"; fi
check "  the compiler's error names it" grep -q \
	'fatal error: ../../../../drivers/misc/pkvm_intree_events/hyp/evnts.h: No such file or directory' \
	"$WORK/pkvm_intree_typo.log"
if build pkvm_event_path_sibling; then not_ok "another module's events header is not found (pkvm_intree_events', next to it)"
else ok "another module's events header is not found (pkvm_intree_events', next to it)"; fi
check "  the compiler's error names it, though the file is there" sh -c \
	"grep -q 'fatal error: ../../../../drivers/misc/pkvm_intree_events/hyp/events.h: No such file or directory' '$WORK/pkvm_event_path_sibling.log' &&
	 [ -f '$WORK/pkvm_event_path_sibling/../pkvm_intree_events/hyp/events.h' ]"
copy_module pkvm_intree_events pkvm_intree_two
sed -i 's|drivers/misc/pkvm_intree_events/|drivers/misc/other_module/|' "$WORK/pkvm_intree_two/intree-events-host.c"
if build_in pkvm_intree_two; then not_ok "paths putting one module at two places in ACK's tree do not build"
else ok "paths putting one module at two places in ACK's tree do not build"; fi
check "  the error names both" grep -q \
	"its HYP_EVENT_FILE paths put it at more than one place in ACK's tree: drivers/misc/other_module drivers/misc/pkvm_intree_events" \
	"$WORK/pkvm_intree_two.log"

TKO=$WORK/text_range/text_range.ko
check "modules/text_range (ACK's drivers/misc way, built above) has its event on both sides" sh -c \
	"$NM '$TKO' | grep -q ' hyp_event_text_range$' &&
	 $NM '$TKO' | grep -q ' __kvm_nvhe_hyp_event_id_text_range$'"
check "  and calls kvm_get_kernel_pa()" has_sym "$TKO" kvm_get_kernel_pa
check "  found in pkvmkit.ko (depends=pkvmkit)" modinfo_has "$TKO" depends=pkvmkit

# --- the EL1 helpers ACK exports ----------------------------------------
HKO=$WORK/pkvm_el1_helpers/pkvm_el1_helpers.ko
if build pkvm_el1_helpers; then ok "the EL1 helpers build, each from the header ACK declares it in"
else not_ok "the EL1 helpers build, each from the header ACK declares it in" "$(grep -E 'error' "$WORK/pkvm_el1_helpers.log" | head -5)"; fi
check "  without a warning" sh -c "test -e '$HKO' && ! grep -qi warning '$WORK/pkvm_el1_helpers.log'"
for s in kvm_get_kernel_pa __pkvm_topup_hyp_alloc __pkvm_topup_hyp_alloc_mgt_gfp __pkvm_topup_hyp_alloc_mgt; do
	check "  $s is called" has_sym "$HKO" "$s"
done
check "  and modpost found them in pkvmkit.ko (depends=pkvmkit)" modinfo_has "$HKO" depends=pkvmkit

# --- what must not build -----------------------------------------------
if build pkvm_bad_symbol; then not_ok "EL2 code calling printk does not build"
else ok "EL2 code calling printk does not build"; fi
check "the error names it (_printk) and says why" grep -q \
	"references '_printk', which is not part of the module's EL2 code" "$WORK/pkvm_bad_symbol.log"
if build pkvm_bad_import; then not_ok "EL2 code calling an EL2 function no module exports does not build"
else ok "EL2 code calling an EL2 function no module exports does not build"; fi
check "  modpost names it (__kvm_nvhe_no_module_exports_this)" grep -q \
	'"__kvm_nvhe_no_module_exports_this" .* undefined' "$WORK/pkvm_bad_import.log"
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
	 grep -q 'PKVM_MODULE_OPS_ANDROID14_6_1(HYP_OP_INIT)' '$ROOT/hyp/module_ops.c'"
check "pkvm_module_ops: no hand-written member list anywhere else" sh -c \
	"! grep -rlE '^\s*(int|void) \*?\(\*(host_stage2_mod_prot|register_host_smc_handler)\)' '$ROOT/sdk' '$ROOT/hyp' '$ROOT/driver'"

tap_end
