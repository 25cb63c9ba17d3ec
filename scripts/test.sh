#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for the test suite and runs every test:
# installs the Debian packages the integration tests start themselves (scripts/install-test-packages.sh:
# dockerd, PostgreSQL, Redis, a static busybox for locally built images, chromium + chromium-driver for
# the browser test, an image registry), then `mvn verify` (unit tests by Surefire, integration tests *IT by Failsafe). Extra
# arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-packages.sh

exec mvn -B verify "$@"
