"""Runs a command on a new pseudo-terminal and types a secret when it asks for one, as a
person at a terminal would; prints everything the terminal showed, exits with its code.

    python3 pty_type.py SECRET PROMPT_PART COMMAND [ARGS...]
"""
import os
import pty
import select
import sys
import termios
import time

secret, prompt = sys.argv[1].encode() + b"\n", sys.argv[2].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[3], sys.argv[3:])
shown, typed = b"", False
deadline = time.time() + 30
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        shown += chunk
    # A person reads the prompt and then types; the program may print its prompt a moment
    # before it switches the echo off, so wait for that (the master reads the terminal's
    # settings) rather than race it.
    if not typed and prompt in shown and not termios.tcgetattr(fd)[3] & termios.ECHO:
        os.write(fd, secret)
        typed = True
if time.time() >= deadline:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(shown)
sys.exit(os.waitstatus_to_exitcode(status))
