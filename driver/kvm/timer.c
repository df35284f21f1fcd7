// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's virtual timer. The hypervisor keeps its registers (with
 * CNTVOFF_EL2 = 0) and tells the host, at every exit, what they hold;
 * the host computes the level the VMM's interrupt controller sees
 * (kvm_run's device_irq_level), and when a waiting vCPU must wake.
 *
 * While the guest runs, its timer firing must make it exit: the virtual
 * timer's PPI (which the host itself never uses: a kernel started at EL2
 * uses the EL1 physical timer) is requested here and enabled on a CPU
 * while it runs a guest whose level is low. While the level is high it
 * stays disabled, or it would fire again at every entry until the
 * guest's handler runs.
 */
#include "../pkvmkit.h"
#include "kvm.h"
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/ktime.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/percpu.h>

#define CNTV_CTL_ENABLE		BIT(0)
#define CNTV_CTL_IMASK		BIT(1)
#define TIMER_VIRT_IDX		2	/* "arm,armv8-timer": sec, phys, virt, hyp */

static unsigned int vtimer_irq;
static DEFINE_PER_CPU(bool, vtimer_enabled);
static DEFINE_PER_CPU(u8, vtimer_cookie);

/* The exit it causes is the point: nothing else to do. */
static irqreturn_t vtimer_isr(int irq, void *dev)
{
	return IRQ_HANDLED;
}

int pk_vtimer_init(void)
{
	struct device_node *np;
	int ret;

	np = of_find_compatible_node(NULL, NULL, "arm,armv8-timer");
	if (!np) {
		pr_err("no arm,armv8-timer node: the guest's timer has no interrupt\n");
		return -ENODEV;
	}
	vtimer_irq = irq_of_parse_and_map(np, TIMER_VIRT_IDX);
	of_node_put(np);
	if (!vtimer_irq)
		return -ENODEV;
	ret = request_percpu_irq(vtimer_irq, vtimer_isr, "pkvmkit-vtimer",
				 &vtimer_cookie);
	if (ret)
		pr_err("the virtual timer's interrupt %u: %d\n", vtimer_irq, ret);
	return ret;
}

/* Interrupts off, on the CPU about to enter a guest whose level is @level. */
void pk_vtimer_ppi_for_guest(bool level)
{
	if (this_cpu_read(vtimer_enabled) == !level)
		return;
	if (level)
		disable_percpu_irq(vtimer_irq);
	else
		enable_percpu_irq(vtimer_irq, IRQ_TYPE_NONE);
	this_cpu_write(vtimer_enabled, !level);
}

static u64 counter(void)
{
	isb();
	return read_sysreg(cntvct_el0);	/* the guest's view: CNTVOFF_EL2 is 0 */
}

bool pk_vtimer_level(u64 ctl, u64 cval)
{
	return (ctl & CNTV_CTL_ENABLE) && !(ctl & CNTV_CTL_IMASK) &&
	       counter() >= cval;
}

/* How long until it fires: KTIME_MAX if it cannot, 0 if it has. */
ktime_t pk_vtimer_expiry(u64 ctl, u64 cval)
{
	u64 now = counter(), freq = read_sysreg(cntfrq_el0);

	if (!(ctl & CNTV_CTL_ENABLE) || (ctl & CNTV_CTL_IMASK) || !freq)
		return KTIME_MAX;
	if (cval <= now)
		return 0;
	/* a compare value the guest set centuries away: never, not a wrap */
	if ((cval - now) / freq >= KTIME_MAX / NSEC_PER_SEC)
		return KTIME_MAX;
	return ns_to_ktime(mul_u64_u64_div_u64(cval - now, NSEC_PER_SEC, freq));
}
