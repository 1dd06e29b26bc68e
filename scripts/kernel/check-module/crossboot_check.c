// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-tree module scripts/kernel-check.sh builds inside the booted
 * target against the installed linux-headers package: building it runs the
 * package's fixdep, modpost (and genksyms) on the target, and loading it
 * checks that its vermagic matches the running kernel.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/utsname.h>

static int __init crossboot_check_init(void)
{
	pr_info("crossboot_check: loaded into %s\n", init_utsname()->release);
	return 0;
}

static void __exit crossboot_check_exit(void)
{
}

module_init(crossboot_check_init);
module_exit(crossboot_check_exit);
MODULE_DESCRIPTION("crossboot: out-of-tree module build check");
MODULE_LICENSE("GPL");
