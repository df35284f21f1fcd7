# ACK's allocator-management top-ups (android15-6.6 on), as a vendor
# module calls them from <asm/kvm_host.h> (tests/topup_probe, one call a
# load): the heap's id gives the EL2 heap the chunks asked for, a chunk
# of several pages as that many pages; the IOMMU pool's id is refused
# (no DMA protection here), and so are an unknown id, a zero size and
# more than one call may give, with nothing donated.
#@ boot cortex-a72 2 1G
. /lib/pkvmkit/guest.sh
guest_setup

HEAP=0
IOMMU=1

# spare: the pages given to the EL2 heap it has not used yet
spare() {
	sed -n 's/^spare //p' $PK_SYS/hyp_alloc
}

# topup DESC PAGES_MORE ARGS...: one call that works, and what it gave
topup() {
	_desc=$1 _more=$2
	shift 2
	_before=$(spare)
	t_check "$_desc" insmod /root/topup_probe.ko "$@"
	rmmod topup_probe 2>/dev/null
	t_eq "  the heap has $_more spare page(s) more" $((_before + _more)) "$(spare)"
}

# refused DESC ERROR ARGS...: one call refused with ERROR, nothing given
refused() {
	_desc=$1 _err=$2
	shift 2
	_before=$(spare)
	t_check "$_desc" sh -c "insmod /root/topup_probe.ko $* 2>&1 | grep -q '$_err'"
	t_eq "  nothing donated" "$_before" "$(spare)"
}

pk_load
pk_wait_deprivileged
topup "_mgt_gfp(HEAP, 2, 4 KiB): 0" 2 id=$HEAP nr_pages=2 sz_alloc=4096
topup "_mgt_gfp(HEAP, 1, 8 KiB): 0" 2 id=$HEAP nr_pages=1 sz_alloc=8192
topup "_mgt_gfp(HEAP, 1, 5000 bytes), rounded up to 8 KiB: 0" 2 \
	id=$HEAP nr_pages=1 sz_alloc=5000
topup "_mgt(HEAP, 3, 4 KiB) (android15-6.6's, GFP_KERNEL): 0" 3 \
	call=mgt id=$HEAP nr_pages=3 sz_alloc=4096
refused "_mgt_gfp(IOMMU, ...): no IOMMU pool, -EOPNOTSUPP" \
	'Operation not supported' id=$IOMMU nr_pages=1 sz_alloc=4096
t_check "  and the log says why" \
	sh -c "dmesg | grep -q 'no IOMMU page pool to top up (no DMA protection)'"
refused "_mgt_gfp(2, ...): an unknown allocator, -EINVAL" \
	'Invalid argument' id=2 nr_pages=1 sz_alloc=4096
refused "_mgt_gfp(HEAP, 1, 0 bytes): -EINVAL" \
	'Invalid argument' id=$HEAP nr_pages=1 sz_alloc=0
refused "_mgt_gfp(HEAP, 1025, 4 KiB): more than 1024 pages, -EINVAL" \
	'Invalid argument' id=$HEAP nr_pages=1025 sz_alloc=4096
refused "_mgt_gfp(HEAP, 513, 8 KiB): 1026 pages, -EINVAL" \
	'Invalid argument' id=$HEAP nr_pages=513 sz_alloc=8192
refused "_mgt(HEAP, 0, 4 KiB): nothing asked, -EINVAL" \
	'Invalid argument' call=mgt id=$HEAP nr_pages=0 sz_alloc=4096
t_eq "the system is secure" 1 "$(cat $PK_SYS/secure)"
guest_finish
