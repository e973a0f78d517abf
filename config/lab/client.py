#!/usr/bin/python3
"""The lab client: real HTTP requests to the VIP, a new TCP connection for each.

client.py requests URL COUNT [FIRST_PORT [reset]]
                               -> one line per request "<n> <client port> <real server>", then
                                  "total <name>=<count> ...". With FIRST_PORT, request n leaves from port
                                  FIRST_PORT+n-1, so no client port is reused within a run (a reused port
                                  would find its old connection on the director, as with kernel IPVS).
                                  With "reset" each connection is closed by a RST.
client.py latency URL COUNT GAP_MS FIRST_PORT
                               -> COUNT requests, each after GAP_MS of quiet, from ports FIRST_PORT...: one line
                                  "latency <ms> ms <real server>" each
client.py transfer URL BYTES [RATE]
                               -> downloads /bytes/BYTES once (at about RATE bytes a second if given); prints
                                  "transfer <server> <bytes> ok|corrupt"
client.py udp HOST:PORT COUNT FIRST_PORT
                               -> one datagram from each of COUNT source ports, prints "<n> <port> <server>"
                                  per answer and "total <name>=<count> ..."
client.py udp-echo HOST:PORT BYTES COUNT FIRST_PORT      (HOST an IPv4 address or [an IPv6 one])
                               -> COUNT datagrams of BYTES (fragmented by the kernel above 1472), one from each
                                  source port from FIRST_PORT; each real server sends the bytes back after its
                                  name; prints "echo <port> <server> <bytes> ok|corrupt" and "total ..."
client.py watch URL SECONDS FIRST_PORT [TIMEOUT]
                               -> a new connection every 20 ms for SECONDS, each from its own port from FIRST_PORT
                                  with a TIMEOUT s timeout (default 0.5); prints "watch ok=N failed=N reset=N longest_gap_ms=N":
                                  the requests answered, timed out or refused otherwise, reset, and the longest time
                                  without an answer (a failover's outage)
client.py upload URL BYTES     -> POSTs BYTES of a fixed pattern to /upload once; prints
                                  "upload <server> <bytes received> ok|corrupt" (sha256 compared)
client.py udp-refused HOST:PORT FIRST_PORT
                               -> one datagram from a UDP socket connected from FIRST_PORT; prints "refused"
                                  when an ICMP port unreachable comes back within 3 s, else "no-answer" or
                                  "answer <text>"; exits 0 only for "refused"
client.py tcp-refused HOST:PORT
                               -> a TCP connect that must be refused (RST or ICMP port unreachable) within
                                  2 s; prints "refused <ms>", else "connected <ms>", "timeout" or
                                  "error <errno> <text>"; exits 0 only for "refused"
client.py icmp-fragneeded IFACE DST_MAC SRC_IP VIP VPORT CLIENT_IP CLIENT_PORT MTU [PROTO [SEQ]]
                               -> sends from IFACE (AF_PACKET, to DST_MAC) an ICMP "fragmentation needed"
                                  (type 3 code 4, next-hop MTU) from SRC_IP to VIP, quoting a packet
                                  VIP:VPORT -> CLIENT_IP:CLIENT_PORT (PROTO udp, the default, or tcp with
                                  sequence number SEQ, default 0; DF set, total length max(1500, MTU+1)):
                                  a router between the director and the client complaining about a reply.
                                  Prints "sent icmp-fragneeded <bytes>".
Exits non-zero when a request fails.
"""
import hashlib
import http.client
import random
import socket
import struct
import sys
import time
import urllib.parse

BLOCK = bytes((i * 7 + 3) & 0xFF for i in range(65536))


def fetch(url, timeout, source_port=0, reset=False):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout,
                                      source_address=("", source_port) if source_port else None)
    try:
        if reset:
            # closed by a RST: the director sees the connection end at once (CLOSE, 10 s), not linger in FIN_WAIT
            conn.connect()
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.request("GET", (u.path or "/") + ("?" + u.query if u.query else ""))
        local_port = conn.sock.getsockname()[1]
        r = conn.getresponse()
        body = r.read()
        return r.getheader("X-Real-Server", "?"), r.getheader("X-Sha256"), body, local_port
    finally:
        conn.close()


def requests(url, count, first_port, reset=False):
    tally = {}
    failures = 0
    for i in range(1, count + 1):
        # No retry: a retry would open another connection and hide a lost one from the tally.
        port = first_port + i - 1 if first_port else 0
        try:
            server, _, _, port = fetch(url, 10, port, reset)
        except Exception as e:  # noqa: BLE001 - reported and counted
            print(f"{i} {port} FAILED {e}", flush=True)
            failures += 1
            server = None
        if server:
            tally[server] = tally.get(server, 0) + 1
            print(f"{i} {port} {server}", flush=True)
    print("total " + " ".join(f"{k}={tally[k]}" for k in sorted(tally)), flush=True)
    return 1 if failures else 0


