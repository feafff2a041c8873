#!/bin/sh
# The ops tests run Prometheus' own tools: promtool (check rules, test rules, check metrics) and a Prometheus
# server. mvn verify runs this script first (pom.xml, exec-maven-plugin in generate-test-resources): when either
# tool is missing it installs Debian's prometheus package, which brings both. Where it cannot (not root, no
# apt-get), it says so and ends well: the ops tests then fail with one line saying what to install.
if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-prometheus: promtool or prometheus is missing and this is not root with apt-get:" \
        "install Debian's prometheus package (apt-get install prometheus); the ops tests fail until then"
    exit 0
fi
echo "install-prometheus: installing Debian's prometheus package (promtool and the server)"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends prometheus \
    || { apt-get update && apt-get install -y --no-install-recommends prometheus; } \
    || echo "install-prometheus: apt-get install prometheus failed; the ops tests fail until it is installed"
exit 0
