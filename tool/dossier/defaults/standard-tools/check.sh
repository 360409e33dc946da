#!/usr/bin/env bash
# Validates an archive's files against its schemas with two tools nobody on Customer Dossier
# wrote: check-jsonschema (Python) and ajv in strict mode (JavaScript). Run from the archive's
# root:  bash .github/standard-tools/check.sh   (in the tool's repository:  cd archive &&
# bash ../tool/dossier/defaults/standard-tools/check.sh). It needs check-jsonschema on PATH
# (pip install check-jsonschema), ajv from `npm ci` in this folder (or $AJV), and a Python
# with dossier installed ($PYTHON, else python3) to hand ajv the YAML files as JSON.
# Exit status: 0 when both tools find no error, 1 otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
AJV=${AJV:-$here/node_modules/.bin/ajv}
PYTHON=${PYTHON:-python3}
shopt -s nullglob
json=$(mktemp -d)
trap 'rm -rf "$json"' EXIT

# schema name, then the files it validates (relative to the archive's root)
checks=(
    "item|records/*/*/*.yaml daily/*/*.yaml"
    "customer|customers/*.yaml"
    "people|people.yaml"
    "access|access.yaml"
    "archive|archive.yaml"
)

# ajv-cli reads YAML with js-yaml, which makes unquoted dates Date objects: it gets the files
# as JSON, converted by dossier's own loader (python -m dossier.tojson).
status=0
for check in "${checks[@]}"; do
    name=${check%%|*}
    files=(${check#*|})
    [ "${#files[@]}" -gt 0 ] || continue
    "$PYTHON" -m dossier.tojson "$json" "${files[@]}" || status=1
    # The schemas' $id is their path under schemas/; check-jsonschema resolves a relative $id
    # against the working directory, so it runs from there.
    (cd schemas && check-jsonschema --schemafile "$name.schema.json" "${files[@]/#/../}") || status=1
    data=()
    for file in "${files[@]}"; do data+=(-d "$json/$file.json"); done
    # ajv says "<file> valid" of each good file: only the others are shown
    (cd schemas && "$AJV" validate --spec=draft2020 --strict=true --all-errors --errors=text \
        -c ajv-formats -c ./ajv-keywords.cjs -r common.schema.json -r "types/*.schema.json" \
        -s "$name.schema.json" "${data[@]}" | { grep -v ' valid$' || true; }) || status=1
done
exit "$status"
