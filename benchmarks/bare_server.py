"""Reference (a): a bare websocket broadcaster of pre-encoded bytes, no application.

Asyncio's transports and a hand-written handshake: a broadcast frames its message once
and writes the same bytes to every socket. Nothing is rendered, read or queued per socket:
the limit of this machine for one process. ``GET /act?version=N`` broadcasts the message
stamped N and answers once every write is queued.

    .venv/bin/python -m benchmarks.bare_server PORT
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import struct
import sys
from typing import ClassVar

from benchmarks.references import message

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC11B85"


def frame(payload: bytes) -> bytes:
    """One unmasked text frame, as a server sends it."""
    if len(payload) < 126:
        return bytes([0x81, len(payload)]) + payload
    if len(payload) < 1 << 16:
        return bytes([0x81, 126]) + struct.pack("!H", len(payload)) + payload
    return bytes([0x81, 127]) + struct.pack("!Q", len(payload)) + payload


class Bare(asyncio.Protocol):
    sockets: ClassVar[set[asyncio.Transport]] = set()  # every open socket of the server

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.head = b""
        self.upgraded = False

    def data_received(self, data: bytes) -> None:
        if self.upgraded:
            return  # a client's pong or close: nothing to do with it
        self.head += data
        if b"\r\n\r\n" not in self.head:
            return
        request, *lines = self.head.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
        headers = dict(line.split(b": ", 1) for line in lines if b": " in line)
        path = request.split(b" ")[1]
        if b"Sec-WebSocket-Key" not in headers:  # an action, or any other plain request
            if path.startswith(b"/act"):
                data = frame(message(int(path.split(b"version=", 1)[1])))
                for socket in self.sockets:
                    socket.write(data)
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            self.head = b""
            return
        accept = base64.b64encode(hashlib.sha1(headers[b"Sec-WebSocket-Key"] + GUID).digest())
        self.transport.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        self.upgraded = True
        self.sockets.add(self.transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.sockets.discard(self.transport)


async def main(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(Bare, "127.0.0.1", port, backlog=4096)
    print("ready", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
