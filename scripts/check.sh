#!/usr/bin/env bash
# scripts/check.sh - the static checks of `make check` (docs/checks.md).
# Each check is one TAP point; a finding fails it and is shown. The last
# line is "N passed, N failed", as every test stage's. Checks:
#   build        the hypervisor (with and without the lock-order check),
#                the unit tests, lib/ as EL2 and as kernel code, the
#                driver: every warning an error, with the extra warnings
#                of hyp/Makefile (WARNINGS) and tests/unit/Makefile
#   headers      every header compiles on its own, where it is used:
#                hyp/include/hyp/*.h at EL2, include/pkvmkit/*.h at EL2
#                and on the host, driver/*.h and the SDK's EL1 headers
#                in a kernel module against the selected kernel
#   ShellCheck   every shell script; the guest scripts (busybox sh) with
#                the exceptions docs/checks.md gives
#   checkpatch   the kernel's checkpatch.pl over hyp/, driver/, lib/,
#                include/pkvmkit/, the samples in modules/ and the inner
#                guest's module (tests/vm_guest/), with the
#                exceptions docs/checks.md gives
#   docs         docs/ names every source file and every scenario
#   abi          the ABI is derived, not copied: the build experiments
#                of docs/checks.md (a set-up call without its kind does
#                not build; a reordered boot structure or another first
#                dynamic id builds and the assembly follows)
# Needs scripts/setup.sh done (the driver and header checks build against
# the selected kernel). Output of each step: build/check/<check>.log.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/build/check
CROSS=aarch64-linux-gnu-
cd "$ROOT" || exit 2
mkdir -p "$OUT"
# shellcheck source=tests/lib/host-tap.sh
. "$ROOT/tests/lib/host-tap.sh"

echo "TAP version 13"

# run NAME CMD...: CMD's output to $OUT/NAME.log; its status
run() {
	local name=$1
	shift
	"$@" >"$OUT/$name.log" 2>&1
}

# point DESC LOG STATUS: ok, or not ok with the log's last lines
point() {
	if [ "$3" -eq 0 ]; then ok "$1"; else not_ok "$1" "$(cat "$2")"; fi
}

# ---- build ----------------------------------------------------------------
check_build() {
	local rc=0
	run build-hyp make -s -C hyp O="$OUT/hyp" HYP_LOCK_CHECKS=1 || rc=1
	point "build: the hypervisor, lock-order check on (extra warnings, -Werror)" \
		"$OUT/build-hyp.log" $rc
	rc=0
	run build-hyp-fast make -s -C hyp O="$OUT/hyp-fast" HYP_LOCK_CHECKS=0 || rc=1
	point "build: the hypervisor, lock-order check off" "$OUT/build-hyp-fast.log" $rc
	rc=0
	run build-unit make -s -C tests/unit all cross-check kernel-check || rc=1
	point "build: unit tests, lib/ at EL2 and as kernel code" "$OUT/build-unit.log" $rc
	rc=0
	run build-driver make -s driver || rc=1
	point "build: the driver ($(cat .deps/current/kernel 2>/dev/null) headers, -Werror)" \
		"$OUT/build-driver.log" $rc
}

# ---- headers --------------------------------------------------------------
# compiles_alone CC FLAGS... -- HEADER...: one line per header that fails
compiles_alone() {
	local cc=$1 h flags=()
	shift
	while [ "$1" != -- ]; do flags+=("$1"); shift; done
	shift
	for h in "$@"; do
		printf '#include <%s>\n' "$h" |
			$cc "${flags[@]}" -x c -c - -o /dev/null >/dev/null 2>&1 ||
			echo "$h"
	done
}

# The headers meant to be included on their own: not the event lists
# read several times with a macro set first (HYP_EVENT_MULTI_READ), nor
# the SDK header that expands the events file a module names.
own_headers() {
	local h
	for h in "$@"; do
		grep -q -e HYP_EVENT_MULTI_READ -e '#error "define HYP_EVENT_FILE' "$h" ||
			echo "$h"
	done
}

