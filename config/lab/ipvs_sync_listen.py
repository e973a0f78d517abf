#!/usr/bin/python3
"""Listens for the kernel's IPVS sync messages (version 1) and prints each connection, decoded from the layout of
struct ip_vs_sync_mesg and struct ip_vs_sync_v4/v6 in the kernel's net/netfilter/ipvs/ip_vs_sync.c, written here
apart from jlvs's own codec: a check that what a jlvs master sends is what a kernel backup would read.

ipvs_sync_listen.py LOCAL_IP SECONDS [GROUP] [PORT]
    -> "conn <proto> <caddr>:<cport> <vaddr>:<vport> <daddr>:<dport> state=<n> flags=<hex> timeout=<s>" per
       connection, "message syncid=<n> conns=<n> size=<n>" per message, and "bad <why>" for what does not parse.
"""
import ipaddress
import socket
import struct
import sys
import time

local, seconds = sys.argv[1], float(sys.argv[2])
group = sys.argv[3] if len(sys.argv) > 3 else "224.0.0.81"
port = int(sys.argv[4]) if len(sys.argv) > 4 else 8848
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", port))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + socket.inet_aton(local))
s.settimeout(0.2)
end = time.monotonic() + seconds
while time.monotonic() < end:
    try:
        d = s.recv(65535)
    except socket.timeout:
        continue
    reserved, syncid, size, nr, version, _ = struct.unpack("!BBHBbH", d[:8])
    if reserved != 0 or version != 1 or size != len(d):
        print(f"bad header reserved={reserved} version={version} size={size}/{len(d)}", flush=True)
        continue
    print(f"message syncid={syncid} conns={nr} size={size}", flush=True)
    p = 8
    for _ in range(nr):
        typ, proto, ver_size = struct.unpack("!BBH", d[p:p + 4])
        rsize = ver_size & 0x0FFF
        v6 = typ & 0x80
        flags, state, cport, vport, dport, fwmark, timeout = struct.unpack("!IHHHHII", d[p + 4:p + 24])
        n = 16 if v6 else 4
        a = [ipaddress.ip_address(d[p + 24 + i * n:p + 24 + (i + 1) * n]) for i in range(3)]
        print(f"conn {proto} {a[0]}:{cport} {a[1]}:{vport} {a[2]}:{dport} state={state} flags={flags:x} "
              f"timeout={timeout}", flush=True)
        p = (p + rsize + 3) & ~3
