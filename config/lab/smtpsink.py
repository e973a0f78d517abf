#!/usr/bin/env python3
"""SMTP for the lab's services namespace (config/lab/services.sh): Debian's aiosmtpd (python3-aiosmtpd) on each
PORT given, IPv4 and IPv6, no authentication, keeping each message it accepts as one file of the Maildir MAILDIR
(MAILDIR/new/<unique name>, with X-Peer, X-MailFrom and X-RcptTo headers added by aiosmtpd's Message handler).

    smtpsink.py MAILDIR PORT...

`python3 -m aiosmtpd -c aiosmtpd.handlers.Mailbox MAILDIR` does the same on one address and one port; this starts
one server on all addresses (0.0.0.0 and ::) and several ports, in one process.
"""
import asyncio
import sys

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP

HOSTNAME = "check.jlvs.lab"


async def main(maildir, ports):
    handler = Mailbox(maildir)
    loop = asyncio.get_running_loop()
    servers = []
    for port in ports:
        # host None: every address of the namespace, IPv4 and IPv6 (one socket each)
        servers.append(await loop.create_server(lambda: SMTP(handler, hostname=HOSTNAME), host=None, port=port))
    print(f"smtpsink: aiosmtpd on ports {', '.join(map(str, ports))}, messages in {maildir}/new", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: smtpsink.py MAILDIR PORT...")
    asyncio.run(main(sys.argv[1], [int(p) for p in sys.argv[2:]]))
