# The hypervisor's page pool against a hostile host (tests/pool_probe):
# splitting host stage-2 blocks and undoing it leaks nothing, a host that
# exhausts the pool gets -ENOMEM with nothing changed and can undo
# everything, and whatever was shared can always be unshared. A small
# pool (pool_pages=64) makes a leak show within a few dozen calls.
#@ boot cortex-a72 2 1G
#@ boot max 2 1G
. /lib/pkvmkit/guest.sh
guest_setup

pk_load pool_pages=64
pk_wait_deprivileged
t_check "pool_probe loads" insmod /root/pool_probe.ko
P=/sys/kernel/debug/pool_probe/cmd

# probe CMD: run CMD, keep its report in $REPORT
probe() {
	echo "$*" >$P && REPORT=$(cat $P)
	# shellcheck disable=SC2116 # echo puts the report on one line
	t_diag "$*: $(echo $REPORT)"
}
val() { echo "$REPORT" | sed -n "s/^$1 //p"; }

baseline=$(cat $PK_SYS/pool_free_pages)
t_diag "pool: $baseline free pages, $(cat $PK_SYS/memory_bytes) bytes given"
probe share_exhaust
blocks=$(val blocks)
t_check "holding at least 32 blocks of 2 MiB" [ "$blocks" -ge 32 ]
t_check "blocks shared whole (up to half, or until -ENOMEM)" \
	[ "$(val shared_blocks)" -ge 8 ]
t_eq "then donations end in -ENOMEM" -12 "$(val donate_error)"
t_check "... with fewer free pages than a block needs" \
	[ "$(val free_when_exhausted)" -lt 3 ]
t_eq "every shared block unshared with the pool exhausted" \
	"$(val shared_blocks)" "$(val unshared_blocks)"
t_eq "... and the pool is back" "$(val free_before)" "$(val free_after)"

for off in 0 1 255 511; do
	probe pairs $off
	t_eq "donate+reclaim page $off of every block: all succeed" \
		"$blocks" "$(val pairs_ok)"
	t_eq "... and the pool is as before" "$(val free_before)" \
		"$(val free_after)"
done
t_eq "pool back at its baseline after all pairs" "$baseline" \
	"$(cat $PK_SYS/pool_free_pages)"

probe exhaust 7
t_eq "donating one page per block ends in -ENOMEM" -12 "$(val error)"
t_check "... after some donations" [ "$(val donated)" -gt 0 ]
t_eq "the refused page is still the host's" 0 "$(val refused_page_state)"
t_eq "every donated page reclaimed with the pool empty" "$(val donated)" \
	"$(val reclaimed)"
t_eq "... and the pool is back" "$(val free_before)" "$(val free_after)"

t_eq "pool at its baseline at the end" "$baseline" \
	"$(cat $PK_SYS/pool_free_pages)"
t_eq "still answering" "0x0 $PING_MAGIC" "$(pk_hvc_x0x1 $HC_PING)"
t_check "no kernel warning or oops" sh -c "! dmesg | grep -E 'WARNING|Oops|BUG:'"

guest_finish
