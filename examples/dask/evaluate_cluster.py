#!/usr/bin/python3
"""policyproof on many machines: `evaluate --batch` of one JSONL file, split
across the workers of a Dask cluster, answered as one machine would answer it.

    /usr/bin/python3 examples/dask/evaluate_cluster.py CASES.jsonl \
        [--scheduler tcp://HOST:8786 | --local-workers N] [--chunk-lines 200000] \
        [--policy ID|FILE] [--binary PATH] [--jobs K] > results.jsonl

Every worker runs `policyproof evaluate --batch - --jobs K` on its chunks (the
binary at --binary on each machine: install the same build everywhere). The
output is the same bytes, line for line, as `policyproof evaluate --batch
CASES.jsonl` on one machine: results in input order, a bad line's error on
that line with its global line number and the file's name, on stderr too,
and exit 2 when any line was bad. A chunk answered under another policy (its
sha256 differs from the one this machine's binary reports: a worker with
another build or policy file) fails the run, exit 1, rather than mix answers.

With `--diff A B`, each chunk goes through `policyproof diff A B --cases -
--format json` instead (which cases flip between two policies or versions,
by region), and the chunks' counts and line numbers are added up: the JSON
is the one `policyproof diff A B --cases CASES.jsonl --format json` prints.

Debian 12: `apt-get install python3-distributed` (the system python3). A
cluster of machines: `dask-scheduler` on one, `dask-worker tcp://HOST:8786` on
each, then this script with `--scheduler tcp://HOST:8786`.
"""
import argparse
import json
import os
import re
import subprocess
import sys


def run_chunk(binary, policy, jobs, data):
    """One chunk through `evaluate --batch -` on this worker: (exit, stdout, stderr)."""
    cmd = [binary, "evaluate", "--batch", "-", "--jobs", str(jobs)]
    if policy:
        cmd += ["--policy", policy]
    p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def run_diff_chunk(binary, a, b, max_lines, data):
    """One chunk through `diff A B --cases - --format json`: (exit, stdout, stderr)."""
    cmd = [binary, "diff", a, b, "--cases", "-", "--format", "json", "--max-lines", str(max_lines)]
    p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def merge_cases(parts, name, max_lines):
    """The `cases` objects of consecutive chunks ((line offset, cases) each)
    as one run over the whole file would write it."""
    out = {"file": name}
    for key in ("total", "approved_a", "approved_b", "undetermined", "a_only", "b_only", "scope"):
        out[key] = sum(c.get(key, 0) for _, c in parts)
    def add(into, offset, flips):
        into["count"] += flips["count"]
        into["lines"] += [n + offset for n in flips["lines"]]

    def flips(m):
        lines = m["lines"][:max_lines]
        return {"count": m["count"], "lines": lines, "lines_complete": len(lines) == m["count"]}

    regions, pairs, other = {}, {}, {"count": 0, "lines": []}
    for offset, c in parts:
        for r in c["by_region"]:
            add(regions.setdefault(r["region"], {"count": 0, "lines": []}), offset, r["flips"])
        for r in c["by_pair"]:
            add(pairs.setdefault(tuple(r["regions"]), {"count": 0, "lines": []}), offset, r["flips"])
        add(other, offset, c["other"])
    out["by_region"] = [{"region": k, "flips": flips(regions[k])} for k in sorted(regions)]
    out["by_pair"] = [{"regions": list(k), "flips": flips(pairs[k])} for k in sorted(pairs)]
    out["other"] = flips(other)
    return out


def diff_main(a, client, name):
    """--diff A B: the chunks' flips added up, as one `diff --cases` run."""
    futures = []
    for start, data in chunks(a.cases, a.chunk_lines):
        [held] = client.scatter([data])
        futures.append((start, client.submit(run_diff_chunk, a.binary, a.diff[0], a.diff[1], a.max_lines, held, pure=False)))
    first, parts, status = None, [], 0
    for start, fut in futures:
        code, stdout, stderr = fut.result()
        if code not in (0, 1) or not stdout:
            sys.stderr.write("evaluate_cluster: diff failed on lines %d..: %s\n" % (start + 1, stderr.decode().strip()))
            return 2 if code == 2 else 1
        j = json.loads(stdout)
        if first is None:
            first = j
        elif (j["old"], j["new"], j["regions"]) != (first["old"], first["new"], first["regions"]):
            sys.stderr.write("evaluate_cluster: a worker compared other policies on lines %d.. (another build or policy file)\n" % (start + 1))
            return 1
        parts.append((start, j["cases"]))
        status = max(status, code)
    if first is None:
        sys.stderr.write("evaluate_cluster: %s: no cases\n" % name)
        return 2
    first["cases"] = merge_cases(parts, name, a.max_lines)
    sys.stdout.write(json.dumps(first, separators=(",", ":"), ensure_ascii=False) + "\n")
    return status


