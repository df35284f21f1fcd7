# Three generations of ACK's module interface in one boot: the page's
# sample (android14-6.1), smc_chain (android15-6.6: two chained host SMC
# handlers, handlers that set x0 themselves) and heap_cache
# (android16-6.12: a key-value store in the EL2 heap). Each gets its own
# generation's ops table and call convention; the chain runs in
# registration order; the heap hands out, reuses, runs out, and works
# again once the host donates a page.
#@ boot cortex-a72 2 1G
#@ boot max 2 1G
#@ append kvm-arm.protected_modules=pkvm_module,smc_chain,heap_cache
. /lib/pkvmkit/guest.sh
guest_setup

# the SiP ids smc_chain's handlers take (modules/smc_chain/hyp/el2.c)
DENIED=0x82000f10
ANSWERED=0x82000f11
ENOENT_X=0xfffffffffffffffe
ENOMEM_X=0xfffffffffffffff4

pk_load
pk_wait_deprivileged
t_eq "all three were loaded from the command line" \
	"pkvm_module loaded smc_chain loaded heap_cache loaded" \
	"$(cat $PK_SYS/protected_modules | tr '\n' ' ' | sed 's/ $//')"
for m in "pkvm_module android14-6.1" "smc_chain android15-6.6" "heap_cache android16-6.12"; do
	set -- $m
	t_check "$1: its EL2 code loaded as $2" \
		sh -c "dmesg | grep -q '$1: EL2 code loaded at .*, $2)'"
done

# ids as the modules printed them
ids=$(dmesg | sed -n 's/.*smc_chain: calls stats \([0-9]*\) limits \([0-9]*\) leave_x0 \([0-9]*\).*/\1 \2 \3/p')
set -- $ids
STATS=$1 LIMITS=$2 LEAVE=$3
ids=$(dmesg | sed -n 's/.*heap_cache: calls put \([0-9]*\) get \([0-9]*\) drop \([0-9]*\).*/\1 \2 \3/p')
set -- $ids
PUT=$1 GET=$2 DROP=$3
# shellcheck disable=SC2116 # echo joins the ids with one space each
t_eq "the ids are handed out in load order" "128 129 130 131 132 133 134" \
	"$(echo 128 $STATS $LIMITS $LEAVE $PUT $GET $DROP)"

echo "# android14-6.1: x0 is SUCCESS when the handler runs"
t_eq "pkvm_module's handler: x0 = SUCCESS, x1 = 0" "0x0 0x0" \
	"$(pk_hvc_x0x1 $(pk_hc_id 128) 5)"
echo "# android15-6.6: x0 holds the function id; the handler sets it"
t_eq "smc_chain's leave_x0: x0 as called, x1 = 0x1234" \
	"$(pk_hc_id $LEAVE) 0x1234" "$(pk_hvc_x0x1 $(pk_hc_id $LEAVE))"
t_eq "smc_chain's limits on cpu1: x0 = SUCCESS, hyp_smp_processor_id() = 1" \
	"0x0 0x1" "$(pk_hvc cpu 1 $(pk_hc_id $LIMITS) | cut -d' ' -f1,4)"
t_check "smc_chain's init wrote with putc and puts" \
	grep -q "smc_chain: two host SMC handlers chained" $PK_DBG/log

echo "# the chain, in registration order: deny first, then answer"
pk_hvc $(pk_hc_id $STATS) >/dev/null	# clear the log
t_eq "the answered SiP call: x0 = 0, x1 = 0x66" "0x0 0x66" \
	"$(pk_smc $ANSWERED | cut -d' ' -f1,2)"
t_eq "  both handlers ran, deny's first (log 0x12)" "0x0 0x12" \
	"$(pk_hvc_x0x1 $(pk_hc_id $STATS))"
t_eq "the denied SiP call: NOT_SUPPORTED" "$NOT_SUPPORTED" \
	"$(pk_smc $DENIED | cut -d' ' -f1)"
t_eq "  only the first handler ran (log 0x1)" "0x0 0x1" \
	"$(pk_hvc_x0x1 $(pk_hc_id $STATS))"
t_eq "SMCCC_VERSION passes both to the firmware (log 0x12)" "0x0 0x12" \
	"$(pk_smc 0x80000000 >/dev/null; pk_hvc_x0x1 $(pk_hc_id $STATS))"
t_eq "  one denied, one answered so far" "0x1 0x1" \
	"$(pk_hvc $(pk_hc_id $STATS) | cut -d' ' -f3,4)"

echo "# android16-6.12: the EL2 heap"
t_check "heap_cache's EL1 init found the heap empty and donated a page" \
	sh -c "dmesg | grep -q 'heap_cache: the EL2 heap ran out; donated 1 page'"
t_eq "then stored key 1 at EL2: get(1) = 0x612 (x0 set by the handler)" \
	"0x0 0x0 0x612" "$(pk_hvc $(pk_hc_id $GET) 1 | cut -d' ' -f1-3)"
t_eq "get(9): -ENOENT" "$ENOENT_X" "$(pk_hvc $(pk_hc_id $GET) 9 | cut -d' ' -f2)"
t_eq "the heap holds one page, 32 bytes in use" "pages 1 spare 0 bytes 32" \
	"$(cat $PK_SYS/hyp_alloc | tr '\n' ' ' | sed 's/ $//')"
a=$(pk_hvc $(pk_hc_id $PUT) 2 22 | cut -d' ' -f3)
pk_hvc $(pk_hc_id $DROP) 2 >/dev/null
b=$(pk_hvc $(pk_hc_id $PUT) 3 33 | cut -d' ' -f3)
t_eq "freed memory is reused: put(2), drop(2), put(3) get the same address" "$a" "$b"
n=0
while [ $n -lt 200 ]; do
	r=$(pk_hvc $(pk_hc_id $PUT) $((100 + n)) $n | cut -d' ' -f2,3)
	[ "$r" = "$ENOMEM_X 0x1" ] && break
	n=$((n + 1))
done
t_eq "the page runs out after 124 more entries: -ENOMEM, one page missing" 124 $n
t_eq "  and nothing changed: the heap still holds one page" "pages 1" \
	"$(head -1 $PK_SYS/hyp_alloc)"
t_check "the host donates one more page" sh -c "echo 1 > $PK_SYS/hyp_alloc"
t_eq "  the same put now succeeds" "0x0 0x0" \
	"$(pk_hvc_x0x1 $(pk_hc_id $PUT) $((100 + n)) $n)"
t_eq "  and its value is there" "0x0 0x0 $(printf '%#x' $n)" \
	"$(pk_hvc $(pk_hc_id $GET) $((100 + n)) | cut -d' ' -f1-3)"
i=0
while [ $i -le $n ]; do
	pk_hvc $(pk_hc_id $DROP) $((100 + i)) >/dev/null
	i=$((i + 1))
done
pk_hvc $(pk_hc_id $DROP) 3 >/dev/null
t_eq "all dropped but key 1: 32 bytes in use" "bytes 32" \
	"$(tail -1 $PK_SYS/hyp_alloc)"
t_eq "key 1 is still 0x612" "0x612" "$(pk_hvc $(pk_hc_id $GET) 1 | cut -d' ' -f3)"
t_eq "the system is secure" 1 "$(cat $PK_SYS/secure)"
t_eq "the host still answers" "0x0 $(printf '%#x' $HC_PING_MAGIC)" \
	"$(pk_hvc_x0x1 "$(pk_hc_id $HC_PING)")"
guest_finish
