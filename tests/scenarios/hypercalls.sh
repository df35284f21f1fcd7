# The hypercall interface: set-up calls work before deprivilege and are
# refused after it, deprivilege is one-way, and unknown or malformed calls
# get clear errors with nothing changed. Every id here comes from
# include/pkvmkit/hypercall.h (via /root/hc-ids.sh), none is hand-copied.
#@ boot cortex-a72 2 1G
. /lib/pkvmkit/guest.sh
guest_setup

# x0 of a call with the given arguments.
x0_of() {
	pk_hvc_x0x1 "$@" | cut -d' ' -f1
}

pk_load deprivilege=0
t_eq "set-up call answered before deprivilege" "0x0 $PING_MAGIC" \
	"$(pk_hvc_x0x1 $HC_SETUP_PING)"
t_check "deprivilege" sh -c "echo 1 > $PK_SYS/deprivilege"
t_eq "second deprivilege refused by the hypervisor" "$NOT_SUPPORTED" \
	"$(x0_of $HC_PROT_FINALIZE)"
t_check "second deprivilege refused by the driver" \
	sh -c "! echo 1 > $PK_SYS/deprivilege"
t_eq "test panic refused after deprivilege" "$NOT_SUPPORTED" \
	"$(x0_of $HC_TEST_PANIC $PING_MAGIC)"

# Every set-up call on its own: refused because the host is deprivileged.
# Zero arguments: even a wrongly accepted call then does no harm, and x0
# alone tells refused (NOT_SUPPORTED) from accepted (SUCCESS).
for name in $HC_SETUP_NAMES; do
	eval "id=\$$name"
	t_eq "set-up call $name ($id) refused after deprivilege" \
		"$NOT_SUPPORTED" "$(x0_of $id 0 0 0)"
done
# ... and every other static call still answered.
for name in $HC_ALWAYS_NAMES; do
	eval "id=\$$name"
	t_eq "$name ($id) answered after deprivilege" 0x0 "$(x0_of $id 0 0 0)"
done

# Unknown ids, in the vendor-hypervisor range: id 0, the first past the
# static table, the last before the dynamic ones, the dynamic range with
# nothing registered (no module here), one past it, the largest.
for n in 0 $HC_NR_STATIC $((HC_FIRST_DYNAMIC - 1)) $HC_FIRST_DYNAMIC \
	 $((HC_FIRST_DYNAMIC + HC_MAX_DYNAMIC - 1)) \
	 $((HC_FIRST_DYNAMIC + HC_MAX_DYNAMIC)) 0xffff; do
	id=$(pk_hc_id $n)
	t_eq "unknown id $id: NOT_SUPPORTED" "$NOT_SUPPORTED" "$(x0_of $id 1 2 3)"
done
# Every number between the static table and the dynamic range, in one point.
answered=
n=$HC_NR_STATIC
while [ $n -lt $HC_FIRST_DYNAMIC ]; do
	id=$(pk_hc_id $n)
	[ "$(x0_of $id 1 2 3)" = "$NOT_SUPPORTED" ] || answered="$answered $id"
	n=$((n + 1))
done
t_eq "no id from $(pk_hc_id $HC_NR_STATIC) to $(pk_hc_id $((HC_FIRST_DYNAMIC - 1))) answered" \
	"" "$answered"
# A valid call number with the wrong owner, calling convention or bits:
# only exactly HC_FUNC_BASE | n is ours. (Bits 63:32 cannot be tested from
# here: Linux's arm_smccc_1_1_hvc() passes the id as a u32.)
ping_n=$((HC_PING & 0xffff))
for id in $(printf '%#x' $((HC_FUNC_BASE | 0x10000 | ping_n))) \
	  $(printf '%#x' $(((HC_FUNC_BASE & ~0x40000000) | ping_n))) \
	  $(printf '%#x' $(((HC_FUNC_BASE & ~0x80000000) | ping_n))) \
	  $(printf '%#x' $((HC_FUNC_BASE + 0x1000000 | ping_n))) \
	  0x0 0x1 $HYP_INIT_MAGIC; do
	t_eq "malformed id $id: NOT_SUPPORTED" "$NOT_SUPPORTED" "$(x0_of $id 1 2 3)"
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
	"$(pk_hvc_x0x1 $HC_STATE_COUNT $ST_COUNT)"
t_eq "page counts unchanged by all of that" "$before" "$(tr '\n' ' ' <$PK_SYS/page_states)"
t_eq "still answering" "0x0 $PING_MAGIC" "$(pk_hvc_x0x1 $HC_PING)"

guest_finish
