module ledger.invalid/interop/goverify

go 1.19

// golang.org/x/mod is taken from the Debian package golang-golang-x-mod-dev,
// never from the network: build with GOPROXY=off (see ../build.sh).
require golang.org/x/mod v0.7.0

replace golang.org/x/mod => /usr/share/gocode/src/golang.org/x/mod
