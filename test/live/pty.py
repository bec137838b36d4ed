# Runs a command on a pseudo-terminal of a given size, as a user's terminal would (used by
# test/live/pty.ts). Usage: pty.py COLS ROWS TRIGGER SEND TIMEOUT -- CMD ARGS...
# When TRIGGER (a text) appears in the output, SEND is written to the terminal (e.g. "\x03" for
# Ctrl-C, which the terminal turns into SIGINT). Prints the transcript (base64) and exits with
# the command's exit code (128+N for signal N; 124 when TIMEOUT seconds pass; then it is killed).
import base64, fcntl, os, select, signal, struct, sys, termios, time

cols, rows, trigger, send, timeout = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
cmd = sys.argv[7:]
master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    os.close(master)
    os.execvp(cmd[0], cmd)
os.close(slave)
out = b''
sent = not trigger
deadline = time.time() + timeout
status = None
while True:
    r, _, _ = select.select([master], [], [], 0.1)
    if r:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b''
        if data:
            out += data
            # Bounded: a child that loops writing must not fill the memory.
            out = out[-2_000_000:]
        if not sent and trigger.encode() in out:
            time.sleep(0.2)
            os.write(master, send.encode().decode('unicode_escape').encode('latin-1'))
            sent = True
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        # drain what is left
        while True:
            r, _, _ = select.select([master], [], [], 0.2)
            if not r:
                break
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
        break
    if time.time() > deadline:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        sys.stdout.write(base64.b64encode(out[-20000:]).decode())
        sys.exit(124)
sys.stdout.write(base64.b64encode(out).decode())
if os.WIFSIGNALED(status):
    sys.exit(128 + os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
