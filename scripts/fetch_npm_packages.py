"""Install the packages pinned in package-lock.json into node_modules/ without npm.

`make test` uses npm when the machine has it; on a machine with only Python
this fetches the same tarballs from the npm registry and checks each one
against the lock file's integrity hash before unpacking it.
"""

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = "https://registry.npmjs.org"


def tarball_url(name, entry):
    package = name.removeprefix("node_modules/")
    return entry.get("resolved") or f"{REGISTRY}/{package}/-/{package.rsplit('/', 1)[-1]}-{entry['version']}.tgz"


def install(name, entry):
    with urllib.request.urlopen(tarball_url(name, entry), timeout=60) as response:
        data = response.read()
    algorithm, expected = entry["integrity"].split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        sys.exit(f"{name}: download does not match package-lock.json's integrity hash; not installed.")
    target = ROOT / name
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            relative = Path(member.name).relative_to("package")
            if ".." in relative.parts:
                sys.exit(f"{name}: the archive has a path outside the package; not installed.")
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.extractfile(member).read())


def main():
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for name, entry in lock["packages"].items():
        if name.startswith("node_modules/"):
            install(name, entry)
            print(f"installed {name.removeprefix('node_modules/')} {entry['version']}")


if __name__ == "__main__":
    main()
