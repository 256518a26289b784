# before-after.jq: one markdown row per icount figure, nimbus-cloud and
# debian-cloud of two path benchmark runs: the current one (input) and an
# earlier one ($b[0], --slurpfile b EARLIER.json). Usage in
# benchmarks/paths/latest/before-after.md.
def m(doc; n): doc.kernels[] | select(.name == n) | .icount_runs[0].metrics;
def r(x): x * 1000 | round / 1000;
m($b[0]; "nimbus-cloud") as $nb | m($b[0]; "debian-cloud") as $db |
m(.; "nimbus-cloud") as $na | m(.; "debian-cloud") as $da |
$na | keys[] | select(startswith("perfstat") | not) | select($nb[.] and $db[.] and $da[.]) | . as $k |
"| \($k) | \($na[$k].unit) | \($nb[$k].value | round) | \($na[$k].value | round) | " +
"\(($na[$k].value / $nb[$k].value - 1) * 1000 | round / 10)% | \(r($nb[$k].value / $db[$k].value)) | " +
"\(r($na[$k].value / $da[$k].value)) | \($db[$k].value | round) | \($da[$k].value | round) |"
