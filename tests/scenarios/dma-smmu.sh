# DMA isolation with the hypervisor's SMMUv3 (docs/dma-isolation.md):
# QEMU 10's virt machine with an SMMUv3 (stage 1 + 2), the host kernel's
# SMMU driver kept off, QEMU's edu device and a virtio-blk disk behind it,
# both driven by a hostile host (tests/dma, physical addresses programmed
# directly). A device copies host page to host page (the positive
# control); it can neither read nor write a page the hypervisor took and
# filled at EL2 (modules/dma_target), and the SMMU's fault names the
# stream and the address; given back, the page is reachable again, taken
# again it is not; a module's read-only restriction (page_guard) holds
# for DMA writes; a protected guest's page is out of reach; the host
# cannot touch the SMMU's registers or QEMU's fw_cfg after deprivilege;
# a virtio-blk read into a hypervisor page fails without touching it.
# Both kernels: the stage-2 mirror and the SMMU driver are the same code,
# but the host side (PCI, virtio-pci built in on 6.12, a module on 6.1,
# the block layer's API) differs.
#@ boot cortex-a72 2 1G
#@ qemu 10
#@ machine iommu=smmuv3
#@ qemu-args -device edu,dma_mask=0xffffffffffffffff
#@ qemu-args -drive if=none,id=d0,file=@DISK@,format=raw -device virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on
#@ append initcall_blacklist=arm_smmu_driver_init deferred_probe_timeout=0 kvm-arm.protected_modules=page_guard,dma_target
#@ timeout 180
. /lib/pkvmkit/guest.sh
guest_setup

