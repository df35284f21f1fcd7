#!/usr/bin/env bash
# scripts/install-sdk.sh - lay pkvmkit's vendor-module SDK over the prepared
# kernel headers (.deps/current/kdir), so that a pKVM vendor module laid out
# as Android documents it builds unchanged with `make -C $KDIR M=$PWD`:
#   srctree/arch/...          every file of sdk/arch/, at its path there:
#     arch/arm64/include/asm/kvm_pkvm_module.h    the module API
#     arch/arm64/include/asm/pkvmkit_module_ops.h its ops member list
#     arch/arm64/include/asm/kvm_define_hypevents.h, kvm_hypevents_defs.h,
#       pkvmkit_hyptrace.h                          hyp tracing (EL1 side, ABI)
#     arch/arm64/kvm/hyp/include/nvhe/...         EL2 headers (hyp tracing)
#     arch/arm64/kvm/hyp/nvhe/Makefile.module       EL2 build steps
#     arch/arm64/kvm/hyp/nvhe/pkvmkit-module.lds.S  EL2 partial link
#     arch/arm64/kvm/hyp/nvhe/pkvmkit-sections.S    (its flagged inputs)
#     arch/arm64/kvm/hyp/nvhe/pkvmkit-api.mk        PKVM_MODULE_API=
#   srctree/arch/arm64/kvm/hyp/nvhe/pkvmkit-gen-hyprel    (host binary)
#   srctree/arch/arm64/Makefile   + one line including pkvmkit-api.mk
#   objtree/Module.symvers   + the driver's exports, for modpost
# srctree is the -common tree the arm64 headers include. Idempotent.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KDIR=$(readlink -f "$ROOT/.deps/current/kdir")
SYMVERS=$ROOT/driver/Module.symvers

die() { echo "install-sdk: $*" >&2; exit 1; }
[ -f "$KDIR/Makefile" ] || die "no prepared headers in $KDIR: run scripts/setup.sh"
[ -f "$SYMVERS" ] || die "no $SYMVERS: build the driver first (make driver)"

# The arm64 headers' Makefile is one line including the -common Makefile.
common=$(sed -n 's|^include .*\.\./\(linux-headers-[^/]*-common\)/Makefile)*$|\1|p' "$KDIR/Makefile")
SRCTREE=$(readlink -f "$KDIR/../$common")
[ -n "$common" ] && [ -f "$SRCTREE/Makefile" ] || die "cannot find the -common tree from $KDIR/Makefile"

# Each file is written only when its content changes: kbuild rebuilds every
# module whose build reads a file newer than its output, which would make
# each scripts/pkvmkit run rebuild the modules it runs (some 3 s).
install_if_changed() { # SRC DEST
	cmp -s "$1" "$2" || install -D -m 644 "$1" "$2"
}
# Every file of sdk/arch, at the same path in the -common tree.
(cd "$ROOT/sdk" && find arch -type f) | while read -r f; do
	install_if_changed "$ROOT/sdk/$f" "$SRCTREE/$f"
done
# The generation must reach the module's EL1 objects too, which no file
# of the module's own includes: the arch Makefile, read by every build of
# the headers, includes pkvmkit-api.mk (one line, added once).
archmk=$SRCTREE/arch/arm64/Makefile
apiline='-include $(srctree)/arch/arm64/kvm/hyp/nvhe/pkvmkit-api.mk # pkvmkit'
grep -qxF -- "$apiline" "$archmk" || printf '\n%s\n' "$apiline" >>"$archmk"

gen=$SRCTREE/arch/arm64/kvm/hyp/nvhe/pkvmkit-gen-hyprel
# (rebuilt when any of its sources, sdk/tools/, is newer)
if [ ! -x "$gen" ] || [ -n "$(find "$ROOT/sdk/tools" -newer "$gen" -print -quit)" ]; then
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$gen" "$ROOT/sdk/tools/gen-hyprel.c"
fi

# Replace any earlier copy of the driver's exports in the kernel's list.
tmp=$(mktemp)
grep -v $'\t[^\t]*/pkvmkit\t' "$KDIR/Module.symvers" >"$tmp" || true
cat "$SYMVERS" >>"$tmp"
cmp -s "$tmp" "$KDIR/Module.symvers" || cat "$tmp" >"$KDIR/Module.symvers"
rm -f "$tmp"
