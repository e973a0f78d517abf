#!/usr/bin/python3
"""The lab client: real HTTP requests to the VIP, a new TCP connection for each.

client.py requests URL COUNT [FIRST_PORT]
                               -> one line per request "<n> <client port> <real server>", then
                                  "total <name>=<count> ...". With FIRST_PORT, request n leaves from port
                                  FIRST_PORT+n-1, so no client port is reused within a run (a reused port
                                  would find its old connection on the director, as with kernel IPVS).
client.py transfer URL BYTES   -> downloads /bytes/BYTES once; prints "transfer <server> <bytes> ok|corrupt"
client.py udp HOST:PORT COUNT FIRST_PORT
                               -> one datagram from each of COUNT source ports, prints "<n> <port> <server>"
                                  per answer and "total <name>=<count> ..."
Exits non-zero when a request fails.
"""
import hashlib
import http.client
import socket
import sys
import urllib.parse


def fetch(url, timeout, source_port=0):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout,
                                      source_address=("", source_port) if source_port else None)
    try:
        conn.request("GET", u.path or "/")
        local_port = conn.sock.getsockname()[1]
        r = conn.getresponse()
        body = r.read()
        return r.getheader("X-Real-Server", "?"), r.getheader("X-Sha256"), body, local_port
    finally:
        conn.close()


def requests(url, count, first_port):
    tally = {}
    failures = 0
    for i in range(1, count + 1):
        # No retry: a retry would open another connection and hide a lost one from the tally.
        port = first_port + i - 1 if first_port else 0
        try:
            server, _, _, port = fetch(url, 10, port)
        except Exception as e:  # noqa: BLE001 - reported and counted
            print(f"{i} {port} FAILED {e}", flush=True)
            failures += 1
            server = None
        if server:
            tally[server] = tally.get(server, 0) + 1
            print(f"{i} {port} {server}", flush=True)
    print("total " + " ".join(f"{k}={tally[k]}" for k in sorted(tally)), flush=True)
    return 1 if failures else 0


def transfer(url, nbytes):
    server, sha, body, _ = fetch(url.rstrip("/") + f"/bytes/{nbytes}", 120)
    ok = len(body) == nbytes and hashlib.sha256(body).hexdigest() == sha
    print(f"transfer {server} {len(body)} {'ok' if ok else 'corrupt'}", flush=True)
    return 0 if ok else 1


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


if __name__ == "__main__":
    mode, url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    if mode == "requests":
        sys.exit(requests(url, n, first))
    sys.exit(udp(url, n, first) if mode == "udp" else transfer(url, n))
