/* SPDX-License-Identifier: GPL-2.0-only */
/* Linux errno values for the freestanding EL2 build (same numbers as Linux). */
#ifndef PKVMKIT_ERRNO_H
#define PKVMKIT_ERRNO_H

#define EPERM		1
#define ENOENT		2
#define E2BIG		7
#define ENOEXEC		8
#define ENOMEM		12
#define EACCES		13
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define ENODEV		19
#define EINVAL		22
#define ENOSPC		28
#define ERANGE		34
#define ENOSYS		38
#define EOVERFLOW	75
#define EOPNOTSUPP	95

#endif /* PKVMKIT_ERRNO_H */
