"""The pixels of a screenshot, for a barcode decoder: Chromium's PNG, decoded without a library.

Chromium writes 8-bit, non-interlaced RGB or RGBA PNGs; that is all this reads.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {2: 3, 6: 4}  # PNG colour type: bytes per pixel (RGB, RGBA)


@dataclass(frozen=True)
class Pixels:
    """Rows of ``channels`` bytes per pixel, top to bottom, with no padding."""

    data: bytes
    width: int
    height: int
    channels: int


def decode_png(png: bytes) -> Pixels:
    """The pixels of an 8-bit, non-interlaced RGB or RGBA PNG; ``ValueError`` for another."""
    if not png.startswith(SIGNATURE):
        raise ValueError("not a PNG")
    offset, header, compressed = len(SIGNATURE), b"", bytearray()
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        body = png[offset + 8 : offset + 8 + length]
        offset += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            compressed += body
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or colour not in CHANNELS or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}")
    channels = CHANNELS[colour]
    raw = zlib.decompress(bytes(compressed))
    stride = width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(
            raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels
        )
        rows.append(row)
        previous = row
    return Pixels(b"".join(rows), width, height, channels)


def _unfilter(kind: int, row: bytearray, above: bytearray, bpp: int) -> bytearray:
    if kind == 0:
        return row
    for i in range(len(row)):
        left = row[i - bpp] if i >= bpp else 0
        up = above[i]
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 2:
            row[i] = (row[i] + up) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + (left + up) // 2) & 0xFF
        else:
            upper_left = above[i - bpp] if i >= bpp else 0
            row[i] = (row[i] + _paeth(left, up, upper_left)) & 0xFF
    return row


def _paeth(left: int, up: int, upper_left: int) -> int:
    guess = left + up - upper_left
    to_left, to_up, to_upper_left = abs(guess - left), abs(guess - up), abs(guess - upper_left)
    if to_left <= to_up and to_left <= to_upper_left:
        return left
    return up if to_up <= to_upper_left else upper_left
