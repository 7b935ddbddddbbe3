"""The corpus's large inputs, made at test time so the repository stays small.

Every function is deterministic: the same call gives the same bytes.

    python tests/corpus/generate.py DIR     writes them all into DIR, to look at or replay by hand
"""

import struct
import sys
import zlib
from pathlib import Path

MB = 1024 * 1024

DOCX_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)


def long_string(megabytes: int = 10) -> str:
    """A string of `megabytes` MB: longer than any field, any parameter and any request body allows."""
    return ("Dushanbe " * (megabytes * MB // 9 + 1))[: megabytes * MB]


def deep_json(depth: int = 100_000) -> bytes:
    """An array nested `depth` deep: a recursive parser without a limit runs out of stack."""
    return b"[" * depth + b"]" * depth


def zip_bomb_docx(unpacked_megabytes: int = 2048) -> bytes:
    """A .docx (a zip) of about 2 MB whose document.xml unpacks to `unpacked_megabytes` MB.

    The deflate stream is built by repeating one compressed megabyte of spaces: after a full
    flush the compressor starts afresh, so every megabyte compresses to the same bytes and
    2 GB costs one megabyte of compression, not a minute of it.
    """
    chunk = b" " * MB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    deflated = block * unpacked_megabytes + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(unpacked_megabytes):
        crc = zlib.crc32(chunk, crc)
    return _zip(
        [
            (
                "[Content_Types].xml",
                zlib.compress(DOCX_CONTENT_TYPES, 9)[2:-4],
                zlib.crc32(DOCX_CONTENT_TYPES),
                len(DOCX_CONTENT_TYPES),
            ),
            ("word/document.xml", deflated, crc, unpacked_megabytes * MB),
        ]
    )


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of already deflated members (name, deflated data, CRC-32, unpacked size); sizes below 4 GB."""
    local, central = bytearray(), bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(local)
        local += (
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
            + encoded
            + data
        )
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0)
    return bytes(local + central + end)


def billion_laughs(levels: int = 10) -> bytes:
    """The classic XML entity bomb: ten levels of ten references each, 10**levels copies of 'lol'."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE trips [\n' + "\n".join(entities) + "\n]>\n"
        f'<trips><trip role="president" who="lol"><id>1</id><name>&lol{levels - 1};</name>'
        "<start-date>2001-01-01</start-date><end-date>2001-01-02</end-date>"
        '<country id="canada">Canada</country></trip></trips>\n'
    ).encode()


GENERATED = {
    "long_string.txt": lambda: long_string().encode(),
    "deep.json": deep_json,
    "zip_bomb.docx": zip_bomb_docx,
    "billion_laughs.xml": billion_laughs,
}


def write_all(directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, make in GENERATED.items():
        paths[name] = directory / name
        paths[name].write_bytes(make())
    return paths


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else ".")).values():
        print(path, path.stat().st_size)
