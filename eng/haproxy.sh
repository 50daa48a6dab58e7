#!/usr/bin/env bash
# Makes sure Debian's HAProxy is at /usr/sbin/haproxy for the multi-replica test (tests/Ferry.Cli.Tests/Cluster), which
# writes its own configuration on a free loopback port and starts and stops HAProxy itself.
set -euo pipefail
if [ -x /usr/sbin/haproxy ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "haproxy is missing and this user cannot apt-get install it (the multi-replica test needs /usr/sbin/haproxy)" >&2
  exit 1
fi
echo "installing Debian's haproxy for the multi-replica test..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# Only the binary is wanted: policy-rc.d keeps the package from starting its own service.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends haproxy >&2
/usr/sbin/haproxy -v >&2
