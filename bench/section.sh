# shellcheck shell=bash
# put_section FILE NAME CONTENT: bench/results.md holds both benchmarks' reports, each between
# `<!-- BEGIN NAME -->` and `<!-- END NAME -->`; this writes the file CONTENT as NAME's section of
# FILE in place of the old one and keeps the rest (a missing FILE or section: added at the end).
put_section() {
    local file=$1 name=$2 content=$3 tmp
    tmp="$(mktemp "${file}.XXXXXX")"
    touch "$file"
    awk -v b="<!-- BEGIN $name -->" -v e="<!-- END $name -->" -v c="$content" '
        function section(  line) {
            print b
            while ((getline line < c) > 0) print line
            print e
            done = 1
        }
        $0 == b { section(); skip = 1; next }
        $0 == e { skip = 0; next }
        !skip { print }
        END { if (!done) { if (NR > 0) print ""; section() } }
    ' "$file" >"$tmp"
    mv "$tmp" "$file"
}
