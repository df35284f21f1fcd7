# The hypercall interface: set-up calls work before deprivilege and are
# refused after it, deprivilege is one-way, and unknown or malformed calls
# get clear errors with nothing changed.
#@ boot cortex-a72 2 1G
. /lib/pkvmkit/guest.sh
guest_setup

pk_load deprivilege=0
t_eq "set-up call answered before deprivilege" "0x0 $PING_MAGIC" \
	"$(pk_hvc_x0x1 $HC_SETUP_PING)"
t_check "deprivilege" sh -c "echo 1 > $PK_SYS/deprivilege"
t_eq "set-up call refused after deprivilege" "$NOT_SUPPORTED" \
	"$(pk_hvc_x0x1 $HC_SETUP_PING | cut -d' ' -f1)"
t_eq "second deprivilege refused by the hypervisor" "$NOT_SUPPORTED" \
	"$(pk_hvc_x0x1 $HC_PROT_FINALIZE | cut -d' ' -f1)"
t_check "second deprivilege refused by the driver" \
	sh -c "! echo 1 > $PK_SYS/deprivilege"
t_eq "test panic refused after deprivilege" "$NOT_SUPPORTED" \
	"$(pk_hvc_x0x1 $HC_TEST_PANIC $PING_MAGIC | cut -d' ' -f1)"

for id in 0xc6000000 0xc6000012 0xc600007f 0xc6000080 0xc60000ff \
	  0xc6000100 0xc6010009 0x86000009 0xc7000009 0x0 0x1 0x70696e6974; do
	t_eq "unknown id $id: NOT_SUPPORTED" "$NOT_SUPPORTED" \
		"$(pk_hvc_x0x1 $id 1 2 3 | cut -d' ' -f1)"
done

scratch=$(cut -d' ' -f1 $PK_DBG/scratch)
before=$(tr '\n' ' ' <$PK_SYS/page_states)
t_eq "donate 0 pages: -EINVAL" "0x0 $R_EINVAL" "$(pk_hvc_x0x1 $HC_HOST_DONATE_HYP "$scratch" 0)"
t_eq "donate a pfn past RAM: -EINVAL" "0x0 $R_EINVAL" \
	"$(pk_hvc_x0x1 $HC_HOST_DONATE_HYP 0xfffffffff 1)"
t_eq "donate MMIO (GIC) pfn: -EINVAL" "0x0 $R_EINVAL" \
	"$(pk_hvc_x0x1 $HC_HOST_DONATE_HYP 0x8000 1)"
t_eq "donate a range that wraps: -EINVAL" "0x0 $R_EINVAL" \
	"$(pk_hvc_x0x1 $HC_HOST_DONATE_HYP "$scratch" 0xffffffffffffffff)"
t_eq "donate a range running off RAM: -EINVAL" "0x0 $R_EINVAL" \
	"$(pk_hvc_x0x1 $HC_HOST_DONATE_HYP 0x7ffff 2)"
t_eq "share 0 pages: -EINVAL" "0x0 $R_EINVAL" "$(pk_hvc_x0x1 $HC_HOST_SHARE_HYP "$scratch" 0)"
t_eq "unshare past RAM: -EINVAL" "0x0 $R_EINVAL" \
	"$(pk_hvc_x0x1 $HC_HOST_UNSHARE_HYP 0x100000000 1)"
t_eq "reclaim a huge range: -EINVAL" "0x0 $R_EINVAL" \
	"$(pk_hvc_x0x1 $HC_HOST_RECLAIM 0x40000 0x100000000000)"
t_eq "page state of a non-RAM pfn: -EINVAL" "0x0 $R_EINVAL" \
	"$(pk_hvc_x0x1 $HC_PAGE_STATE 0x1)"
t_eq "state count of an unknown state: -EINVAL" "0x0 $R_EINVAL" \
	"$(pk_hvc_x0x1 $HC_STATE_COUNT 4)"
t_eq "page counts unchanged by all of that" "$before" "$(tr '\n' ' ' <$PK_SYS/page_states)"
t_eq "still answering" "0x0 $PING_MAGIC" "$(pk_hvc_x0x1 $HC_PING)"

guest_finish
