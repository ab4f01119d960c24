"""Render the app icon from ``resources/icons/liaison.svg`` into PNG, ICO and ICNS.

Run it after changing the SVG, then commit the results (they are small)::

    .venv/bin/python build/make_icons.py

Qt's SVG renderer (QtSvg, used here at build time only, not by the app) draws
each size. The ICO and ICNS containers are written by hand: both may hold
PNG images directly (ICO since Windows Vista, ICNS since macOS 10.7), so no
Pillow or iconutil is needed and the script runs on any OS.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "liaison.svg"

#: Sizes in the Windows .ico (Explorer, taskbar, Start menu, installer).
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: ICNS element types holding PNG data, by pixel size.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
)
#: Plain PNGs: the window icon (Linux, Qt) and a large one for the DMG/README.
PNG_SIZES = (256,)


def render_png(svg: Path, size: int) -> bytes:
    """Render the SVG as a square PNG of ``size`` pixels with a transparent background.

    Args:
        svg: The SVG file.
        size: Width and height in pixels.

    Returns:
        The PNG file's bytes.
    """
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        render_png.app = QGuiApplication(sys.argv[:1])  # type: ignore[attr-defined]
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """Pack PNG images into a Windows ICO container.

    Args:
        pngs: PNG bytes by pixel size (at most 256).

    Returns:
        The ICO file's bytes.
    """
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        blob = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(entries) + b"".join(blobs)


def icns_bytes(pngs: dict[bytes, bytes]) -> bytes:
    """Pack PNG images into a macOS ICNS container.

    Args:
        pngs: PNG bytes by ICNS element type (``ic07`` …).

    Returns:
        The ICNS file's bytes.
    """
    body = b"".join(kind + struct.pack(">I", 8 + len(blob)) + blob for kind, blob in pngs.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make_icons(svg: Path = SVG, out: Path = ICONS) -> list[Path]:
    """Write ``liaison.png``, ``liaison.ico`` and ``liaison.icns`` beside the SVG.

    Args:
        svg: The source SVG.
        out: The folder to write into.

    Returns:
        The files written.
    """
    cache: dict[int, bytes] = {}

    def png(size: int) -> bytes:
        if size not in cache:
            cache[size] = render_png(svg, size)
        return cache[size]

    written = []
    for size in PNG_SIZES:
        path = out / ("liaison.png" if size == PNG_SIZES[0] else f"liaison-{size}.png")
        path.write_bytes(png(size))
        written.append(path)
    ico = out / "liaison.ico"
    ico.write_bytes(ico_bytes({s: png(s) for s in ICO_SIZES}))
    icns = out / "liaison.icns"
    icns.write_bytes(icns_bytes({kind: png(size) for kind, size in ICNS_TYPES}))
    written += [ico, icns]
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=SVG, help="source SVG")
    parser.add_argument("--out", type=Path, default=ICONS, help="output folder")
    args = parser.parse_args(argv)
    for path in make_icons(args.svg, args.out):
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
