# A hostile guest and a VMM killed mid-run. kvm-test's hostile guest
# (tests/guest/kvm-guest.S, mode 4) makes thousands of random HVCs and
# SMCs (any id, PSCI and KVM's ranges first), loads and stores at random
# IPAs (in and far beyond its IPA space), and trapped system-register
# accesses (PMU, debug, the physical timer, the GIC's, LORegions, RAS,
# pointer-authentication keys, implementation-defined ones), while a
# protected witness VM checks its secret: the guest may get exceptions;
# the hypervisor, the host and the witness may not notice. Then a VMM is
# killed (SIGKILL) while its vCPU runs, after donating a thousand pages:
# the pool and every page state are back where they were. 6.1 only: all
# of it is the hypervisor's (vm-kvm and vm-qemu cover the driver on both
# kernels), and the rounds cost time.
#@ boot cortex-a72 2 1G
#@ kernel 6.1
#@ timeout 600
. /lib/pkvmkit/guest.sh
guest_setup

# No IOMMU on this machine, so DMA is not protected: protected VMs run
# only with the administrator's say-so (docs/dma-isolation.md).
pk_load allow_unprotected_dma=1
pk_wait_deprivileged

BEFORE=$(pk_vm_pages)
t_diag "before: $BEFORE"

pk_prog "hostile guest (protected)" /root/kvm-test hostile protected 20000
pk_prog "hostile guest (normal)" /root/kvm-test hostile normal 20000
t_eq "the hypervisor answers" "0x0 $PING_MAGIC" "$(pk_hvc_x0x1 "$HC_PING")"
t_eq "every page is back" "$BEFORE" "$(pk_vm_pages)"

for kind in protected normal; do
	/root/kvm-test kill $kind >/tmp/kill.out 2>&1 &
	pid=$!
	i=0
	while ! grep -q running /tmp/kill.out && [ $i -lt 300 ]; do
		usleep 100000
		i=$((i + 1))
	done
	t_check "a $kind VM runs, a thousand pages given" grep -q running /tmp/kill.out
	t_check "  its guest pages are the hypervisor's to keep" \
		sh -c "[ $(pk_pages_in "$ST_GUEST_OWNED") -ge 1024 ] || [ $kind = normal ]"
	kill -9 $pid
	wait $pid 2>/dev/null
	t_eq "  its VMM killed mid-run: every page back, the pool too" \
		"$BEFORE" "$(pk_vm_pages)"
done
guest_finish
