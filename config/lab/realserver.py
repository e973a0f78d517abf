#!/usr/bin/python3
"""A lab real server: HTTP on the given port, saying who it is.

GET /           -> "<name>\n"
GET /bytes/<n>  -> n bytes of a fixed pattern; headers X-Real-Server and X-Sha256 let the client check
                   that a long transfer came whole from one server.
Every response carries X-Real-Server. One connection per request (HTTP/1.0), like a plain web server.
"""
import hashlib
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = sys.argv[1]
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 80
BLOCK = bytes((i * 7 + 3) & 0xFF for i in range(65536))


def pattern(n):
    full, rest = divmod(n, len(BLOCK))
    return BLOCK * full + BLOCK[:rest]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        if self.path.startswith("/bytes/"):
            try:
                n = int(self.path[len("/bytes/"):])
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
            self.wfile.write(BLOCK[:rest])
            return
        body = (NAME + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Real-Server", NAME)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer.allow_reuse_address = True
    ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