def latency(url, count, gap_ms, first_port):
    """Each request after gap_ms of quiet, a new connection each: its time, and the real server."""
    for i in range(count):
        time.sleep(gap_ms / 1000.0)
        t0 = time.monotonic()
        server, _, _, _ = fetch(url, 10, first_port + i)
        print(f"latency {(time.monotonic() - t0) * 1000.0:.3f} ms {server}", flush=True)
    return 0


def transfer(url, nbytes, rate=0):
    server, sha, body, _ = fetch(url.rstrip("/") + f"/bytes/{nbytes}" + (f"?rate={rate}" if rate else ""), 120)
    ok = len(body) == nbytes and hashlib.sha256(body).hexdigest() == sha
    print(f"transfer {server} {len(body)} {'ok' if ok else 'corrupt'}", flush=True)
    return 0 if ok else 1


def watch(url, seconds, first_port, timeout=0.5):
    end = time.monotonic() + seconds
    ok = failed = resets = n = 0
    last_ok = time.monotonic()
    longest = 0.0
    while time.monotonic() < end:
        port = first_port + n
        n += 1
        try:
            fetch(url, timeout, port)
            now = time.monotonic()
            longest = max(longest, now - last_ok)
            last_ok = now
            ok += 1
        except ConnectionResetError:
            resets += 1
        except Exception:  # noqa: BLE001 - a timeout or a refusal during the outage
            failed += 1
        time.sleep(0.02)
    longest = max(longest, time.monotonic() - last_ok)
    print(f"watch ok={ok} failed={failed} reset={resets} longest_gap_ms={int(longest * 1000)}", flush=True)
    return 0


def udp(target, count, first_port):
    host, port = target.rsplit(":", 1)
    tally, failures = {}, 0
    for i in range(1, count + 1):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("", first_port + i - 1))
        s.settimeout(3)
        try:
            s.sendto(b"who?", (host, int(port)))
            server = s.recvfrom(2048)[0].decode().strip()
            tally[server] = tally.get(server, 0) + 1
            print(f"{i} {first_port + i - 1} {server}", flush=True)
        except OSError as e:
            print(f"{i} {first_port + i - 1} FAILED {e}", flush=True)
            failures += 1
        finally:
            s.close()
    print("total " + " ".join(f"{k}={tally[k]}" for k in sorted(tally)), flush=True)
    return 1 if failures else 0


def udp_echo(target, nbytes, count, first_port):
    host, port = target.rsplit(":", 1)
    family = socket.AF_INET6 if host.startswith("[") else socket.AF_INET
    host = host.strip("[]")
    tally, failures = {}, 0
    payload = bytes((i * 7 + 1) & 0xFF for i in range(nbytes))
    for i in range(1, count + 1):
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.bind(("", first_port + i - 1))
        s.settimeout(3)
        try:
            s.sendto(b"echo " + payload, (host, int(port)))
            answer = s.recvfrom(65535)[0]
            server, _, echoed = answer.partition(b"\n")
            server = server.decode()
            ok = echoed == payload
            tally[server] = tally.get(server, 0) + 1
            print(f"echo {first_port + i - 1} {server} {len(echoed)} {'ok' if ok else 'corrupt'}", flush=True)
            failures += 0 if ok else 1
        except OSError as e:
            print(f"echo {first_port + i - 1} FAILED {e}", flush=True)
            failures += 1
        finally:
            s.close()
    print("total " + " ".join(f"{k}={tally[k]}" for k in sorted(tally)), flush=True)
    return 1 if failures else 0


def upload(url, nbytes):
    u = urllib.parse.urlsplit(url)
    digest = hashlib.sha256()
    full, rest = divmod(nbytes, len(BLOCK))
    for _ in range(full):
        digest.update(BLOCK)
    digest.update(BLOCK[:rest])
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=120)
    try:
        conn.putrequest("POST", u.path.rstrip("/") + "/upload")
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(nbytes))
        conn.endheaders()
        for _ in range(full):
            conn.send(BLOCK)
        conn.send(BLOCK[:rest])
        r = conn.getresponse()
        body = r.read()
        server, sha = r.getheader("X-Real-Server", "?"), r.getheader("X-Sha256")
    except Exception as e:  # noqa: BLE001 - reported
        print(f"upload FAILED {e}", flush=True)
        return 1
    finally:
        conn.close()
    try:
        got = int(body.strip())
    except ValueError:
        got = -1
    ok = r.status == 200 and got == nbytes and sha == digest.hexdigest()
    print(f"upload {server} {got} {'ok' if ok else 'corrupt'}", flush=True)
    return 0 if ok else 1


def udp_refused(target, first_port):
    host, port = target.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("", first_port))
        s.connect((host, int(port)))
        s.settimeout(3)
        s.send(b"who?")
        answer = s.recv(2048)
        print(f"answer {answer.decode(errors='replace').strip()}", flush=True)
        return 1
    except ConnectionRefusedError:
        print("refused", flush=True)  # an ICMP port unreachable came back
        return 0
    except socket.timeout:
        print("no-answer", flush=True)
        return 1
    finally:
        s.close()


