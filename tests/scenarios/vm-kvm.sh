# VMs at EL2 through /dev/kvm, driven by a minimal VMM of our own
# (tests/guest/kvm-test.c, its guest code tests/guest/kvm-guest.S): every
# ioctl it uses and their errors, MMIO both ways, the guest's PSCI and
# SMCCC calls answered at EL2, trapped system registers, two vCPUs, the
# virtual timer and the IRQ line, each for a protected and a non-protected
# VM; then the host's every way of reading a protected guest's page; then
# single calls a hostile guest found answered wrong.
# Both kernels: it is the driver's whole KVM surface, which differs
# between the 6.1 and 6.12 headers it is built against. Twice: on
# cortex-a72 x2, and on max x4, where vCPU threads move over four CPUs.
#@ boot cortex-a72 2 1G
#@ boot max 4 1G
#@ timeout 300
. /lib/pkvmkit/guest.sh
guest_setup

# No IOMMU on this machine, so DMA is not protected: protected VMs run
# only with the administrator's say-so (docs/dma-isolation.md).
pk_load allow_unprotected_dma=1
pk_wait_deprivileged
t_check "/dev/kvm is there once the host is deprivileged" test -c /dev/kvm

for kind in normal protected; do
	for test in api basic smp timer secret; do
		pk_prog "$test ($kind)" /root/kvm-test $test $kind
	done
done

# call KIND X0 X1: x0 after one HVC of a guest (kvm-test call; killed
# after 60 s if the guest never gets past it)
call() {
	timeout -s KILL 60 /root/kvm-test call "$1" hvc "$2" "$3" | cut -d' ' -f1
}
# MEM_SHARE and MEM_UNSHARE of an IPA no memslot holds (kvm-test's
# MMIO_BASE): the call fails; the guest gets past it, no abort
t_eq "MEM_SHARE of an IPA that is not memory: INVALID_PARAMETER" \
	0xfffffffffffffffd "$(call protected 0xc6000003 0x10000000)"
t_eq "MEM_UNSHARE of an IPA that is not memory: INVALID_PARAMETER" \
	0xfffffffffffffffd "$(call protected 0xc6000004 0x10000000)"
# MMIO_GUARD_MAPs that need more stage-2 tables than the VM's memcache
# holds: the host gives them, none fails for want of them
for kind in normal protected; do
	pk_prog "guard ($kind)" /root/kvm-test guard $kind 16
done
# KVM's function 0 is FEATURES, by SMC32 (0x86000000): its SMC64 id is
# no call, for any guest
for kind in protected normal; do
	t_eq "0xc6000000 (no call) from a $kind guest: NOT_SUPPORTED" \
		0xffffffffffffffff "$(call $kind 0xc6000000 0x10000000)"
done
guest_finish