def chunks(path, lines_per_chunk):
    """(first line number - 1, bytes) of consecutive runs of lines."""
    with open(path, "rb") as f:
        buf, n, start = [], 0, 0
        for line in f:
            buf.append(line)
            n += 1
            if len(buf) == lines_per_chunk:
                yield start, b"".join(buf)
                start, buf = n, []
        if buf:
            yield start, b"".join(buf)


STDIN_AT = re.compile(rb"^<stdin>:(\d+):")


def renumber(line, offset, name):
    """A result or stderr line of a chunk as the whole file's: `<stdin>:N:` is
    `NAME:N+offset:`, an error result's "line" is N+offset."""
    if line.startswith(b'{"line":'):
        obj = json.loads(line)
        obj["line"] += offset
        obj["error"] = STDIN_AT.sub(lambda m: b"%s:%d:" % (name, int(m.group(1)) + offset), obj["error"].encode()).decode()
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
    return STDIN_AT.sub(lambda m: b"%s:%d:" % (name, int(m.group(1)) + offset), line)


POLICY_SHA = re.compile(rb'"policy":\{[^}]*"sha256":"([0-9a-f]{64})"')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", help="a JSONL file of cases, one per line")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://HOST:8786)")
    ap.add_argument("--local-workers", type=int, default=2, help="without --scheduler: a local cluster of N worker processes")
    ap.add_argument("--chunk-lines", type=int, default=200000, help="cases per task")
    ap.add_argument("--policy", default="", help="as the CLI's --policy (a bundled id, or a file present on every worker)")
    ap.add_argument("--binary", default="policyproof", help="the policyproof binary on the workers")
    ap.add_argument("--jobs", type=int, default=1, help="threads per task (--jobs of evaluate --batch)")
    ap.add_argument("--diff", nargs=2, metavar=("A", "B"), help="diff A B --cases instead: the flips between two policies")
    ap.add_argument("--max-lines", type=int, default=1000, help="with --diff: line numbers kept per region (as diff's)")
    a = ap.parse_args()
    if a.chunk_lines < 1:
        ap.error("--chunk-lines: expected a positive number")

    from dask.distributed import Client, LocalCluster  # imported late: --help works without Dask

    if a.diff:
        cluster = None
        if a.scheduler:
            client = Client(a.scheduler)
        else:
            cluster = LocalCluster(n_workers=a.local_workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        try:
            return diff_main(a, client, os.path.basename(a.cases))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    # The policy this machine would answer under: every chunk must carry it.
    probe = subprocess.run([a.binary, "evaluate", "--batch", "-"] + (["--policy", a.policy] if a.policy else []),
                           input=b'{"case_id":"probe"}\n', stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    m = POLICY_SHA.search(probe.stdout)
    if not m:
        sys.stderr.write("evaluate_cluster: %s could not evaluate a probe case: %s\n" % (a.binary, probe.stderr.decode().strip()))
        return 1
    expected_sha = m.group(1)

    cluster = None
    if a.scheduler:
        client = Client(a.scheduler)
    else:
        cluster = LocalCluster(n_workers=a.local_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    name = os.fsencode(a.cases)
    status = 0
    out = sys.stdout.buffer
    try:
        futures = []
        for start, data in chunks(a.cases, a.chunk_lines):
            [held] = client.scatter([data])  # the chunk's bytes go to a worker once, not through the task graph
            futures.append((start, client.submit(run_chunk, a.binary, a.policy, a.jobs, held, pure=False)))
        for start, fut in futures:  # in input order
            code, stdout, stderr = fut.result()
            if code not in (0, 2):
                sys.stderr.write("evaluate_cluster: a worker failed on lines %d..: %s\n" % (start + 1, stderr.decode().strip()))
                return 1
            for sha in set(POLICY_SHA.findall(stdout)):
                if sha != expected_sha:
                    sys.stderr.write("evaluate_cluster: a worker answered lines %d.. under policy sha256 %s, not %s "
                                     "(another build or policy file on that machine)\n" % (start + 1, sha.decode(), expected_sha.decode()))
                    return 1
            for line in stdout.splitlines(keepends=True):
                out.write(renumber(line.rstrip(b"\n"), start, name) + b"\n")
            for line in stderr.splitlines():
                sys.stderr.buffer.write(renumber(line, start, name) + b"\n")
            status = max(status, code)
        out.flush()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
