// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the hypervisor must know about the firmware before the host is
 * deprivileged: the PSCI 0.1 function ids. A PSCI 0.1 device-tree node
 * (compatible "arm,psci", also listed by most 0.2+ nodes) gives them as
 * properties, and firmware may keep answering them whatever PSCI version
 * the kernel uses; the hypervisor's PSCI relay must take them over, or a
 * host could start a CPU at EL2 with them.
 */
#include "pkvmkit.h"
#include <linux/of.h>
#include <pkvmkit/boot.h>

static const char *const psci_0_1_props[HYP_PSCI_0_1_NR] = {
	[HYP_PSCI_0_1_CPU_SUSPEND]	= "cpu_suspend",
	[HYP_PSCI_0_1_CPU_OFF]		= "cpu_off",
	[HYP_PSCI_0_1_CPU_ON]		= "cpu_on",
	[HYP_PSCI_0_1_MIGRATE]		= "migrate",
};

void pk_read_psci_0_1_ids(u64 ids[])
{
	struct device_node *np = of_find_node_by_path("/psci");
	unsigned int i;
	u32 id;

	for (i = 0; i < HYP_PSCI_0_1_NR; i++) {
		ids[i] = 0;
		if (np && !of_property_read_u32(np, psci_0_1_props[i], &id))
			ids[i] = id;
	}
	if (np)
		pr_info("PSCI 0.1 ids taken over: cpu_suspend %#llx cpu_off %#llx cpu_on %#llx migrate %#llx\n",
			ids[HYP_PSCI_0_1_CPU_SUSPEND], ids[HYP_PSCI_0_1_CPU_OFF],
			ids[HYP_PSCI_0_1_CPU_ON], ids[HYP_PSCI_0_1_MIGRATE]);
	of_node_put(np);
}
