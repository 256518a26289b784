// SPDX-License-Identifier: GPL-2.0
/*
 * p2p_topo KUnit: pci_p2pdma_get_pair_info() as a kernel without
 * CONFIG_PCI_P2PDMA declares it. This file is compiled as if the option
 * were off, so it sees the header's stubs; a header without the stub
 * fails to build here.
 */
#undef CONFIG_PCI_P2PDMA
#undef CONFIG_PCI_P2PDMA_MODULE

#include <linux/pci-p2pdma.h>

#include "stub_kunit.h"

/**
 * p2p_topo_stub_pair_info - the stub's answer
 * @info: filled by the stub, for a NULL provider and client
 */
void p2p_topo_stub_pair_info(struct pci_p2pdma_pair_info *info)
{
	pci_p2pdma_get_pair_info(NULL, NULL, info);
}
