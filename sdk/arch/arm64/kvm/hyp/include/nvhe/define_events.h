/* SPDX-License-Identifier: GPL-2.0-only */
/* pkvmkit: the android16-6.12 spelling, <nvhe/define_events.h> */
#include "trace/define_events.h"
