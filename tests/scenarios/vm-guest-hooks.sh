# A vendor module's guest-facing hooks, live: modules/guest_services (an
# android16-6.12 module, from the command line) registers a guest SMC
# handler and the guest TRNG ops; a protected guest's SMC reaches the
# handler (an HVC too, after the hypervisor's own calls), calls it does
# not take get NOT_SUPPORTED, and the guest's TRNG is the module's. 6.1
# only: the hooks are the hypervisor's; both kernels build the module.
#@ boot cortex-a72 2 1G
#@ kernel 6.1
#@ append kvm-arm.protected_modules=guest_services
. /lib/pkvmkit/guest.sh
guest_setup

# No IOMMU on this machine, so DMA is not protected: protected VMs run
# only with the administrator's say-so (docs/dma-isolation.md).
pk_load allow_unprotected_dma=1
pk_wait_deprivileged
t_eq "guest_services loaded from the command line" "guest_services loaded" \
	"$(cat $PK_SYS/protected_modules)"
call=$(dmesg | sed -n 's/.*guest_services: counts call \([0-9]*\).*/\1/p')
counts() { # 0: SMCs answered, 1: rnd64 calls
	# shellcheck disable=SC2046
	set -- $(pk_hvc "$(pk_hc_id "$call")" "$1")
	printf '%d\n' "$2"
}

# shellcheck disable=SC2046
set -- $(/root/kvm-test call protected smc 0xc2000f00 2 3)
t_eq "its SMC handler answers a protected guest: SUCCESS, 2 + 3, its magic" \
	"0x0 0x5 0x6775657374" "$1 $2 $4"
t_check "  with the guest's VM handle" [ "$(($3))" -ge 1 ]
t_eq "  the module counted one call" 1 "$(counts 0)"
# shellcheck disable=SC2046
set -- $(/root/kvm-test call normal hvc 0xc2000f00 40 2)
t_eq "by HVC from a non-protected guest too (after the hypervisor's calls)" \
	"0x0 0x2a" "$1 $2"
t_eq "a SiP call it does not take: NOT_SUPPORTED" 0xffffffffffffffff \
	"$(/root/kvm-test call protected smc 0xc2000f01 | cut -d' ' -f1)"
t_eq "  and the module was asked twice more, answered none" 2 "$(counts 0)"

t_eq "TRNG_VERSION: 1.0, from the module's ops" 0x10000 \
	"$(/root/kvm-test call protected smc 0x84000050 | cut -d' ' -f1)"
t_eq "TRNG_GET_UUID: the module's" "0x1e4b6c8a 0x5e4d3c0f 0xc1672a9b 0xa3f8e4d0" \
	"$(/root/kvm-test call protected hvc 0x84000052)"
a=$(/root/kvm-test call protected smc 0xc4000053 192)
b=$(/root/kvm-test call protected smc 0xc4000053 64)
t_check "TRNG_RND64 of 192 bits: SUCCESS and three words" \
	sh -c "echo '$a' | grep -qE '^0x0 0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+$'"
t_check "  64 bits: x1 and x2 zero, x3 new" \
	sh -c "echo '$b' | grep -qE '^0x0 0x0 0x0 0x[0-9a-f]+$' && [ '$(echo "$a" | cut -d' ' -f4)' != '$(echo "$b" | cut -d' ' -f4)' ]"
t_eq "  the module's rnd64 ran twice" 2 "$(counts 1)"
t_eq "RND32 is not offered: NOT_SUPPORTED" 0xffffffffffffffff \
	"$(/root/kvm-test call protected smc 0x84000053 32 | cut -d' ' -f1)"
guest_finish
