#!/usr/bin/python3
"""A user-space tunnel endpoint for a lab tunnel real server (LVS-TUN) on a kernel without ipip, gre or fou:
takes what a director encapsulates for this server, strips the outer headers and writes the inner IPv4
packet to a TUN device, where the kernel receives it as if it had come in on a tunnel interface.

tundecap.py NAME ADDRESS [TUN_DEVICE] [GUE_PORT] [COUNTERS_FILE] [ADDRESS6]
    NAME           the real server's name (tun1), for the counters file
    ADDRESS        this server's own address; tunnel packets to any other address are counted and dropped
    TUN_DEVICE     default tunl-dec; attached if it exists (lab.sh makes it, up, with rp_filter 0), else made
    GUE_PORT       default 6080
    COUNTERS_FILE  default /run/jlvs-lab/NAME-decap.json
    ADDRESS6       this server's IPv6 address: IPv6-in-IPv6 (next header 41) to it is taken too

What it takes, as kernel IPVS sends it (net/netfilter/ipvs/ip_vs_xmit.c, ip_vs_tunnel_xmit):
  ipip  IP protocol 4: outer IPv4 header, then the inner packet.
  gre   IP protocol 47, RFC 2784: 16 bits C|reserved0|version, 16 bits protocol type (0x0800), and when C is
        set a checksum over the GRE header and payload plus 16 reserved bits. Any of bits 1-5 (routing, key,
        sequence, strict route, recursion) or a version other than 0 is refused, as RFC 2784 says a receiver
        that does not implement RFC 1701 must; bits 6-12 are ignored.
  ipip6 IPv6 next header 41 (ip_vs_tunnel_xmit_v6): the inner IPv6 packet after the outer IPv6 header, which a
        raw IPv6 socket strips; its destination comes from IPV6_PKTINFO.
  gue   UDP to GUE_PORT (draft-ietf-intarea-gue, as Linux fou does it): 2 bits version, 1 bit control,
        5 bits hlen (optional fields, 32-bit words), 8 bits protocol (4 = IPv4), 16 bits flags, whose only
        known one is the last (private flags follow). Among the private flags only the first bit (remote
        checksum offload) is known; its 4 option bytes are the 16-bit offset from the inner packet where
        the checksum starts and the 16-bit offset of the checksum field: the field holds the pseudo-header
        sum and the receiver completes it over the bytes from start to the end. Version 1 is an inner IPv4
        or IPv6 packet directly after the UDP header. The kernel checks the UDP checksum (none when 0).

Every packet that cannot be decapsulated is counted by reason and dropped; nothing here raises on a packet.
Counters go to COUNTERS_FILE (JSON, replaced atomically) every second, on SIGUSR1 and on exit:
  "decapsulated" per type (and gre_csum: GRE checksums verified, gue_remcsum: checksums completed),
  "bad" per reason (every reason present, 0 when none), "inner_l4_csum_bad" (inner TCP/UDP checksum wrong:
  still written, the kernel drops it) and the namespace's kernel counters that matter here.
"""
import fcntl
import json
import os
import select
import signal
import socket
import struct
import sys
import time

NAME = sys.argv[1]
ADDRESS = socket.inet_aton(sys.argv[2])
TUN_NAME = sys.argv[3] if len(sys.argv) > 3 else "tunl-dec"
GUE_PORT = int(sys.argv[4]) if len(sys.argv) > 4 else 6080
COUNTERS_FILE = sys.argv[5] if len(sys.argv) > 5 else f"/run/jlvs-lab/{NAME}-decap.json"
ADDRESS6 = socket.inet_pton(socket.AF_INET6, sys.argv[6]) if len(sys.argv) > 6 else None
IPV6_RECVPKTINFO, IPV6_PKTINFO = 49, 50

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI, IFF_UP = 0x0001, 0x1000, 0x0001
SIOCGIFFLAGS, SIOCSIFFLAGS = 0x8913, 0x8914
SO_RCVBUFFORCE = 33

GRE_C = 0x8000
GRE_ROUTING_STRICT_RECUR = 0x4000 | 0x0800 | 0x0400  # bits 1, 4 and 5
GRE_KEY_SEQ = 0x2000 | 0x1000  # bits 2 and 3
GRE_VERSION = 0x0007
GUE_FLAG_PRIV = 0x0001
GUE_PFLAG_REMCSUM = 0x80000000

