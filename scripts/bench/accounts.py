"""System accounts and folders the peer servers need.

- `ftp`: the system user anonymous sessions run as. pure-ftpd and
  pyftpdlib take the anonymous root from its home directory, so when the
  runner creates it, it points that home at the benchmark's anonymous root.
- `fleetbench`: a normal user with a random password, for password logins
  (checked by every peer against /etc/shadow).

The anonymous root is owned by root and not writable by `ftp` (vsftpd
refuses a writable anonymous root); each server works in its own writable
folder below it, pub/<server>."""
from __future__ import annotations

import os
import pwd
import secrets
import shutil
import string
import subprocess
from pathlib import Path

import block_groups

BENCH_USER = "fleetbench"
ANON_USER = "ftp"


def _run(argv: list[str], stdin: str | None = None) -> None:
    subprocess.run(argv, input=stdin, text=True, check=True, stdout=subprocess.DEVNULL)


def ensure_root() -> None:
    if os.geteuid() != 0:
        raise SystemExit("the benchmark runner must run as root: it creates system users and "
                         "starts FTP servers that switch users (run it with sudo)")


def ensure_anonymous_user(anon_root: Path) -> Path:
    """Creates `ftp` if missing and points its home at `anon_root` (pure-ftpd
    and pyftpdlib take the anonymous root from it, so a home left over from
    a run in another folder would send them elsewhere); returns the
    anonymous root in effect."""
    try:
        home = Path(pwd.getpwnam(ANON_USER).pw_dir)
        if home != anon_root:
            print(f"note: moving the home of the system user '{ANON_USER}' from {home} to {anon_root}",
                  flush=True)
            _run(["usermod", "--home", str(anon_root), ANON_USER])
            home = anon_root
    except KeyError:
        _run(["useradd", "--system", "--home-dir", str(anon_root), "--no-create-home",
              "--shell", "/usr/sbin/nologin", "--user-group", ANON_USER])
        home = anon_root
    return home


def ensure_bench_user(home: Path) -> str:
    """Creates `fleetbench` if missing, points its home at `home`, and gives
    it a fresh random password, which is returned."""
    try:
        pwd.getpwnam(BENCH_USER)
        _run(["usermod", "--home", str(home), BENCH_USER])
    except KeyError:
        _run(["useradd", "--home-dir", str(home), "--no-create-home", "--shell", "/bin/bash",
              "--user-group", BENCH_USER])
    alphabet = string.ascii_letters + string.digits
    password = "".join(secrets.choice(alphabet) for _ in range(20))
    _run(["chpasswd"], stdin=f"{BENCH_USER}:{password}\n")
    return password


def prepare_tree(anon_root: Path, home: Path, servers: list[str]) -> None:
    """anon_root (root-owned, read-only for others) with pub/<server>
    writable by `ftp`; the bench user's home."""
    ftp = pwd.getpwnam(ANON_USER)
    bench = pwd.getpwnam(BENCH_USER)
    anon_root.mkdir(parents=True, exist_ok=True)
    os.chown(anon_root, 0, 0)
    anon_root.chmod(0o755)
    pub = anon_root / "pub"
    pub.mkdir(exist_ok=True)
    os.chown(pub, 0, 0)
    pub.chmod(0o755)
    # Each server's folder in a block group of its own (block_groups.py).
    block_groups.spread_subfolders(pub)
    for name in servers:
        d = pub / name
        if d.exists():
            shutil.rmtree(d)
        d.mkdir()
        os.chown(d, ftp.pw_uid, ftp.pw_gid)
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, bench.pw_uid, bench.pw_gid)
