"""A local SMTP sink for the dev and test stacks: accepts every message on loopback and writes it as an
.eml file into a folder, where a person (or a test) can read it. Stands in for the city's mail server,
which is outside the platform.

    python devstack/mail_sink.py --port 2525 --dir /var/tmp/glos/dev/mail
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class SaveToFolder:
    def __init__(self, folder: Path):
        self.folder = folder
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{next(self.counter):05d}.eml"
        tmp = self.folder / (name + ".part")
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(self.folder / name)  # whole files only: readers never see half a message
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    controller = Controller(SaveToFolder(args.dir), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"mail sink on 127.0.0.1:{args.port}, writing to {args.dir}", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
