#!/usr/bin/python3
"""Sends malformed frames from the lab client to a MAC address (the director's), one of each kind:
truncated Ethernet, truncated IPv4, bad IHL, IHL beyond the frame, total length beyond the frame,
bad version, truncated TCP, TCP data offset beyond the packet, bad UDP length, unknown ethertype,
truncated ARP. Prints how many frames of each kind the kernel let it send, "<kind> <count>", one per line.

malformed.py IFACE DST_MAC SRC_IP DST_IP [ROUNDS]
"""
import socket
import struct
import sys

iface, dst_mac, src_ip, dst_ip = sys.argv[1:5]
rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 1

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
src = s.getsockname()[4]
dst = bytes.fromhex(dst_mac.replace(":", ""))
saddr, daddr = socket.inet_aton(src_ip), socket.inet_aton(dst_ip)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    t = (t >> 16) + (t & 0xFFFF)
    t += t >> 16
    return ~t & 0xFFFF


def ipv4(proto, payload, ver_ihl=0x45, total=None):
    total = 20 + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", ver_ihl, 0, total, 1, 0x4000, 64, proto, 0, saddr, daddr)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def tcp(offset_words=5, flags=0x02):
    return struct.pack("!HHIIBBHHH", 40000, 80, 1, 0, offset_words << 4, flags, 65535, 0, 0)


def eth(ethertype, payload):
    return dst + src + struct.pack("!H", ethertype) + payload


frames = {
    "truncated-ethernet": dst + src[:4],
    "truncated-ip": eth(0x0800, ipv4(6, tcp())[:12]),
    "bad-ihl": eth(0x0800, ipv4(6, tcp(), ver_ihl=0x43)),
    "ihl-beyond-frame": eth(0x0800, ipv4(6, b"", ver_ihl=0x4F)[:24]),
    "length-beyond-frame": eth(0x0800, ipv4(6, tcp(), total=1400)),
    "bad-version": eth(0x0800, ipv4(6, tcp(), ver_ihl=0x55)),
    "truncated-tcp": eth(0x0800, ipv4(6, tcp()[:8])),
    "tcp-offset-beyond": eth(0x0800, ipv4(6, tcp(offset_words=15))),
    "bad-udp-length": eth(0x0800, ipv4(17, struct.pack("!HHHH", 4000, 53, 400, 0) + b"x" * 12)),
    "unknown-ethertype": eth(0x88B5, b"\0" * 46),
    "truncated-arp": eth(0x0806, b"\x00\x01\x08\x00\x06\x04"),
}
sent = {}
for _ in range(rounds):
    for kind, f in frames.items():
        try:
            s.send(f)
            sent[kind] = sent.get(kind, 0) + 1
        except OSError:
            pass  # the kernel refuses frames shorter than an Ethernet header on this link
for kind, n in sent.items():
    print(kind, n)
