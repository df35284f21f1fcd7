# SPDX-License-Identifier: GPL-2.0-only
"""gdb at EL2 for pkvmkit (sourced by the script `pkvmkit run --gdb` writes).

The hypervisor's symbols are those of build/hyp/hyp.elf, linked at its EL2
address. A vendor module's EL2 code gets an address only when the driver
loads it: a hardware breakpoint at the entry of the hypervisor's
hyp_init_module(init_va, sections) (x0, x1 by the calling convention)
finds the module's range in the hypervisor's table of modules, and
HC_INIT_MODULE's section layout (include/pkvmkit/hypercall.h:
HC_SECTIONS_*, 16 bits of pages from the module's base per section) says
where each .hyp.* section lies; the module's EL2 object (unprefixed
symbols, with debug info) is added there, and pending breakpoints on its
functions resolve. Hardware breakpoints throughout: the EL2 text is not
writable, and not even mapped while the CPU still runs with the MMU off.

Set before sourcing: PKVMKIT_MODULES, {hypervisor's module name (the
first 16 characters of the kernel module's): path of its EL2 object}.
"""
import gdb

PAGE_SIZE = 4096
# as HC_SECTION_TEXT..HC_SECTION_BSS, HC_SECTION_NONE
SECTIONS = (".hyp.text", ".hyp.rodata", ".hyp.data", ".hyp.bss")
SECTION_NONE = 0xffff


def module_range_at(va):
    """(name, start) of the hypervisor's module range holding va, or None.

    hyp/module_loader.c: modules[] is a fixed table whose free slots have
    end == 0.
    """
    table = gdb.parse_and_eval("modules")
    low, high = table.type.range()
    for i in range(low, high + 1):
        m = table[i]
        if int(m["start"]) <= va < int(m["end"]):
            return m["name"].string(), int(m["start"])
    return None


def add_module_symbols(name, base, layout):
    path = PKVMKIT_MODULES.get(name)  # noqa: F821 (set by the caller)
    if path is None:
        print("pkvmkit-gdb: no EL2 object known for module %s" % name)
        return
    args = []
    for i, sec in enumerate(SECTIONS):
        pages = (layout >> (16 * i)) & 0xffff
        if pages != SECTION_NONE:
            args.append("-s %s %#x" % (sec, base + pages * PAGE_SIZE))
    gdb.execute("add-symbol-file %s %s" % (path, " ".join(args)),
                to_string=True)
    print("pkvmkit-gdb: %s's EL2 symbols at %#x" % (name, base))


class ModuleInit(gdb.Breakpoint):
    """At each EL2 module init: add its symbols, carry on."""

    def __init__(self):
        addr = int(gdb.parse_and_eval("&hyp_init_module").cast(
            gdb.lookup_type("unsigned long")))
        super().__init__("*%#x" % addr, type=gdb.BP_HARDWARE_BREAKPOINT,
                         internal=True)

    def stop(self):
        init_va = int(gdb.parse_and_eval("$x0")) & (2**64 - 1)
        layout = int(gdb.parse_and_eval("$x1")) & (2**64 - 1)
        try:
            found = module_range_at(init_va)
        except gdb.error as e:
            # the hypervisor's table changed shape: say so, do not stop here
            print("pkvmkit-gdb: cannot read the table of modules: %s" % e)
            return False
        if found is None:
            print("pkvmkit-gdb: init at %#x is in no module" % init_va)
        else:
            add_module_symbols(found[0], found[1], layout)
        return False


ModuleInit()
