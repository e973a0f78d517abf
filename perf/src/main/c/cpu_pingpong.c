/*
 * cpu_pingpong A B: round-trip time of one cache line bounced between a thread on CPU A and one on CPU B, in ns.
 * run-packet-rate.sh prints it before each phase: on this VM the host moves the two vCPUs around (80 ns when they
 * share a core complex, 350-480 ns when not), and two-process memif rates follow it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS 200000L

static _Atomic long flag __attribute__((aligned(64)));

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *other(void *arg)
{
	pin(*(int *)arg);
	for (long i = 1; i < 2 * ROUNDS; i += 2) {
		while (atomic_load_explicit(&flag, memory_order_acquire) != i)
			;
		atomic_store_explicit(&flag, i + 1, memory_order_release);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int a = argc > 1 ? atoi(argv[1]) : 0, b = argc > 2 ? atoi(argv[2]) : 1;
	pthread_t t;
	struct timespec s, e;
	pin(a);
	pthread_create(&t, NULL, other, &b);
	clock_gettime(CLOCK_MONOTONIC, &s);
	for (long i = 0; i < 2 * ROUNDS; i += 2) {
		atomic_store_explicit(&flag, i + 1, memory_order_release);
		while (atomic_load_explicit(&flag, memory_order_acquire) != i + 2)
			;
	}
	clock_gettime(CLOCK_MONOTONIC, &e);
	pthread_join(t, NULL);
	printf("%.0f\n", ((e.tv_sec - s.tv_sec) * 1e9 + (e.tv_nsec - s.tv_nsec)) / ROUNDS);
	return 0;
}