def tcp_refused(target):
    host, port = target.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    start = time.monotonic()
    try:
        s.connect((host, int(port)))
        print(f"connected {round((time.monotonic() - start) * 1000)}", flush=True)
        return 1
    except ConnectionRefusedError:
        print(f"refused {round((time.monotonic() - start) * 1000)}", flush=True)
        return 0
    except socket.timeout:
        print("timeout", flush=True)
        return 1
    except OSError as e:
        print(f"error {e.errno} {e.strerror}", flush=True)
        return 1
    finally:
        s.close()


def inet_csum(b):
    if len(b) % 2:
        b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16:
        t = (t >> 16) + (t & 0xFFFF)
    return ~t & 0xFFFF


def ipv4_header(src, dst, proto, payload_len, frag, ttl=64):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, random.randrange(1 << 16), frag, ttl, proto,
                    0, socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", inet_csum(h)) + h[12:]


def icmp_fragneeded(iface, dst_mac, src_ip, vip, vport, client_ip, client_port, mtu, proto="udp", seq=0):
    proto_num = 17 if proto == "udp" else 6
    too_big = max(1500, mtu + 1)  # the length of the packet the router could not forward
    quoted = ipv4_header(vip, client_ip, proto_num, too_big - 20, 0x4000, ttl=63)
    if proto_num == 17:
        quoted += struct.pack("!HHHH", vport, client_port, too_big - 20, 0)
    else:
        quoted += struct.pack("!HHI", vport, client_port, seq)
    icmp = struct.pack("!BBHHH", 3, 4, 0, 0, mtu) + quoted
    icmp = icmp[:2] + struct.pack("!H", inet_csum(icmp)) + icmp[4:]
    packet = ipv4_header(src_ip, vip, 1, len(icmp), 0) + icmp
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    try:
        s.bind((iface, 0))
        src_mac = s.getsockname()[4]
        frame = bytes.fromhex(dst_mac.replace(":", "")) + src_mac + b"\x08\x00" + packet
        s.send(frame)
    finally:
        s.close()
    print(f"sent icmp-fragneeded {len(frame)}", flush=True)
    return 0


USAGE = __doc__.split("\n\n", 1)[1]


def command(mode, args):
    """The function to run for these arguments, or None when they are not valid."""
    try:
        if mode == "requests":
            url, count, first = args[0], int(args[1]), int(args[2]) if len(args) > 2 else 0
            reset = len(args) > 3 and args[3] == "reset"
            return lambda: requests(url, count, first, reset)
        if mode == "latency":
            url, count, gap, first = args[0], int(args[1]), float(args[2]), int(args[3])
            return lambda: latency(url, count, gap, first)
        if mode == "transfer":
            url, nbytes, rate = args[0], int(args[1]), int(args[2]) if len(args) > 2 else 0
            return lambda: transfer(url, nbytes, rate)
        if mode == "watch":
            url, seconds, first = args[0], float(args[1]), int(args[2])
            timeout = float(args[3]) if len(args) > 3 else 0.5
            return lambda: watch(url, seconds, first, timeout)
        if mode == "udp":
            target, count, first = args[0], int(args[1]), int(args[2]) if len(args) > 2 else 0
            return lambda: udp(target, count, first)
        if mode == "udp-echo":
            target, nbytes, count, first = args[0], int(args[1]), int(args[2]), int(args[3])
            return lambda: udp_echo(target, nbytes, count, first)
        if mode == "upload":
            url, nbytes = args[0], int(args[1])
            return lambda: upload(url, nbytes)
        if mode == "udp-refused":
            target, first = args[0], int(args[1])
            return lambda: udp_refused(target, first)
        if mode == "tcp-refused":
            target = args[0]
            return lambda: tcp_refused(target)
        if mode == "icmp-fragneeded" and 8 <= len(args) <= 10:
            iface, dst_mac, src_ip, vip, client_ip = args[0], args[1], args[2], args[3], args[5]
            vport, client_port, mtu = int(args[4]), int(args[6]), int(args[7])
            proto = args[8].lower() if len(args) > 8 else "udp"
            seq = int(args[9]) if len(args) > 9 else 0
            if proto not in ("udp", "tcp"):
                return None
            return lambda: icmp_fragneeded(iface, dst_mac, src_ip, vip, vport, client_ip, client_port, mtu,
                                           proto, seq)
    except (IndexError, ValueError):
        pass
    return None


if __name__ == "__main__":
    run = command(sys.argv[1] if len(sys.argv) > 1 else "", sys.argv[2:])
    if run is None:
        print("usage:\n" + USAGE, file=sys.stderr)
        sys.exit(2)
    sys.exit(run())