received = {"ipip": 0, "gre": 0, "gue": 0, "ipip6": 0}
decapsulated = {"ipip": 0, "gre": 0, "gre_csum": 0, "gue": 0, "gue_direct": 0, "gue_remcsum": 0, "ipip6": 0}
BAD_REASONS = (
    "not_for_us",          # outer destination is not ADDRESS
    "outer_truncated",     # shorter than the outer IPv4 header it claims
    "gre_truncated", "gre_version", "gre_key_or_sequence", "gre_flags", "gre_csum", "gre_proto",
    "gue_truncated", "gue_version", "gue_control", "gue_flags", "gue_private_flags", "gue_hlen",
    "gue_proto", "gue_remcsum",
    "inner_truncated",     # shorter than an IPv4 header, or than its total length
    "inner_not_ipv4",      # version is not 4 (IPv6 comes in IPv6 only, in this lab)
    "inner_not_ipv6",      # in an IPv6 tunnel, version is not 6, or the payload length runs past the packet
    "inner_bad_header",    # IHL < 5 or beyond the packet, total length < IHL
    "inner_ip_csum",       # inner IPv4 header checksum wrong
    "tun_write",           # the TUN device refused it
    "exception",           # a bug here: counted, never fatal
)
bad = {r: 0 for r in BAD_REASONS}
inner_l4_csum_bad = {"tcp": 0, "udp": 0}
last_error = [""]


def csum(data):
    """The Internet checksum of data (RFC 1071): 0 when data holds a correct checksum."""
    if len(data) % 2:
        data = bytes(data) + b"\0"
    # The ones' complement sum of the 16-bit words is the big-endian number modulo 0xFFFF, except that a
    # sum of non-zero words is 0xFFFF (negative zero), never 0.
    s = int.from_bytes(data, "big") % 0xFFFF
    if s:
        return ~s & 0xFFFF
    return 0 if bytes(data).strip(b"\0") else 0xFFFF


def l4_ok(pkt, ihl, proto):
    seg = pkt[ihl:]
    if proto == 17 and len(seg) >= 8 and seg[6:8] == b"\0\0":
        return True  # UDP without a checksum
    pseudo = pkt[12:20] + struct.pack("!BBH", 0, proto, len(seg))
    return csum(pseudo + seg) == 0


def kernel_counters():
    out = {}
    try:
        with open("/proc/net/snmp") as f:
            lines = f.read().splitlines()
        rows = {}
        for i in range(0, len(lines) - 1, 2):
            names, values = lines[i].split(), lines[i + 1].split()
            rows[names[0].rstrip(":")] = dict(zip(names[1:], values[1:]))
        out["ip_in_unknown_protos"] = int(rows["Ip"]["InUnknownProtos"])
        out["ip_in_addr_errors"] = int(rows["Ip"]["InAddrErrors"])
        out["udp_in_csum_errors"] = int(rows["Udp"]["InCsumErrors"])
        out["udp_in_errors"] = int(rows["Udp"]["InErrors"])
        out["udp_rcvbuf_errors"] = int(rows["Udp"]["RcvbufErrors"])
        out["tcp_in_csum_errors"] = int(rows["Tcp"]["InCsumErrors"])
    except (OSError, KeyError, ValueError, IndexError):
        pass
    return out


