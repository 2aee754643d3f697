#!/usr/bin/env python3
"""Start to ready: bench/startup.py PORT STARTS BINARY [BINARY2]

Execs each binary in turn (alternating, so a busier moment of the machine hits both alike), polls GET /health/ready
on a fresh connection every millisecond from this one process (a poller that starts a curl per try adds its own
start to every sample; a Node poller's own CPU read ~13 ms more on 2 cores), stops the binary with SIGTERM at the
first 200, and prints one JSON line per binary with the median, min and max in ms and, for two binaries, how many
starts the second won. The binary runs with the caller's environment plus ASPNETCORE_URLS for PORT and a
management port beside it.
"""
import json, os, signal, socket, statistics, subprocess, sys, time

port, starts, binaries = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
env = dict(os.environ, ASPNETCORE_URLS=f"http://127.0.0.1:{port}", Management__Urls=f"http://127.0.0.1:{port + 2}")
request = b"GET /health/ready HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"


def ready():
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(request)
            return s.recv(12) == b"HTTP/1.1 200"
    except OSError:
        return False


def start_once(binary):
    t0 = time.perf_counter()
    child = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not ready():
        if child.poll() is not None:
            sys.exit(f"{binary} exited {child.returncode} before it was ready")
        time.sleep(0.001)
    ms = (time.perf_counter() - t0) * 1000
    child.send_signal(signal.SIGTERM)
    child.wait()
    time.sleep(0.2)
    return ms


times = [[] for _ in binaries]
for i in range(starts):
    order = range(len(binaries)) if i % 2 == 0 else reversed(range(len(binaries)))
    for k in order:
        times[k].append(start_once(binaries[k]))
for binary, t in zip(binaries, times):
    print(json.dumps({"binary": binary, "median_ms": round(statistics.median(t), 1), "min_ms": round(min(t), 1),
                      "max_ms": round(max(t), 1), "starts": starts}))
if len(binaries) == 2:
    print(json.dumps({"second_faster_in": sum(b < a for a, b in zip(*times)), "of": starts}))
