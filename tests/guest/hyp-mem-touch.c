// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyp-mem-touch FILE read|write|clear PAGE: map page PAGE of FILE (debugfs
 * pkvmkit/hyp_mem: the hypervisor's image; pkvmkit/scratch: test pages)
 * and read it, or write it once (write: 0x5a5a..., clear: 0) and read it
 * back. Prints what
 * happened: "ok <value>" if the access went through, "SIGBUS" if the kernel
 * delivered a bus error for it (what an injected abort looks like to a
 * user task). Exit 0 in both cases; other outcomes exit 1.
 * With a fifth argument "unhandled", SIGBUS is not caught: the kernel kills
 * the task (and logs it).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;

static void on_sigbus(int sig)
{
	siglongjmp(env, sig);
}

int main(int argc, char **argv)
{
	volatile unsigned long *p;
	long page_size = sysconf(_SC_PAGESIZE);
	int fd, write_access;

	if (argc < 4 || argc > 5 ||
	    (strcmp(argv[2], "read") && strcmp(argv[2], "write") &&
	     strcmp(argv[2], "clear"))) {
		fprintf(stderr, "usage: %s FILE read|write|clear PAGE [unhandled]\n",
			argv[0]);
		return 1;
	}
	write_access = !strcmp(argv[2], "write") ? 1 :
		       !strcmp(argv[2], "clear") ? 2 : 0;
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 atol(argv[3]) * page_size);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (argc == 4)
		signal(SIGBUS, on_sigbus);
	if (sigsetjmp(env, 1)) {
		printf("SIGBUS\n");
		return 0;
	}
	if (write_access)
		p[0] = write_access == 1 ? 0x5a5a5a5a5a5a5a5aUL : 0;
	printf("ok %#lx\n", p[0]);
	return 0;
}
