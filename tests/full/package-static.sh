#!/usr/bin/env bash
# The release tarball (canadian-package's static toolchain) passes the same
# user-level checks as the CI tier's tarball: tests/cross/package.sh on it.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
exec "$TOP/tests/cross/package.sh" "$TOP/out/aarch64/cross-compiler-aarch64.tar.xz"
