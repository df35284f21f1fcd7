// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-arm.protected_modules=a,b,...: the modules (with EL2 code) that must
 * be loaded before the host is deprivileged, with modprobe, from the
 * initramfs, in order. The first that fails stops the list and marks the
 * system insecure: the hypervisor then refuses protected VMs for good.
 */
#include "pkvmkit.h"
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#define PARAM		"kvm-arm.protected_modules="
#define MAX_MODULES	16

struct protected_module {
	char name[MODULE_NAME_LEN];
	int status;		/* 0 loaded, > 0 not tried, < 0 failed */
};

static struct protected_module modules[MAX_MODULES];
static int nr_modules;

static void parse_bootargs(void)
{
	char *list, *cur, *name;

	list = pk_cmdline_value(PARAM);
	if (!list)
		return;
	cur = list;
	while ((name = strsep(&cur, ",")) && nr_modules < MAX_MODULES) {
		if (!*name)
			continue;
		strscpy(modules[nr_modules].name, name, MODULE_NAME_LEN);
		modules[nr_modules].status = 1;
		nr_modules++;
	}
	if (name)
		pr_err("more than %d protected modules: the rest are ignored\n",
		       MAX_MODULES);
	kfree(list);
}

static int run_modprobe(const char *name)
{
	/* not const: call_usermodehelper() takes char ** */
	char *argv[5] = { "/sbin/modprobe", "-q", "--", (char *)name, NULL };
	static char *envp[4] = { "HOME=/", "TERM=linux",
				 "PATH=/sbin:/usr/sbin:/bin:/usr/bin", NULL };
	int ret = call_usermodehelper(argv[0], argv, envp, UMH_WAIT_PROC);

	/* > 0: modprobe's wait status (the module's own log says why) */
	if (ret > 0) {
		pr_err("modprobe %s exited with status %d\n", name,
		       (ret >> 8) & 0xff);
		return -EIO;
	}
	return ret;
}

/* Set once, before anyone reads it through the status file. */
static char insecure_reason[128] =
	"marked by the hypervisor (its log says why: debugfs pkvmkit/log)";

const char *pk_insecure_reason(void)
{
	return insecure_reason;
}

void pk_mark_insecure(const char *why)
{
	if (!pk.insecure)
		strscpy(insecure_reason, why, sizeof(insecure_reason));
	pk.insecure = true;
	pk_hvc(HC_ID(HC_MARK_INSECURE), 0, 0, 0);
	pr_err("the system is insecure (%s): protected VMs will be refused\n", why);
}

/* Load them all, in order, stopping at the first failure. */
void pk_load_protected_modules(void)
{
	char why[96];
	int i, ret;

	parse_bootargs();
	for (i = 0; i < nr_modules; i++) {
		ret = run_modprobe(modules[i].name);
		modules[i].status = ret;
		if (ret) {
			pr_err("failed to load protected module %s: %d\n",
			       modules[i].name, ret);
			snprintf(why, sizeof(why),
				 "protected module %s failed to load: %d",
				 modules[i].name, ret);
			pk_mark_insecure(why);
			return;
		}
		pr_info("protected module %s loaded\n", modules[i].name);
	}
}

ssize_t pk_show_protected_modules(char *buf)
{
	ssize_t len = 0;
	int i;

	for (i = 0; i < nr_modules; i++)
		len += sysfs_emit_at(buf, len, "%s %s\n", modules[i].name,
				     modules[i].status > 0 ? "not-tried" :
				     modules[i].status ? "failed" : "loaded");
	return len;
}
