#!/usr/bin/env bash
# Writes the benchmark workloads: specs of 10, 100 and 1,000 operations (2, 20, 200 resources x
# list/create/read/update/delete, 4 fields each), and each spec plus one more resource (for the
# "generate after adding one resource" case). Deterministic; the outputs are checked in.
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)/specs"
mkdir -p "$out"
resource() {
    printf '  res%03d:\n    fields:\n' "$1"
    printf '      title: { type: string, required: true, max_length: 200 }\n'
    printf '      count: { type: integer, min: 0, max: 100000 }\n'
    printf '      done: { type: boolean }\n'
    printf '      tags: { type: array, items: string, max_items: 10 }\n'
    printf '    operations: [list, create, read, update, delete]\n'
}
for n in 2 20 200; do
    ops=$((n * 5))
    {
        printf '# Benchmark workload: %d resources x 5 CRUD operations = %d operations (bench/make-specs.sh).\n' "$n" "$ops"
        printf 'name: bench-%d\ntarget: netlify\nauth:\n  provider: netlify-identity\nresources:\n' "$ops"
        for ((i = 0; i < n; i++)); do resource "$i"; done
    } >"$out/ops-$ops.yaml"
    { cat "$out/ops-$ops.yaml"; resource "$n"; } >"$out/ops-$ops-plus-one.yaml"
done
echo "wrote $(ls "$out" | wc -l) specs to $out"
