// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tracefs calls hyp tracing needs, which Linux does not export to
 * modules (6.1 and 6.12 alike): each one's address is found once
 * (pk_kernel_symbol(), ksym.c). Without CONFIG_KPROBES, or if a lookup
 * fails, there is no /sys/kernel/tracing/hyp/ and the driver says so.
 */
#include "pkvmkit.h"
#include <linux/tracefs.h>

typedef struct dentry *(*create_dir_t)(const char *name,
				       struct dentry *parent);
typedef struct dentry *(*create_file_t)(const char *name, umode_t mode,
					struct dentry *parent, void *data,
					const struct file_operations *fops);
typedef void (*remove_t)(struct dentry *dentry);

static create_dir_t create_dir;
static create_file_t create_file;
static remove_t remove_dentry;

int pk_tracefs_init(void)
{
	create_dir = pk_kernel_symbol("tracefs_create_dir");
	create_file = pk_kernel_symbol("tracefs_create_file");
	remove_dentry = pk_kernel_symbol("tracefs_remove");
	if (!create_dir || !create_file || !remove_dentry) {
		pr_err("hyp tracing: tracefs_create_dir/_file/tracefs_remove not found (CONFIG_KPROBES?): no /sys/kernel/tracing/hyp\n");
		return -ENOENT;
	}
	return 0;
}

struct dentry *pk_tracefs_dir(const char *name, struct dentry *parent)
{
	struct dentry *d = create_dir ? create_dir(name, parent) : NULL;

	return IS_ERR(d) ? NULL : d;
}

struct dentry *pk_tracefs_file(const char *name, umode_t mode,
			       struct dentry *parent, void *data,
			       const struct file_operations *fops)
{
	struct dentry *d = create_file ?
			   create_file(name, mode, parent, data, fops) : NULL;

	return IS_ERR(d) ? NULL : d;
}

void pk_tracefs_remove(struct dentry *d)
{
	if (remove_dentry && d)
		remove_dentry(d);
}
