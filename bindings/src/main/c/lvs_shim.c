/*
 * lvs_shim.c: exported wrappers for DPDK's static-inline fast path, called from Java via
 * java.lang.foreign (LvsShim.java, critical downcalls).
 *
 * Rules: no allocation, no locks, no callbacks into Java, no errno games. Every function takes and
 * returns plain ints or pointers so the Java side needs no unsigned casts. Built by build-native.sh
 * with -Wl,--no-as-needed against every libdpdk library, so a dlsym on this library's handle also
 * finds every exported rte_* symbol (dlsym searches a handle's dependency tree).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_version.h>

#define LVS_EXPORT __attribute__((visibility("default")))

/* An empty call: measures the bare downcall cost. */
LVS_EXPORT int lvs_noop(void)
{
	return 0;
}

/* RTE_VERSION (the packed number) of the headers this shim was compiled against. */
LVS_EXPORT int lvs_rte_version_num(void)
{
	return (int)RTE_VERSION;
}

LVS_EXPORT int lvs_rx_burst(int port_id, int queue_id, struct rte_mbuf **rx_pkts, int nb_pkts)
{
	return rte_eth_rx_burst((uint16_t)port_id, (uint16_t)queue_id, rx_pkts, (uint16_t)nb_pkts);
}

LVS_EXPORT int lvs_tx_burst(int port_id, int queue_id, struct rte_mbuf **tx_pkts, int nb_pkts)
{
	return rte_eth_tx_burst((uint16_t)port_id, (uint16_t)queue_id, tx_pkts, (uint16_t)nb_pkts);
}

LVS_EXPORT int lvs_tx_prepare(int port_id, int queue_id, struct rte_mbuf **tx_pkts, int nb_pkts)
{
	return rte_eth_tx_prepare((uint16_t)port_id, (uint16_t)queue_id, tx_pkts, (uint16_t)nb_pkts);
}

LVS_EXPORT struct rte_mbuf *lvs_pktmbuf_alloc(struct rte_mempool *mp)
{
	return rte_pktmbuf_alloc(mp);
}

/* 0 on success (all count mbufs allocated), -ENOENT if the pool could not supply them all (none taken). */
LVS_EXPORT int lvs_pktmbuf_alloc_bulk(struct rte_mempool *mp, struct rte_mbuf **mbufs, int count)
{
	return rte_pktmbuf_alloc_bulk(mp, mbufs, (unsigned int)count);
}

LVS_EXPORT void lvs_pktmbuf_free(struct rte_mbuf *m)
{
	rte_pktmbuf_free(m);
}

LVS_EXPORT void lvs_pktmbuf_free_bulk(struct rte_mbuf **mbufs, int count)
{
	rte_pktmbuf_free_bulk(mbufs, (unsigned int)count);
}

LVS_EXPORT int lvs_ring_enqueue_burst(struct rte_ring *r, void **objs, int n)
{
	return (int)rte_ring_enqueue_burst(r, objs, (unsigned int)n, NULL);
}

LVS_EXPORT int lvs_ring_dequeue_burst(struct rte_ring *r, void **objs, int n)
{
	return (int)rte_ring_dequeue_burst(r, objs, (unsigned int)n, NULL);
}

LVS_EXPORT int lvs_ring_count(const struct rte_ring *r)
{
	return (int)rte_ring_count(r);
}

/* rte_errno is a per-thread variable: read it on the thread that made the failing call. */
LVS_EXPORT int lvs_errno(void)
{
	return rte_errno;
}

/* The calling thread's lcore id, or -1 (LCORE_ID_ANY) for a thread that is neither an EAL lcore nor registered. */
LVS_EXPORT int lvs_lcore_id(void)
{
	return (int)rte_lcore_id();
}

/*
 * Non-blocking link query. Writes speed in Mbps (RTE_ETH_SPEED_NUM_*), up (0/1) and full duplex (0/1)
 * into any non-NULL out-parameter. Returns 0 or a negative errno (-ENODEV, -ENOTSUP, ...).
 */
LVS_EXPORT int lvs_link_get_nowait(int port_id, uint32_t *speed_mbps, int *up, int *full_duplex)
{
	struct rte_eth_link link;
	memset(&link, 0, sizeof(link));
	int rc = rte_eth_link_get_nowait((uint16_t)port_id, &link);
	if (rc < 0)
		return rc;
	if (speed_mbps != NULL)
		*speed_mbps = link.link_speed;
	if (up != NULL)
		*up = link.link_status == RTE_ETH_LINK_UP;
	if (full_duplex != NULL)
		*full_duplex = link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX;
	return 0;
}

/* Pins the calling thread to one CPU. Returns 0 or a negative errno (-EINVAL for a CPU outside the allowed set). */
LVS_EXPORT int lvs_pin_current_thread(int cpu)
{
	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return -EINVAL;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* How many CPUs the calling thread may run on, or a negative errno. */
LVS_EXPORT int lvs_current_thread_cpu_count(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	int rc = pthread_getaffinity_np(pthread_self(), sizeof(set), &set);
	return rc != 0 ? -rc : CPU_COUNT(&set);
}

/* The CPU the calling thread is running on now, or a negative errno. */
LVS_EXPORT int lvs_current_cpu(void)
{
	int cpu = sched_getcpu();
	return cpu < 0 ? -errno : cpu;
}

/*
 * The director's host path: a TAP device the kernel sees as an Ethernet interface. Opens /dev/net/tun as a TAP
 * named name (IFF_TAP | IFF_NO_PI: frames as they are), non-blocking. Returns the fd, or a negative errno.
 */
LVS_EXPORT int lvs_tap_open(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* Reads one frame into buf (at most len bytes). Returns its length, 0 when none is waiting, or a negative errno. */
LVS_EXPORT int lvs_fd_read(int fd, void *buf, int len)
{
	ssize_t n = read(fd, buf, (size_t)len);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	return (int)n;
}

/* Writes one frame. Returns the bytes written, 0 when the device cannot take it now, or a negative errno. */
LVS_EXPORT int lvs_fd_write(int fd, const void *buf, int len)
{
	ssize_t n = write(fd, buf, (size_t)len);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	return (int)n;
}

/* Waits up to timeout_ms for fd to be readable. Returns 1 when it is, 0 on timeout, or a negative errno. */
LVS_EXPORT int lvs_fd_wait_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int rc = poll(&p, 1, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	return rc > 0 ? 1 : 0;
}

LVS_EXPORT int lvs_fd_close(int fd)
{
	return close(fd) < 0 ? -errno : 0;
}
