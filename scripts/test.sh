#!/usr/bin/env bash
# Runs Yun's whole test suite on a fresh machine: installs what the tests
# need (the official FC Node SDK from npm), builds, vets and runs every Go
# test, end-to-end suites included, under the race detector.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== installing test dependencies"
(cd tests/sdk && npm ci --no-audit --no-fund --loglevel=error)

echo "== go vet"
go vet ./...

echo "== go test"
export YUN_TEST_REQUIRE_SDK=1
go test -race -count=1 -timeout 20m ./...
