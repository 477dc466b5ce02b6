#!/usr/bin/env bash
# Runs every example command of README.md's code blocks (lines starting with
# `$P ` or `policyproof `) against the built binary, in a scratch folder
# where the README's placeholder files exist: a renamed option, a moved file
# or an example that no longer works fails here. Commands that do not end
# (serve) or are templates (`[--policy FILE]`) are skipped, and said so.
# Exit codes 0 and 1 (a denial, a violated property, differences found) are
# answers; 2 and above mean the example is broken.
# Usage: tests/docs/readme_examples.sh BINARY SOURCE_DIR
set -uo pipefail
bin=$(realpath "$1")
src=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
ln -s "$src/model" model
ln -s "$src/docs" docs
ln -s "$src/tests" tests
# The placeholders the examples name.
cp "$src/model/policies/example-case.json" case.json
cp "$src/model/policies/example-case.json" a.json
cp "$src/tests/golden/explain/active-infection.case.json" b.json
cp "$src/model/policies/cmm-607.yaml" my-edited-cmm-607.yaml
cp "$src/model/policies/cmm-607.properties.yaml" my.properties.yaml
cp "$src/tests/policies/cmm-607-base.yaml" old.yaml
cp "$src/tests/policies/cmm-607-t4-allowed.yaml" new.yaml
cp "$src/tests/policies/cmm-607-t4-allowed.yaml" draft.yaml
cp "$src/tests/policies/cmm-607-base.yaml" v1.yaml
cp "$src/tests/policies/cmm-607-t4-allowed.yaml" v2.yaml
"$bin" generate --count 300 --seed 7 > cases.jsonl

ran=0 failed=0 skipped=0
# The examples, in README order, from inside ``` blocks only.
mapfile -t lines < <(awk '/^```[A-Za-z0-9_-]*[[:space:]]*$/{inb=!inb; next} inb' "$src/README.md" | sed -n -E 's/^ *(\$P |policyproof )/\1/p')
for line in "${lines[@]}"; do
  cmd=$(sed -E 's/[[:space:]]+#[[:space:]].*$//; s/[[:space:]]+$//' <<<"$line")
  case "$cmd" in
    *serve*|*'['*|*'\'|*'...'*) echo "skipped (does not end, or a template): $cmd"; skipped=$((skipped + 1)); continue ;;
  esac
  cmd=${cmd/#\$P /policyproof }
  cmd=${cmd//--count 100000/--count 300}   # a large corpus is not the point here
  ran=$((ran + 1))
  out=$(PATH="$(dirname "$bin"):$PATH" bash -c "$cmd" 2>&1 >/dev/null)
  code=$?
  if [ "$code" -ge 2 ]; then
    echo "FAILED (exit $code): $cmd"
    echo "$out" | head -5 | sed 's/^/    /'
    failed=$((failed + 1))
  fi
done
echo "$ran README examples run, $failed failed, $skipped skipped"
[ "$ran" -ge 30 ] || { echo "expected at least 30 examples in README.md; found $ran"; exit 1; }
[ "$failed" -eq 0 ]
