"""Who holds a digest slot in the ledger, and whether that holder is dead.

A slot claimed by a process that then died (killed mid fan-out, a crash, a container
restart) must be taken over when the bot comes back, not left until the claim goes stale.
An owner names its machine (host name and PID namespace: two containers may share a host
name, never a PID namespace unless they share their pids too), its process id and a token
drawn when the process started, so a later process can tell on the same machine that the
holder is gone:

- the holder's pid no longer exists; or
- the holder's pid is our own with another token: our predecessor had the same pid, as a
  container's PID 1 always does.

On another machine, or when the pid is alive (perhaps reused by something else), nobody can
tell: only the claim's age decides (`stale_after` in the store).
"""

from __future__ import annotations

import os
import secrets
import socket

_TOKEN = secrets.token_hex(4)


def _machine() -> str:
    """Where pids mean the same thing: the host name, and the PID namespace on Linux."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
    except OSError:
        namespace = ""
    digits = "".join(ch for ch in namespace if ch.isdigit())
    return f"{socket.gethostname()}#{digits}"


def this_process() -> str:
    """This process's name as a ledger owner: `host#pidns:pid:token`."""
    return f"{_machine()}:{os.getpid()}:{_TOKEN}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, as another user's process
        return True
    except OSError:
        return True  # not ours to judge: wait for the claim to go stale
    return True


def is_gone(owner: str) -> bool:
    """True only when `owner` is certainly a dead process of this machine."""
    machine, _, rest = owner.partition(":")
    pid_text, _, token = rest.partition(":")
    if machine != _machine() or not pid_text.isdigit() or not token:
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return token != _TOKEN
    return pid > 0 and not _pid_alive(pid)
