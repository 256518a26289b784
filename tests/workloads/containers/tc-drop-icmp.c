// SPDX-License-Identifier: GPL-2.0
/*
 * The containers workload group's tc BPF classifier (the
 * kind of program Cilium attaches with clsact): in direct-action mode it
 * drops IPv4 ICMP and passes everything else. Built by host.sh with
 * "clang -O2 -target bpf" when clang is installed; no kernel or libbpf
 * headers needed: only the start of struct __sk_buff (uapi/linux/bpf.h)
 * up to data/data_end is declared, with the same layout. __section() and
 * __used are the kernel's spellings, defined by host.sh on clang's command
 * line.
 */
typedef unsigned int u32;
typedef unsigned char u8;

struct __sk_buff {
	u32 len, pkt_type, mark, queue_mapping, protocol, vlan_present;
	u32 vlan_tci, vlan_proto, priority, ingress_ifindex, ifindex, tc_index;
	u32 cb[5];
	u32 hash, tc_classid, data, data_end;
};

#define TC_ACT_OK	0
#define TC_ACT_SHOT	2

__section("classifier") __used
int nimbus_drop_icmp(struct __sk_buff *skb)
{
	const u8 *pkt = (const u8 *)(unsigned long)skb->data;
	const u8 *end = (const u8 *)(unsigned long)skb->data_end;

	/* Ethernet header (14 bytes) and the IPv4 header up to its protocol */
	if (pkt + 14 + 10 > end)
		return TC_ACT_OK;
	if (pkt[12] != 0x08 || pkt[13] != 0x00)	/* ETH_P_IP */
		return TC_ACT_OK;
	return pkt[14 + 9] == 1 ? TC_ACT_SHOT : TC_ACT_OK;	/* IPPROTO_ICMP */
}

char _license[] __section("license") __used = "GPL";
