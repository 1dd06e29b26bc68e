/* A listening compile host's client networks: socat can filter on one
 * range only, so each connection's peer (socat's SOCAT_PEERADDR) is
 * checked here against all of them. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jobstart.h"

/* ipv4: dotted quad S as a number; -1 when it is none. */
static int ipv4(const char *s, size_t len, uint32_t *out)
{
	char tmp[16];
	struct in_addr a;

	if (len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	if (inet_pton(AF_INET, tmp, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

/* peer_allowed PEER NETS N: 1 when PEER is in one of NETS (ADDR/BITS), 0
 * when not (or PEER is NULL or no address), -1 when a network is malformed. */
int peer_allowed(const char *peer, const char *const *nets, int n)
{
	uint32_t p = 0, a, mask;
	int i, have_peer = peer && !ipv4(peer, strlen(peer), &p);

	for (i = 0; i < n; i++) {
		const char *slash = strchr(nets[i], '/');
		char *end;
		long bits;

		if (!slash || ipv4(nets[i], (size_t)(slash - nets[i]), &a))
			return -1;
		bits = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || bits < 0 || bits > 32)
			return -1;
		mask = bits ? 0xffffffffU << (32 - bits) : 0;
		if (have_peer && (p & mask) == (a & mask))
			return 1;
	}
	return 0;
}
