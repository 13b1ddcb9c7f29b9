#!/usr/bin/env bash
# image-size.sh: build the toolbox image (linux/amd64 and linux/arm64) and print its
# compressed size per architecture; exit non-zero when one is over the 5 MiB budget.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec go test -run '^$' -bench '^BenchmarkImageSize$' -benchtime 1x -timeout 30m ./images/build
