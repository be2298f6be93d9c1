"""How each peer server is configured and started for the benchmark.

Every peer listens on 127.0.0.1 only, on its own control port and passive
range, allows anonymous logins with write access (for the upload scenarios)
and password logins of the bench user, has no cap on sessions, and logs as
little as it can (the benchmark measures serving, not logging). Otherwise
the servers keep their defaults."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Peer:
    name: str
    port: int
    passive: tuple[int, int]
    argv: list[str] = field(default_factory=list)
    version: str = ""
    # Anonymous logins see this folder as "/"; file scenarios run in
    # /pub/<name> below it.
    anon_dir: str = ""


def vsftpd(peers: Path, run: Path, port: int, passive: tuple[int, int], anon_root: Path) -> Peer:
    empty = run / "vsftpd-empty"   # its privilege-separation chroot: empty, root-owned
    empty.mkdir(parents=True, exist_ok=True)
    empty.chmod(0o755)
    conf = run / "conf" / "vsftpd.conf"
    conf.write_text("\n".join([
        "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", f"listen_port={port}",
        "background=NO",
        "anonymous_enable=YES", f"anon_root={anon_root}", "no_anon_password=YES",
        "anon_upload_enable=YES", "anon_mkdir_write_enable=YES", "anon_other_write_enable=YES",
        "anon_umask=022", "ftp_username=ftp",
        "local_enable=YES", "write_enable=YES", "local_umask=022",
        # No /etc/pam.d entry is installed for it; PAM then uses "other"
        # (pam_unix against /etc/shadow on Debian).
        "pam_service_name=vsftpd-bench",
        "nopriv_user=nobody", f"secure_chroot_dir={empty}",
        f"pasv_min_port={passive[0]}", f"pasv_max_port={passive[1]}",
        "max_clients=0", "max_per_ip=0",
        "xferlog_enable=NO", "dirmessage_enable=NO", "connect_from_port_20=NO",
        "idle_session_timeout=900", "data_connection_timeout=300",
        # The seccomp filter of 3.0.3 predates syscalls newer libcs use.
        "seccomp_sandbox=NO",
        "",
    ]))
    conf.chmod(0o600)
    return Peer("vsftpd", port, passive, [str(peers / "vsftpd/usr/sbin/vsftpd"), str(conf)],
                anon_dir=str(anon_root))


def pure_ftpd(peers: Path, run: Path, port: int, passive: tuple[int, int], anon_root: Path) -> Peer:
    argv = [
        str(peers / "pure-ftpd/usr/sbin/pure-ftpd"),
        "-S", f"127.0.0.1,{port}",
        # No passive range (-p): pure-ftpd caps its sessions at half the
        # range's size, which would stop the idle test at a few dozen. The
        # kernel picks passive ports instead.
        "-c", "50000", "-C", "50000",   # no practical cap on sessions
        "-l", "unix",                   # /etc/shadow, like the other peers
        "-M",                           # anonymous may create directories
        "-H",                           # no reverse DNS
        "-f", "none",                   # no syslog
    ]
    return Peer("pure-ftpd", port, passive, argv, anon_dir=str(anon_root))


def proftpd(peers: Path, run: Path, port: int, passive: tuple[int, int], anon_root: Path,
            log: Path) -> Peer:
    conf = run / "conf" / "proftpd.conf"
    conf.write_text(f"""
ServerName "proftpd bench"
ServerType standalone
DefaultServer on
Port {port}
DefaultAddress 127.0.0.1
SocketBindTight on
UseIPv6 off
User nobody
Group nogroup
MaxInstances 50000
PassivePorts {passive[0]} {passive[1]}
Umask 022
AllowOverwrite on
RequireValidShell off
UseReverseDNS off
ScoreboardFile {run}/proftpd.scoreboard
PidFile {run}/proftpd.pid
DelayTable {run}/proftpd.delay
WtmpLog off
TransferLog none
SystemLog {log}
SyslogLevel warn
ModulePath {peers}/proftpd/usr/lib/proftpd
AuthOrder mod_auth_unix.c
<Anonymous {anon_root}>
  User ftp
  UserAlias anonymous ftp
  RequireValidShell off
  MaxClients none
  <Directory *>
    <Limit WRITE>
      AllowAll
    </Limit>
  </Directory>
</Anonymous>
""")
    conf.chmod(0o600)
    argv = [str(peers / "proftpd/usr/sbin/proftpd"), "--nodaemon", "--config", str(conf)]
    return Peer("proftpd", port, passive, argv, anon_dir=str(anon_root))


def pyftpdlib(script_dir: Path, port: int, passive: tuple[int, int], anon_root: Path) -> Peer:
    argv = ["/usr/bin/python3", str(script_dir / "pyftpdlib-server"), "--port", str(port),
            "--passive", f"{passive[0]}-{passive[1]}", "--anonymous-user", "ftp"]
    return Peer("pyftpdlib", port, passive, argv, anon_dir=str(anon_root))
