#!/usr/bin/env bash
# scripts/install-sdk.sh - lay pkvmkit's vendor-module SDK over the prepared
# kernel headers (.deps/current/kdir), so that a pKVM vendor module laid out
# as Android documents it builds unchanged with `make -C $KDIR M=$PWD`:
#   srctree/arch/arm64/include/asm/kvm_pkvm_module.h    the module API
#   srctree/arch/arm64/include/asm/pkvmkit_module_ops.h its ops member list
#   srctree/arch/arm64/kvm/hyp/nvhe/Makefile.module       EL2 build steps
#   srctree/arch/arm64/kvm/hyp/nvhe/pkvmkit-module.lds.S  EL2 partial link
#   srctree/arch/arm64/kvm/hyp/nvhe/pkvmkit-sections.S    (its flagged inputs)
#   srctree/arch/arm64/kvm/hyp/nvhe/pkvmkit-gen-hyprel    (host binary)
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

for f in kvm_pkvm_module.h pkvmkit_module_ops.h; do
	install -D -m 644 "$ROOT/sdk/arch/arm64/include/asm/$f" \
		"$SRCTREE/arch/arm64/include/asm/$f"
done
install -D -m 644 "$ROOT/sdk/arch/arm64/kvm/hyp/nvhe/Makefile.module" \
	"$SRCTREE/arch/arm64/kvm/hyp/nvhe/Makefile.module"
for f in pkvmkit-module.lds.S pkvmkit-sections.S; do
	install -D -m 644 "$ROOT/sdk/arch/arm64/kvm/hyp/nvhe/$f" \
		"$SRCTREE/arch/arm64/kvm/hyp/nvhe/$f"
done
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$SRCTREE/arch/arm64/kvm/hyp/nvhe/pkvmkit-gen-hyprel" \
	"$ROOT/sdk/tools/gen-hyprel.c"

# Replace any earlier copy of the driver's exports in the kernel's list.
tmp=$(mktemp)
grep -v $'\t[^\t]*/pkvmkit\t' "$KDIR/Module.symvers" >"$tmp" || true
cat "$SYMVERS" >>"$tmp"
cat "$tmp" >"$KDIR/Module.symvers"
rm -f "$tmp"
