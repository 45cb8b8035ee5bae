#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The library as a consumer links it: the public header, the shared
# library, only pmf_ symbols exported; then tests/lib-api.c on real images.
. "$PMF_SRC/tests/lib.sh"

lib="$PMF_BUILD/libpmemfail/.libs/libpmemfail.so"
[ -f "$lib" ] || pmf_fail "no shared library at $lib"
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | grep -v '^pmf_' || true)
[ -z "$exported" ] || pmf_fail "exports more than pmf_*: $(echo $exported | head -c 300)"

# Build flags of the tree under test (sanitizers included).
cflags="$(sed -n 's/^CFLAGS = //p' "$PMF_BUILD/Makefile") $(sed -n 's/^PMF_SAN_FLAGS = //p' "$PMF_BUILD/Makefile")"
# shellcheck disable=SC2086
cc $cflags -Wall -Wextra -Werror -I"$PMF_SRC/include" "$PMF_SRC/tests/lib-api.c" \
	-L"$(dirname "$lib")" -lpmemfail -Wl,-rpath,"$(dirname "$lib")" \
	-o "$TMP/lib-api" || pmf_fail "cannot build against libpmemfail"

pmf_mkfs "$TMP/a.img" 800M "$TMP/a.log" 80M -- -m rmapbt=1,reflink=1
pmf_mkfs "$TMP/b.img" 800M "$TMP/b.log" 80M -- -m rmapbt=1
"$TMP/lib-api" "$TMP/a.img" "$TMP/a.log" "$TMP/b.log" || pmf_fail "lib-api failed"
