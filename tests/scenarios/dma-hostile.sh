# The hostile-host fuzzer's devices (tests/dma/fuzz.c): QEMU's edu,
# driven at physical addresses, reads and writes short runs at random in
# all of RAM (mostly pages the host cannot reach: the hypervisor's, a
# protected module's, a protected guest's) and in the hypervisor's device
# ranges, while pages change hands between host and hypervisor. Every
# access agrees with the page's state (allowed and unfaulted, or refused
# with the SMMU's fault naming the page and direction); afterwards the
# secrets the hypervisor holds at EL2 are whole, a protected guest's page
# count, every page state count and the pool are what they were, and the
# hypervisor answers. Both kernels (the same fuzzer over each kernel's
# page layout); 400 accesses, since edu moves data on a 100 ms timer.
#@ boot cortex-a72 2 1G
#@ qemu 10
#@ machine iommu=smmuv3
#@ qemu-args -device edu,dma_mask=0xffffffffffffffff
#@ append initcall_blacklist=arm_smmu_driver_init deferred_probe_timeout=0 kvm-arm.protected_modules=dma_target
#@ timeout 240
. /lib/pkvmkit/guest.sh
guest_setup

pk_load
pk_wait_deprivileged
t_check "DMA protected" grep -q "^protected:" $PK_SYS/dma
ID=$(dmesg | sed -n 's/.*dma_target: hypervisor pages on hypercall \([0-9]*\)$/\1/p')
target() { pk_hvc "$(pk_hc_id "$ID")" "$@" | cut -d' ' -f2; }
t_check "the test module loads" insmod /root/pkvm_dma_test.ko
CMD=/sys/kernel/debug/pkvm_dma_test/cmd
dt() { echo "$*" >$CMD && cat $CMD; }
# shellcheck disable=SC2046
set -- $(dt pages)
A=$1 B=$2 C=$3 D=$4 E=$5 F=$6 G=$7 H=$8 J=$9

t_eq "the hypervisor takes three pages and fills them at EL2" "0x0 0x0 0x0" \
	"$(target 1 "$A" 41) $(target 1 "$B" 42) $(target 1 "$C" 43)"
VM=$(pk_hvc "$HC_VM_CREATE" "$E" "$F" $((1 | 40 << 8)) | cut -d' ' -f2)
t_eq "a protected VM (tables in D, G, J) holds a page (H)" "0x0 0x0 0x0 0x0" \
	"$(for p in "$D" "$G" "$J"; do pk_hvc "$HC_VM_TOPUP" "$VM" "$p" | cut -d' ' -f2; done | paste -sd' ') $(pk_hvc "$HC_GUEST_MAP" "$VM" "$H" 0x10 | cut -d' ' -f2)"
before=$(pk_vm_pages)
# RAM as the kernel sees it: the first "System RAM" range
RAM=$(sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM$/\1 \2/p' /proc/iomem | head -n1)
# shellcheck disable=SC2086
set -- $RAM
FIRST=$(printf '%#x' $((0x$1 >> 12)))
NR=$(printf '%#x' $(((0x$2 + 1 - 0x$1) >> 12)))
R=$(dt fuzz 0x190 0x5eed1 "$FIRST" "$NR")
t_diag "fuzz: $R"
t_check "400 random accesses, every one as the page's state says" sh -c \
	"echo '$R' | grep -q 'ops 400 .* violations 0$'"
t_check "  many refused, some pages changed hands" sh -c \
	"echo '$R' | awk '{ exit !(\$10 >= 100 && \$8 >= 10) }'"
t_eq "the secrets at EL2 are whole" "0x1000 0x1000 0x1000" \
	"$(target 2 "$A" 41) $(target 2 "$B" 42) $(target 2 "$C" 43)"
t_eq "page states and the pool as before" "$before" "$(pk_vm_pages)"
t_eq "the VM goes" "0x0 0x0 0x0" \
	"$(pk_hvc "$HC_VM_TEARDOWN" "$VM" | cut -d' ' -f2) $(pk_hvc "$HC_VM_RECLAIM" "$VM" 64 | cut -d' ' -f2) $(pk_hvc "$HC_VM_DESTROY" "$VM" | cut -d' ' -f2)"
t_eq "the hypervisor answers" "0x0 $(printf '%#x' $HC_PING_MAGIC)" \
	"$(pk_hvc_x0x1 "$HC_PING")"
guest_finish
