#!/bin/sh
# Re-extracts the two public-domain portraits from the Debian packages that ship them and checks
# them against samples/manifest.json. Needs apt-get (Debian 12 package lists) and sha256sum.
#   samples/fetch-portraits.sh          verify
#   samples/fetch-portraits.sh --write  also copy them into samples/
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download python3-skimage python-matplotlib-data >/dev/null
for deb in *.deb; do dpkg-deb -x "$deb" root; done
cp root/usr/lib/python3/dist-packages/skimage/data/astronaut.png .
cp root/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg .
status=0
for f in astronaut.png grace_hopper.jpg; do
  want=$(grep -A1 "\"file\": \"$f\"" "$here/manifest.json" | sed -n 's/.*"sha256": "\([0-9a-f]*\)".*/\1/p')
  got=$(sha256sum "$f" | cut -d' ' -f1)
  if [ "$want" = "$got" ]; then echo "ok       $f"; else echo "MISMATCH $f: manifest $want, package $got"; status=1; fi
  [ "${1:-}" = "--write" ] && [ "$want" = "$got" ] && cp "$f" "$here/$f"
done
exit $status