# One kernel module of one file per header, built against the selected
# kernel (scripts/kbuild): the headers an EL1 file may include first.
kernel_headers_alone() {
	local dir=$OUT/kheaders h n=0 objs=()
	rm -rf "$dir"
	mkdir -p "$dir"
	for h in $(own_headers driver/*.h sdk/arch/arm64/include/asm/*.h); do
		n=$((n + 1))
		# by path: the tree's file, not a copy scripts/install-sdk.sh
		# may have laid over the headers (none on a fresh clone)
		printf '#include "%s/%s"\n' "$ROOT" "$h" >"$dir/h$n.c"
		echo "h$n.c: $h" >>"$dir/index"
		objs+=("h$n.o")
	done
	printf '#include <linux/module.h>\nMODULE_LICENSE("GPL");\n' >"$dir/license.c"
	objs+=(license.o)
	{
		echo "obj-m := hdr.o"
		echo "hdr-y := ${objs[*]}"
		echo "ccflags-y := -I$ROOT/include -I$ROOT/build/hyp -Werror"
	} >"$dir/Kbuild"
	(cd "$dir" && "$ROOT/scripts/kbuild" M="$PWD" PKVMKIT_ROOT="$ROOT" \
		PKVMKIT_BUILD="$ROOT/build" modules)
}

check_headers() {
	local bad hyp_flags rc=0
	hyp_flags=$(make -s -C hyp print-cflags O="$OUT/hyp")
	# shellcheck disable=SC2086 # the flags are words
	bad=$(cd hyp/include && compiles_alone "${CROSS}gcc" $hyp_flags -- hyp/*.h)
	[ -z "$bad" ] || rc=1
	point "headers: hyp/include/hyp/*.h compile alone at EL2" /dev/stdin $rc <<<"$bad"
	rc=0
	# shellcheck disable=SC2046,SC2086
	bad=$(cd include && compiles_alone "${CROSS}gcc" $hyp_flags -- $(own_headers pkvmkit/*.h))
	# shellcheck disable=SC2046
	bad+=$(cd include && compiles_alone gcc -std=gnu11 -Wall -Wextra -Werror \
		-I"$ROOT/include" -- $(own_headers pkvmkit/*.h))
	[ -z "$bad" ] || rc=1
	point "headers: include/pkvmkit/*.h compile alone at EL2 and on the host" \
		/dev/stdin $rc <<<"$bad"
	rc=0
	run kheaders kernel_headers_alone || rc=1
	point "headers: driver/*.h and the SDK's asm/ headers compile alone in a module" \
		"$OUT/kheaders.log" $rc
}

# ---- shellcheck -------------------------------------------------------------
# Host scripts: bash, every warning. Guest scripts (tests/scenarios,
# tests/lib/guest.sh, tests/vm: the VM helper and the inner guest's /init):
# busybox sh, whose ids and values come from the
# generated hc-ids.sh (SC2154) and are split into words on purpose (SC2086,
# SC2046); /lib/pkvmkit/guest.sh exists only in the guest (SC1091).
host_scripts() {
	git ls-files scripts tests .ci sdk | while read -r f; do
		case $f in
		tests/scenarios/*|tests/lib/guest.sh|tests/vm/*) continue ;;
		*.sh|.ci/run) echo "$f" ;;
		*) head -n1 "$f" 2>/dev/null | grep -q '^#!.*\(ba\)\{0,1\}sh' && echo "$f" ;;
		esac
	done
}

check_shellcheck() {
	local rc=0 files
	mapfile -t files < <(host_scripts)
	run shellcheck-host shellcheck -x "${files[@]}" || rc=1
	point "shellcheck: ${#files[@]} host scripts" "$OUT/shellcheck-host.log" $rc
	rc=0
	mapfile -t files < <(git ls-files tests/scenarios tests/lib/guest.sh tests/vm)
	run shellcheck-guest shellcheck -s sh -e SC1091,SC2154,SC2086,SC2046 \
		"${files[@]}" || rc=1
	point "shellcheck: ${#files[@]} guest scripts (busybox sh)" \
		"$OUT/shellcheck-guest.log" $rc
}

# ---- checkpatch -------------------------------------------------------------
# The exceptions (docs/checks.md says why):
#  everywhere   COMPLEX_MACRO, MULTISTATEMENT_MACRO_USE_DO_WHILE,
#               TRAILING_SEMICOLON, SPACING: the X-macro lists (one
#               definition expanded into tables, enums, declarations);
#               FILE_PATH_CHANGES: meaningless with -f
#  hyp/, lib/,  VOLATILE (READ_ONCE and the lock's holder are written
#  include/     here), PREFER_DEFINED_ATTRIBUTE_MACRO (no <linux/
#               compiler.h> at EL2 or on the host), NEW_TYPEDEFS
#               (hyp_spinlock_t as ACK names it; callback types),
#               ENOSYS (KVM_RUN's error for an MMIO access without a
#               syndrome is KVM's ABI, which HC_VCPU_MMIO passes on)
#  driver/      VSPRINTF_SPECIFIER_PX: the status file (debugfs, root
#               only) prints each module's EL1 address on purpose
#  modules/     AVOID_EXTERNS: the EL1 halves declare their EL2 symbols
#               (__kvm_nvhe_*) as Android's page shows, EL2 halves the
#               linker's __hyp_event_ids bounds; pkvm_reloc_test also
#               VOLATILE: its volatile pointers keep the tables it tests
#               in .data
CP_IGNORE=COMPLEX_MACRO,MULTISTATEMENT_MACRO_USE_DO_WHILE,TRAILING_SEMICOLON,SPACING,FILE_PATH_CHANGES

# checkpatch_group IGNORE FILE...: findings into the log; 1 if any
checkpatch_group() {
	local ignore=$1
	shift
	perl "$CHECKPATCH" --no-tree --terse --show-types --ignore "$ignore" \
		-f "$@" >>"$OUT/checkpatch.log" 2>&1
	! grep -q ': \(ERROR\|WARNING\):' "$OUT/checkpatch.log"
}

check_checkpatch() {
	local rc=0 n free drv mods reloc
	if ! CHECKPATCH=$(scripts/get-checkpatch.sh 2>"$OUT/checkpatch-get.log"); then
		not_ok "checkpatch: the kernel's checkpatch.pl" "$(cat "$OUT/checkpatch-get.log")"
		return
	fi
	: >"$OUT/checkpatch.log"
	mapfile -t free < <(git ls-files 'hyp/*.[chS]' 'lib/*.c' 'include/pkvmkit/*.h')
	mapfile -t drv < <(git ls-files 'driver/*.[chS]')
	mapfile -t mods < <(git ls-files 'modules/*.[ch]' 'tests/vm_guest/*.[ch]' |
		grep -v '^modules/pkvm_reloc_test/')
	mapfile -t reloc < <(git ls-files 'modules/pkvm_reloc_test/*.[ch]')
	checkpatch_group "$CP_IGNORE,VOLATILE,PREFER_DEFINED_ATTRIBUTE_MACRO,NEW_TYPEDEFS,ENOSYS" \
		"${free[@]}" || rc=1
	checkpatch_group "$CP_IGNORE,VSPRINTF_SPECIFIER_PX" "${drv[@]}" || rc=1
	checkpatch_group "$CP_IGNORE,AVOID_EXTERNS" "${mods[@]}" || rc=1
	checkpatch_group "$CP_IGNORE,AVOID_EXTERNS,VOLATILE" "${reloc[@]}" || rc=1
	n=$((${#free[@]} + ${#drv[@]} + ${#mods[@]} + ${#reloc[@]}))
	point "checkpatch: $n files of hyp/, lib/, include/, driver/, modules/, tests/vm_guest/" \
		"$OUT/checkpatch.log" $rc
}

# ---- docs -----------------------------------------------------------------
# Source files: everything the build or the tests use. A file counts as
# named by its path, by its name in backticks, or, in a component folder
# (a module under modules/, an SDK test, a test kernel module, the
# kernel stubs of the unit tests), by that folder's path or name.
source_files() {
	git ls-files hyp driver lib include sdk scripts tests modules .ci |
		grep -E '\.(c|h|S|sh|py|lds|mk)$|^scripts/[^./]+$|^\.ci/run$' |
		grep -v -e '^tests/unit/corpus/' -e '^tests/scenarios/'
}

component_of() {
	case $1 in
	modules/*/*) echo "$1" | cut -d/ -f1-2 ;;
	tests/sdk/*/*) echo "$1" | cut -d/ -f1-3 ;;
	tests/hostile/*|tests/psci_probe/*|tests/pool_probe/*|tests/topup_probe/*|tests/guest/*) echo "$1" | cut -d/ -f1-2 ;;
	tests/unit/kstub/*) echo tests/unit/kstub ;;
	esac
}

named() { # FILE: is it named in docs/ (or the README, for paths)?
	local c
	grep -qF -- "$1" docs/*.md README.md && return 0
	grep -qF -- "\`$(basename "$1")\`" docs/*.md && return 0
	c=$(component_of "$1")
	[ -n "$c" ] || return 1
	grep -qF -- "$c" docs/*.md || grep -qF -- "\`$(basename "$c")\`" docs/*.md
}

check_docs() {
	local f missing=()
	while read -r f; do
		named "$f" || missing+=("$f")
	done < <(source_files)
	if [ ${#missing[@]} -eq 0 ]; then
		ok "docs: every source file is named in docs/"
	else
		not_ok "docs: every source file is named in docs/" "$(printf 'not named: %s\n' "${missing[@]}")"
	fi
	missing=()
	for f in tests/scenarios/*.sh; do
		f=$(basename "$f" .sh)
		grep -qF -- "\`$f\`" docs/*.md || missing+=("$f")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		ok "docs: every scenario is named in docs/"
	else
		not_ok "docs: every scenario is named in docs/" "$(printf 'not named: %s\n' "${missing[@]}")"
	fi
}

# ---- abi ------------------------------------------------------------------
# experiment NAME SED-SCRIPT FILE: the hypervisor built from a copy of the
# tree with FILE changed by SED-SCRIPT: 0 if it built, 1 if not, 2 if the
# change did not apply (the experiment is out of date). Log in
# $OUT/abi-NAME.log.
experiment() {
	local name=$1 script=$2 file=$3 dir=$OUT/abi-$1
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r hyp include lib sdk "$dir/"
	sed -i "$script" "$dir/$file"
	if cmp -s "$file" "$dir/$file"; then
		echo "$file: the change did not apply" >"$OUT/abi-$name.log"
		return 2
	fi
	make -s -C "$dir/hyp" O="$dir/build" >"$OUT/abi-$name.log" 2>&1 || return 1
}

offset_of() { sed -n "s/^#define $2 \\([0-9]*\\) .*/\\1/p" "$1"; }

check_abi() {
	local rc
	experiment no-kind 's/X(HC_HEAP_STATS,\t23, always, handle_heap_stats)/X(HC_HEAP_STATS,\t23, handle_heap_stats)/' \
		include/pkvmkit/hypercall.h
	rc=$?
	if [ $rc -eq 1 ]; then ok "abi: a static call without its kind does not build"
	else not_ok "abi: a static call without its kind does not build" "$(cat "$OUT/abi-no-kind.log")"; fi

	experiment boot-order '/^\tu64 ttbr0;/{h;d};/^\tu64 slot;/{G}' include/pkvmkit/boot.h
	rc=$?
	if [ $rc -eq 0 ] && [ "$(offset_of "$OUT/abi-boot-order/build/asm-offsets.h" BOOT_TTBR0)" = 48 ] &&
		[ "$(offset_of "$OUT/abi-boot-order/build/asm-offsets.h" BOOT_TCR)" = 0 ]; then
		ok "abi: struct hyp_cpu_boot reordered: init.S's offsets follow"
	else
		not_ok "abi: struct hyp_cpu_boot reordered: init.S's offsets follow" "$(cat "$OUT/abi-boot-order.log")"
	fi

	experiment first-dynamic 's/^#define HC_FIRST_DYNAMIC\t128/#define HC_FIRST_DYNAMIC\t64/' \
		include/pkvmkit/hypercall.h
	rc=$?
	if [ $rc -eq 0 ] &&
		[ "$(offset_of "$OUT/abi-first-dynamic/build/asm-offsets.h" HC_FIRST_DYNAMIC_ID)" = $((0xC6000040)) ]; then
		ok "abi: another HC_FIRST_DYNAMIC builds and entry.S's fast path follows"
	else
		not_ok "abi: another HC_FIRST_DYNAMIC builds and entry.S's fast path follows" "$(cat "$OUT/abi-first-dynamic.log")"
	fi

	experiment overlap 's/^#define HC_FIRST_DYNAMIC\t128/#define HC_FIRST_DYNAMIC\t20/' \
		include/pkvmkit/hypercall.h
	rc=$?
	if [ $rc -eq 1 ]; then ok "abi: dynamic ids over the static calls do not build"
	else not_ok "abi: dynamic ids over the static calls do not build" "$(cat "$OUT/abi-overlap.log")"; fi
}

check_build
check_headers
check_shellcheck
check_checkpatch
check_docs
check_abi
tap_end
