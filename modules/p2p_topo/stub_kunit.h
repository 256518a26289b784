/* SPDX-License-Identifier: GPL-2.0 */
/* p2p_topo KUnit: the !CONFIG_PCI_P2PDMA stubs, called from suite_kunit.c */
#ifndef _P2P_TOPO_STUB_KUNIT_H
#define _P2P_TOPO_STUB_KUNIT_H

struct pci_p2pdma_pair_info;

void p2p_topo_stub_pair_info(struct pci_p2pdma_pair_info *info);

#endif