def write_counters():
    doc = {
        "name": NAME, "address": socket.inet_ntoa(ADDRESS), "tun": TUN_NAME, "gue_port": GUE_PORT,
        "pid": os.getpid(), "time": round(time.time(), 3),
        "received": received, "decapsulated": dict(decapsulated, total=decapsulated["ipip"]
                                                   + decapsulated["gre"] + decapsulated["gue"]
                                                   + decapsulated["ipip6"]),
        "bad": bad, "bad_total": sum(bad.values()), "inner_l4_csum_bad": inner_l4_csum_bad,
        "last_error": last_error[0], "kernel": kernel_counters(),
    }
    tmp = COUNTERS_FILE + ".tmp"
    try:
        with open(tmp, "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(tmp, COUNTERS_FILE)
    except OSError as e:
        print(f"tundecap: cannot write {COUNTERS_FILE}: {e}", file=sys.stderr, flush=True)


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", name.encode(), IFF_TUN | IFF_NO_PI))
    # The kernel refuses writes to a TUN device that is down.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifr = fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH22x", name.encode(), 0))
        flags = struct.unpack_from("16sH", ifr)[1]
        if not flags & IFF_UP:
            fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", name.encode(), flags | IFF_UP))
    return fd


def deliver(tun, inner, kind):
    """Checks the inner IPv4 packet as far as a router would, and writes it to the TUN device."""
    if len(inner) < 20:
        bad["inner_truncated"] += 1
        return
    if inner[0] >> 4 != 4:
        bad["inner_not_ipv4"] += 1
        return
    ihl = (inner[0] & 0x0F) * 4
    total = struct.unpack_from("!H", inner, 2)[0]
    if ihl < 20 or ihl > len(inner) or total < ihl:
        bad["inner_bad_header"] += 1
        return
    if total > len(inner):
        bad["inner_truncated"] += 1
        return
    inner = inner[:total]
    if csum(inner[:ihl]) != 0:
        bad["inner_ip_csum"] += 1
        return
    proto = inner[9]
    frag = struct.unpack_from("!H", inner, 6)[0] & 0x3FFF  # MF or an offset: a fragment
    if not frag and proto in (6, 17) and not l4_ok(inner, ihl, proto):
        inner_l4_csum_bad["tcp" if proto == 6 else "udp"] += 1
    write_tun(tun, inner, kind)


def write_tun(tun, inner, kind):
    """Writes a decapsulated packet to the TUN device, counted as decapsulated or as a refused write."""
    try:
        os.write(tun, inner)
    except OSError as e:
        bad["tun_write"] += 1
        last_error[0] = f"tun write: {e}"
        return
    decapsulated[kind] += 1


def on_ipip6(tun, pkt, destination):
    """IPv6 in IPv6: the raw socket gave the payload; the outer destination came with it."""
    received["ipip6"] += 1
    if destination != ADDRESS6:
        bad["not_for_us"] += 1
        return
    if len(pkt) < 40 or pkt[0] >> 4 != 6 or 40 + struct.unpack_from("!H", pkt, 4)[0] > len(pkt):
        bad["inner_not_ipv6"] += 1
        return
    write_tun(tun, pkt[:40 + struct.unpack_from("!H", pkt, 4)[0]], "ipip6")


def outer_payload(pkt):
    """The payload of an IPv4 packet from a raw socket (which includes the header), or None."""
    if len(pkt) < 20 or pkt[0] >> 4 != 4 or (pkt[0] & 0x0F) * 4 > len(pkt) or pkt[0] & 0x0F < 5:
        bad["outer_truncated"] += 1
        return None
    if pkt[16:20] != ADDRESS:
        bad["not_for_us"] += 1
        return None
    return pkt[(pkt[0] & 0x0F) * 4:]


def on_ipip(tun, pkt):
    received["ipip"] += 1
    inner = outer_payload(pkt)
    if inner is not None:
        deliver(tun, inner, "ipip")


def on_gre(tun, pkt):
    received["gre"] += 1
    g = outer_payload(pkt)
    if g is None:
        return
    if len(g) < 4:
        bad["gre_truncated"] += 1
        return
    flags, proto = struct.unpack_from("!HH", g)
    if flags & GRE_VERSION:
        bad["gre_version"] += 1
        return
    if flags & GRE_KEY_SEQ:
        bad["gre_key_or_sequence"] += 1
        return
    if flags & GRE_ROUTING_STRICT_RECUR:
        bad["gre_flags"] += 1
        return
    hlen = 8 if flags & GRE_C else 4
    if len(g) < hlen:
        bad["gre_truncated"] += 1
        return
    if flags & GRE_C and csum(g) != 0:
        bad["gre_csum"] += 1
        return
    if proto != 0x0800:
        bad["gre_proto"] += 1
        return
    if flags & GRE_C:
        decapsulated["gre_csum"] += 1
    deliver(tun, g[hlen:], "gre")


def on_gue(tun, payload):
    received["gue"] += 1
    if len(payload) < 4:
        bad["gue_truncated"] += 1
        return
    version = payload[0] >> 6
    if version == 1:
        # Direct encapsulation: the first nibble is the inner IP version.
        if payload[0] >> 4 != 4:
            bad["inner_not_ipv4"] += 1
            return
        before = decapsulated["gue"]
        deliver(tun, payload, "gue")
        if decapsulated["gue"] != before:
            decapsulated["gue_direct"] += 1
        return
    if version != 0:
        bad["gue_version"] += 1
        return
    control = payload[0] >> 5 & 1
    optlen = (payload[0] & 0x1F) * 4
    proto = payload[1]
    flags = struct.unpack_from("!H", payload, 2)[0]
    if len(payload) < 4 + optlen:
        bad["gue_hlen"] += 1
        return
    if flags & ~GUE_FLAG_PRIV:
        bad["gue_flags"] += 1
        return
    remcsum = None
    if flags & GUE_FLAG_PRIV:
        if optlen < 4:
            bad["gue_hlen"] += 1
            return
        pflags = struct.unpack_from("!I", payload, 4)[0]
        if pflags & ~GUE_PFLAG_REMCSUM:
            bad["gue_private_flags"] += 1
            return
        if pflags & GUE_PFLAG_REMCSUM:
            if optlen < 8:
                bad["gue_hlen"] += 1
                return
            remcsum = struct.unpack_from("!HH", payload, 8)
    if control:
        bad["gue_control"] += 1  # no control messages are defined for this lab
        return
    if proto != 4:
        bad["gue_proto"] += 1
        return
    inner = payload[4 + optlen:]
    if remcsum is not None:
        start, field = remcsum
        if start % 2 or field % 2 or start > len(inner) or field + 2 > len(inner) or field < start:
            bad["gue_remcsum"] += 1
            return
        inner = bytearray(inner)
        struct.pack_into("!H", inner, field, csum(inner[start:]))
        inner = bytes(inner)
    before = decapsulated["gue"]
    deliver(tun, inner, "gue")
    if remcsum is not None and decapsulated["gue"] != before:
        decapsulated["gue_remcsum"] += 1


def main():
    tun = open_tun(TUN_NAME)
    ipip = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IPIP)
    gre = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_GRE)
    gue = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    gue.bind(("0.0.0.0", GUE_PORT))
    handlers = {ipip: on_ipip, gre: on_gre, gue: on_gue}
    ipip6 = None
    if ADDRESS6 is not None:
        ipip6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 41)
        ipip6.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)
        handlers[ipip6] = on_ipip6
    for s in handlers:
        s.setblocking(False)
        for opt in (SO_RCVBUFFORCE, socket.SO_RCVBUF):
            try:
                s.setsockopt(socket.SOL_SOCKET, opt, 8 << 20)
                break
            except OSError:
                continue
    # SIGUSR1 only wakes select (through the wakeup pipe): the counters are written from the loop, never
    # from inside a handler that could interrupt a write under way.
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    signal.signal(signal.SIGUSR1, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    write_counters()
    print(f"tundecap {NAME}: {socket.inet_ntoa(ADDRESS)} ipip, gre, gue:{GUE_PORT} -> {TUN_NAME}", flush=True)
    next_write = time.monotonic() + 1
    try:
        while True:
            ready, _, _ = select.select([wake_r, *handlers], [], [], max(0.0, next_write - time.monotonic()))
            if wake_r in ready:
                try:
                    os.read(wake_r, 256)
                except BlockingIOError:
                    pass
                next_write = 0  # a signal: write now
            for s in ready:
                if s == wake_r:
                    continue
                for _ in range(256):
                    try:
                        if s is ipip6:
                            pkt, ancillary, _, _ = s.recvmsg(65535, socket.CMSG_SPACE(20))
                            destination = next((data[:16] for level, kind, data in ancillary
                                                if level == socket.IPPROTO_IPV6 and kind == IPV6_PKTINFO), None)
                        else:
                            pkt = s.recv(65535)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError as e:  # e.g. an ICMP error queued on the UDP socket
                        last_error[0] = f"recv: {e}"
                        continue
                    try:
                        if s is ipip6:
                            on_ipip6(tun, pkt, destination)
                            continue
                        handlers[s](tun, pkt)
                    except Exception as e:  # noqa: BLE001 - counted, never fatal
                        bad["exception"] += 1
                        last_error[0] = f"{type(e).__name__}: {e}"
            if time.monotonic() >= next_write:
                write_counters()
                next_write = time.monotonic() + 1
    finally:
        write_counters()


if __name__ == "__main__":
    main()
