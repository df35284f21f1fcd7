# A hypervisor panic inside a vendor module's EL2 code (pkvm_fail_init
# with crash_at_el2=1: its EL2 init reads an unmapped address, before
# deprivilege). The console names every frame: the module's functions as
# module:function+offset, the hypervisor's as pkvmkit:function+offset,
# and the ESR in words. (gcc may name a clone read_unmapped.constprop.0.)
#@ boot cortex-a72 2 1G
#@ append kvm-arm.protected_modules=pkvm_fail_init pkvm_fail_init.crash_at_el2=1
#@ expect-console HYP PANIC: data abort at the same EL \(EC 0x25\): read, translation fault at level [0-3] at pkvm_fail_init:read_unmapped[.a-z0-9]*\+0x[0-9a-f]+$
#@ expect-console hyp: pkvmkit:  \[<8002[0-9a-f]{8}>\] \(faulting pc\) pkvm_fail_init:read_unmapped[.a-z0-9]*\+0x[0-9a-f]+$
#@ expect-console hyp: pkvmkit:  \[<8002[0-9a-f]{8}>\] pkvm_fail_init:fail_hyp_init\+0x[0-9a-f]+$
#@ expect-console hyp: pkvmkit:  \[<8000000[0-9a-f]{5}>\] pkvmkit:hyp_init_module\+0x[0-9a-f]+$
#@ expect-console hyp: pkvmkit:  \[<8000000[0-9a-f]{5}>\] pkvmkit:handle_host_trap\+0x[0-9a-f]+$
#@ expect-console Kernel panic - not syncing: pkvmkit: hypervisor panic
. /lib/pkvmkit/guest.sh
guest_setup

t_ok "loading the driver, whose first module panics the hypervisor"
dmesg -n 8	# let the panic reach the console
insmod /root/pkvmkit.ko
sleep 10	# the driver loads its modules in the background
t_fail "still running 10 s after loading the driver"
