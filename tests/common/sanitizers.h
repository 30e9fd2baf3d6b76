#pragma once
// Whether this test is built with AddressSanitizer (scripts/sanitize.sh, preset `asan`): memory
// and speed bounds that hold for a release build do not under it (shadow memory and the
// quarantine of freed blocks raise RSS; instrumented code runs several times slower).

#if defined(__SANITIZE_ADDRESS__)
#define AFCGI_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AFCGI_UNDER_ASAN 1
#endif
#endif

#ifndef AFCGI_UNDER_ASAN
#define AFCGI_UNDER_ASAN 0
#endif
