#!/usr/bin/python3
"""Marks the GLIBCXX versions newer than this system's libstdc++ as weak needs in the shared libraries under a folder.

TorchSharp 0.107's libLibTorchSharp.so is linked by GCC 13 and asks for GLIBCXX_3.4.32 for one symbol it never calls
(std::ios_base_library_init); Debian bookworm's libstdc++ has versions up to GLIBCXX_3.4.30, so the loader refuses the
library. A version need flagged VER_FLG_WEAK is only warned about. Run on the build output (never the NuGet cache):
    /usr/bin/python3 weaken-glibcxx.py bin/Release/net10.0
"""
import glob
import os
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def system_versions():
    for path in glob.glob("/usr/lib/*/libstdc++.so.6") + glob.glob("/usr/lib/libstdc++.so.6"):
        data = open(os.path.realpath(path), "rb").read()
        return {s.decode() for s in set(__import__("re").findall(rb"GLIBCXX_3\.4(?:\.\d+)?", data))}
    return set()


def weaken(path, have):
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2:  # 64-bit ELF only
        return []
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, _ = struct.unpack_from("<HHH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    changed = []
    for (_, sh_type, _, _, offset, size, link, info, _, _) in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        strtab = sections[link][4]
        name = lambda at: data[strtab + at:data.index(0, strtab + at)].decode()
        vn = offset
        for _ in range(info):  # sh_info: number of Verneed entries
            _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", data, vn)
            va = vn + aux
            for _ in range(cnt):
                _, flags, _, vname, vnext = struct.unpack_from("<IHHII", data, va)
                version = name(vname)
                if version.startswith("GLIBCXX_") and version not in have and not flags & VER_FLG_WEAK:
                    struct.pack_into("<H", data, va + 4, flags | VER_FLG_WEAK)
                    changed.append(version)
                va += vnext
            if nxt == 0:
                break
            vn += nxt
    if changed:
        tmp = path + ".tmp"
        open(tmp, "wb").write(data)
        os.chmod(tmp, os.stat(path).st_mode)
        os.replace(tmp, path)
    return changed


def main():
    root = sys.argv[1]
    have = system_versions()
    for path in sorted(glob.glob(os.path.join(root, "**", "*.so*"), recursive=True)):
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        changed = weaken(path, have)
        if changed:
            print(f"weaken-glibcxx: {os.path.relpath(path, root)}: {', '.join(changed)} marked weak (this libstdc++ has up to "
                  f"{max(have, key=lambda v: tuple(int(p) for p in v.split('_')[1].split('.')))})")


if __name__ == "__main__":
    main()