CMD=/sys/kernel/debug/pkvm_dma_test/cmd
dt() { echo "$*" >$CMD && cat $CMD; }
faults() { cat $PK_DBG/dma_faults; }
# a fault as "event ID stream SID page PAGE read|write stage2" (the SMMU
# reports the input address within the page)
fault_line() {
	# shellcheck disable=SC2086
	set -- $1
	[ $# -ge 7 ] && printf 'event %s stream %s page %#x %s %s\n' "$2" "$4" \
		$(($6 & ~0xfff)) "$7" "${8:-}"
}
newest_fault() { fault_line "$(faults | head -n1)"; }
nr_faults() { sed -n 's/^faults \([0-9]*\)$/\1/p' $PK_SYS/dma; }
sigbus() { (devmem "$@" >/dev/null 2>&1); echo $?; }

t_eq "before deprivilege the host reads QEMU's fw_cfg" 0 "$(sigbus 0x09020000 8)"
pk_load
pk_wait_deprivileged
t_check "the hypervisor protects DMA (sysfs dma)" grep -qx \
	"protected: protected by the hypervisor's SMMUv3" $PK_SYS/dma
t_check "  and logged why: the SMMU runs over the mirror" grep -q \
	"DMA protected: SMMUv3 stage 2" $PK_DBG/log
t_check "  the status file says so too" grep -q "^dma: protected" $PK_DBG/status

ID=$(dmesg | sed -n 's/.*dma_target: hypervisor pages on hypercall \([0-9]*\)$/\1/p')
GID=$(dmesg | sed -n 's/.*page_guard: guarding host pages on hypercall \([0-9]*\)$/\1/p')
t_check "dma_target and page_guard loaded with their hypercalls" test -n "$ID" -a -n "$GID"
target() { pk_hvc "$(pk_hc_id "$ID")" "$@" | cut -d' ' -f2; }
guard() { pk_hvc "$(pk_hc_id "$GID")" "$@" | cut -d' ' -f2; }

t_check "the test module loads and finds edu" insmod /root/pkvm_dma_test.ko
SID=$(dt edu_sid)
t_check "  edu's stream id" test -n "$SID"
# shellcheck disable=SC2046
set -- $(dt pages)
A=$1 B=$2 C=$3 D=$4 E=$5 F=$6 G=$7 H=$8 J=$9 K=${10}
pa() { printf '%#x' $(($1 << 12)); }

# positive control: host page A -> edu -> host page B
dt fill "$A" 1 >/dev/null
dt zero "$B" >/dev/null
t_eq "a device copies a host page to a host page (to_dev, from_dev)" "ok ok" \
	"$(dt to_dev "$A") $(dt from_dev "$B")"
t_eq "  B holds A's bytes" 4096 "$(dt match "$B" 1)"
t_eq "  and the SMMU recorded no fault" 0 "$(nr_faults)"

# the hypervisor's page: read and write attacks
t_eq "the hypervisor takes page C and fills it at EL2" 0x0 "$(target 1 "$C" 7)"
t_eq "  its EL2 check sees the secret whole" 0x1000 "$(target 2 "$C" 7)"
dt fill "$B" 3 >/dev/null
dt to_dev "$C" >/dev/null
dt from_dev "$B" >/dev/null
t_check "a device read of C gets nothing of the secret" \
	test "$(dt match "$B" 7)" -lt 100
t_eq "  the SMMU's fault: translation, edu's stream, C, a read, stage 2" \
	"event 0x10 stream $SID page $(pa "$C") read stage2" "$(newest_fault)"
dt fill "$A" 9 >/dev/null
dt to_dev "$A" >/dev/null
dt from_dev "$C" >/dev/null
t_eq "a device write to C leaves the secret whole" 0x1000 "$(target 2 "$C" 7)"
t_eq "  the SMMU's fault names the write" \
	"event 0x10 stream $SID page $(pa "$C") write stage2" "$(newest_fault)"
t_eq "the hypervisor gives C back" 0x0 "$(target 3 "$C")"
dt fill "$C" 11 >/dev/null
dt to_dev "$C" >/dev/null
dt from_dev "$B" >/dev/null
t_eq "  a device reaches C again" 4096 "$(dt match "$B" 11)"
t_eq "taken again" 0x0 "$(target 1 "$C" 13)"
dt to_dev "$C" >/dev/null
dt from_dev "$B" >/dev/null
t_check "  a device reads nothing of it again" test "$(dt match "$B" 13)" -lt 100

# a module's restriction holds for devices too
dt fill "$D" 17 >/dev/null
t_eq "page_guard makes D read-only for the host" 0x0 "$(guard 1 "$D")"
dt fill "$A" 21 >/dev/null
dt to_dev "$A" >/dev/null
dt from_dev "$D" >/dev/null
t_eq "  a device write to D is refused: D unchanged" 4096 "$(dt match "$D" 17)"
# QEMU 10 records no event for this one (a write through a read-only
# stage-2 entry): only what the device did is checked, the event shown.
t_diag "newest fault: $(newest_fault)"
dt to_dev "$D" >/dev/null
dt from_dev "$B" >/dev/null
t_eq "  a device read of D is allowed" 4096 "$(dt match "$B" 17)"
t_eq "lifted" 0x0 "$(guard 3 "$D")"
dt to_dev "$A" >/dev/null
dt from_dev "$D" >/dev/null
t_eq "  the device write lands" 4096 "$(dt match "$D" 21)"

# a protected guest's page: E the VM, F its stage-2 root, G, J and K its
# tables, H its memory at guest frame 0x10
PROT=$((1 | 40 << 8))
dt fill "$H" 31 >/dev/null
VM=$(pk_hvc "$HC_VM_CREATE" "$E" "$F" "$PROT" | cut -d' ' -f2)
t_check "a protected VM is allowed (DMA protected)" test "$((VM))" -ge 0
t_eq "  it takes table pages" "0x0 0x0 0x0" \
	"$(for p in "$G" "$J" "$K"; do pk_hvc "$HC_VM_TOPUP" "$VM" "$p" | cut -d' ' -f2; done | paste -sd' ')"
t_eq "  and H as its memory" 0x0 "$(pk_hvc "$HC_GUEST_MAP" "$VM" "$H" 0x10 | cut -d' ' -f2)"
dt to_dev "$H" >/dev/null
dt from_dev "$B" >/dev/null
t_check "a device read of the guest's page gets nothing of it" \
	test "$(dt match "$B" 31)" -lt 100
t_eq "  the fault names H" "event 0x10 stream $SID page $(pa "$H") read stage2" \
	"$(newest_fault)"
t_eq "the VM goes: teardown, reclaim, destroy" "0x0 0x0 0x0" \
	"$(pk_hvc "$HC_VM_TEARDOWN" "$VM" | cut -d' ' -f2) $(pk_hvc "$HC_VM_RECLAIM" "$VM" 64 | cut -d' ' -f2) $(pk_hvc "$HC_VM_DESTROY" "$VM" | cut -d' ' -f2)"
dt fill "$H" 33 >/dev/null
dt to_dev "$H" >/dev/null
dt from_dev "$B" >/dev/null
t_eq "  H is the host's again, for devices too" 4096 "$(dt match "$B" 33)"

# what the host loses at deprivilege
t_check "the host's read of the SMMU's registers is refused (SIGBUS)" \
	test "$(sigbus 0x09050000 32)" -ne 0
t_check "the host's write to fw_cfg's DMA register is refused (SIGBUS)" \
	test "$(sigbus 0x09020010 64 0)" -ne 0

# virtio-blk (last: QEMU stops a virtio device whose buffer it cannot map)
modprobe virtio_pci 2>/dev/null
modprobe virtio_blk
_i=0
while [ ! -b /dev/vda ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
t_check "the virtio-blk disk (behind the SMMU) is there" test -b /dev/vda
t_eq "a disk read into a host page works" ok "$(dt blk_read "$A" 2)"
t_eq "  and brings sector 2" "PKVMKIT-DISK 00000002" "$(dt head "$A")"
# QEMU completes the request (its bounce buffer swallows the failed
# writes): what matters is where the data did not go.
t_diag "disk read into C: $(dt blk_read "$C" 3)"
t_eq "a disk read into the hypervisor's page C leaves its secret whole" \
	0x1000 "$(target 2 "$C" 13)"
VSID=$(faults | head -n1 | cut -d' ' -f4)
t_check "  the SMMU's faults name the disk's stream ($VSID), C, writes" \
	test "$(newest_fault)" = "event 0x10 stream $VSID page $(pa "$C") write stage2" \
	-a "$VSID" != "$SID"
t_check "the faults were counted (sysfs dma)" test "$(nr_faults)" -ge 7
t_eq "the host is still deprivileged and answers" "0x0 $(printf '%#x' $HC_PING_MAGIC)" \
	"$(pk_hvc_x0x1 "$HC_PING")"
guest_finish
