/*
 * pcapread: the floor of bench/analyze/run.sh. Reads a capture with
 * libpcap and nothing else: pcap_next_ex over every packet, opened the way
 * `ringbench analyze` opens its files (nanosecond precision), counting the
 * packets and their captured bytes so the loop cannot be optimised away.
 * Whatever ringbench analyze spends beyond this is its own work (SIP
 * framing, parsing, call tracking, results).
 *
 *   pcapread CAPTURE     prints {"packets": N, "bytes": B}
 */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];

	if (argc != 2) {
		fprintf(stderr, "usage: pcapread CAPTURE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "pcapread: %s\n", err);
		return 2;
	}
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long long packets = 0, bytes = 0;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		packets++;
		bytes += h->caplen + data[0]; /* touch the packet, as any reader must */
	}
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "pcapread: %s\n", pcap_geterr(p));
		pcap_close(p);
		return 3;
	}
	pcap_close(p);
	printf("{\"packets\": %llu, \"bytes\": %llu}\n", packets, bytes);
	return 0;
}
