"""Each server's files in a block group of their own.

On ext4 without a journal, creating a file skips every inode of its block
group that was deleted in the last minute or so (the kernel's
recently_deleted check), and that scan can cost more than the rest of a
small upload. Servers benchmarked one after another in sibling folders share
a block group, so each would pay for the files the servers before it
deleted, and the order of the servers would decide the small-file lines.

The ext4 "top directory" attribute (chattr +T) makes the kernel spread the
folders created directly below one across block groups, as it does at the
root of the file system. Elsewhere the attribute is ignored or refused;
either way the benchmark runs on.
"""
from __future__ import annotations

import subprocess
from pathlib import Path


def spread_subfolders(folder: Path) -> bool:
    """Marks `folder` so that new folders directly below it start in block
    groups of their own; False where the file system does not support it."""
    try:
        done = subprocess.run(["chattr", "+T", str(folder)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        return False
    return done.returncode == 0
