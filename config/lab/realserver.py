#!/usr/bin/python3
"""A lab real server: HTTP on the given port(s), saying who it is, and UDP on UDP_ADDRESS:UDP_PORT
answering each datagram with its name.

realserver.py NAME [HTTP_PORTS] [UDP_PORT] [UDP_ADDRESS] [UDP_ADDRESS6]
    HTTP_PORTS   one port or a comma-separated list ("8080,80"), default 80

GET /           -> "<name>\n"
GET /health     -> 200 "NAME ok", or 503 while /run/jlvs-lab/NAME.down exists (for the lab's health checks)
GET /bytes/<n>[?rate=B] -> n bytes of a fixed pattern (about B bytes a second with rate); headers X-Real-Server and X-Sha256 let the client check
                   that a long transfer came whole from one server.
POST /upload    -> reads Content-Length bytes; answers with headers X-Real-Server and X-Sha256 (of what
                   it received) and the number of bytes received as the body, "<n>\n", so the client can
                   check that a long upload (large packets towards the VIP) arrived whole.
Every response carries X-Real-Server. One connection per request (HTTP/1.0), like a plain web server.
"""
import hashlib
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = sys.argv[1]
PORTS = [int(p) for p in sys.argv[2].split(",") if p] if len(sys.argv) > 2 else [80]
UDP_PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 5300
UDP_ADDRESS = sys.argv[4] if len(sys.argv) > 4 else "0.0.0.0"
UDP_ADDRESS6 = sys.argv[5] if len(sys.argv) > 5 else None
BLOCK = bytes((i * 7 + 3) & 0xFF for i in range(65536))


def pattern(n):
    full, rest = divmod(n, len(BLOCK))
    return BLOCK * full + BLOCK[:rest]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        if self.path == "/health":
            # the lab's health check: 503 while /run/jlvs-lab/NAME.down exists (the server itself keeps serving)
            down = os.path.exists(f"/run/jlvs-lab/{NAME}.down")
            body = (NAME + (" down" if down else " ok") + "\n").encode()
            self.send_response(503 if down else 200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Real-Server", NAME)
            self.end_headers()
            self.wfile.write(body)
            return
        if self.path.startswith("/bytes/"):
            path, _, query = self.path.partition("?")
            try:
                n = int(path[len("/bytes/"):])
                rate = int(query[len("rate="):]) if query.startswith("rate=") else 0
            except ValueError:
                self.send_error(400)
                return
            n = max(0, min(n, 1 << 30))
            digest = hashlib.sha256()
            full, rest = divmod(n, len(BLOCK))
            for _ in range(full):
                digest.update(BLOCK)
            digest.update(BLOCK[:rest])
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(n))
            self.send_header("X-Real-Server", NAME)
            self.send_header("X-Sha256", digest.hexdigest())
            self.end_headers()
            for _ in range(full):
                self.wfile.write(BLOCK)
                if rate > 0:
                    time.sleep(len(BLOCK) / rate)  # ?rate=B: about B bytes a second, for a transfer that lasts
            self.wfile.write(BLOCK[:rest])
            return
        body = (NAME + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Real-Server", NAME)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        if self.path.split("?", 1)[0] != "/upload":
            self.send_error(404)
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.send_error(411)
            return
        digest, n = hashlib.sha256(), 0
        while n < length:
            chunk = self.rfile.read(min(65536, length - n))
            if not chunk:
                break  # the client went away: answer with what came, which will not match
            digest.update(chunk)
            n += len(chunk)
        body = f"{n}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Real-Server", NAME)
        self.send_header("X-Sha256", digest.hexdigest())
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


def serve_udp(family, address):
    # bound to the VIP (DR): answers must leave from the address the client sent to
    s = socket.socket(family, socket.SOCK_DGRAM)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((address, UDP_PORT))
    while True:
        data, peer = s.recvfrom(65535)
        if data.startswith(b"echo "):
            # "echo <payload>": the payload back after the name, one datagram (fragmented on a 1500 MTU link)
            s.sendto(NAME.encode() + b"\n" + data[5:], peer)
        else:
            s.sendto((NAME + "\n").encode(), peer)


class DualStackServer(ThreadingHTTPServer):
    """IPv6 and IPv4 on one socket (IPv4 clients as mapped addresses)."""
    address_family = socket.AF_INET6

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def serve_http(port):
    # where the namespace has IPv6 (the lab's DR and NAT real servers), both families; else IPv4 only
    try:
        return DualStackServer(("::", port), Handler)
    except OSError:
        return ThreadingHTTPServer(("0.0.0.0", port), Handler)


if __name__ == "__main__":
    threading.Thread(target=serve_udp, args=(socket.AF_INET, UDP_ADDRESS), daemon=True).start()
    if UDP_ADDRESS6:
        threading.Thread(target=serve_udp, args=(socket.AF_INET6, UDP_ADDRESS6), daemon=True).start()
    ThreadingHTTPServer.allow_reuse_address = True
    servers = [serve_http(port) for port in PORTS]
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    servers[0].serve_forever()
