#!/bin/sh
# examples/dask/evaluate_cluster.py on a local Dask cluster of two worker
# processes (CTest label `dask`): the same bytes as `evaluate --batch` on one
# machine, bad lines included; a worker answering under another policy fails
# the run. Skips, with one line and exit code 77, without python3-distributed
# (`./setup.sh test` installs it).
# Usage: tests/dask/run.sh PATH/TO/policyproof SOURCE_DIR
set -u
bin=$1
src=$2
py=/usr/bin/python3
$py -c "import distributed" 2>/dev/null || { echo "SKIP dask: python3-distributed is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail() { echo "FAIL dask: $*"; exit 1; }

"$bin" generate --count 3000 --seed 11 --unknown-rate 0.1 > cases.jsonl || fail "generate"
sed -i '17s/.*/not json/; 2500s/.*/{"pain": {"duration_weeks": -1}}/; 900s/.*//' cases.jsonl
"$bin" evaluate --batch cases.jsonl > one.out 2> one.err
[ $? -eq 2 ] || fail "evaluate --batch: expected exit 2 (two bad lines)"
$py "$src/examples/dask/evaluate_cluster.py" cases.jsonl --chunk-lines 400 --binary "$bin" > many.out 2> many.err
rc=$?
[ $rc -eq 2 ] || { cat many.err; fail "evaluate_cluster: exit $rc, expected 2"; }
cmp -s one.out many.out || fail "results differ from evaluate --batch (diff one.out many.out)"
grep -v '^$' many.err | grep -v -i warn | grep -v '^ ' > many.err.lines
cmp -s one.err many.err.lines || { diff one.err many.err.lines; fail "stderr differs from evaluate --batch"; }
[ "$(wc -l < many.out)" -eq 3000 ] || fail "expected 3000 result lines (a blank line has its error line)"

# L34106 too, by its id on the workers
"$bin" generate --count 500 --seed 5 --policy L34106 > l.jsonl || fail "generate --policy L34106"
"$bin" evaluate --batch l.jsonl --policy L34106 > l.one || fail "evaluate --policy L34106"
$py "$src/examples/dask/evaluate_cluster.py" l.jsonl --policy L34106 --chunk-lines 100 --binary "$bin" > l.many 2>/dev/null || fail "cluster --policy L34106"
cmp -s l.one l.many || fail "L34106 results differ"

# diff A B --cases across the cluster: the same JSON as one `diff --cases` run
# (counts added up, line numbers offset, at most --max-lines kept per region)
"$bin" generate --count 1500 --seed 3 --all-facts > d1.jsonl || fail "generate --all-facts"
"$bin" generate --count 1500 --seed 9 --all-facts --policy L34106 >> d1.jsonl || fail "generate L34106"
"$bin" diff CMM-607 L34106 --cases d1.jsonl --format json --max-lines 40 > diff.one || fail "diff --cases"
$py "$src/examples/dask/evaluate_cluster.py" d1.jsonl --diff CMM-607 L34106 --chunk-lines 350 --max-lines 40 \
  --binary "$bin" > diff.many 2>/dev/null || fail "cluster --diff"
cmp -s diff.one diff.many || fail "diff --cases across the cluster differs from one run (diff diff.one diff.many)"

# A worker whose binary answers under another reading (another policy sha256)
# is refused: exit 1, naming the lines.
cat > other.sh <<SH
#!/bin/sh
# the probe (this machine) as built; the workers under another reading
if [ -e "$tmp/probed" ]; then exec "$bin" "\$@" --reading AMB.six_months=twenty_six_weeks; fi
touch "$tmp/probed"; exec "$bin" "\$@"
SH
chmod +x other.sh
$py "$src/examples/dask/evaluate_cluster.py" cases.jsonl --chunk-lines 1000 --binary "$tmp/other.sh" > bad.out 2> bad.err
rc=$?
[ $rc -eq 1 ] || fail "a worker under another policy: exit $rc, expected 1"
grep -q "under policy sha256" bad.err || fail "the refusal names the policy sha256: $(cat bad.err)"
echo "dask: evaluate --batch and diff --cases on 2 workers give one machine's bytes; another policy refused"
