#pragma once
// AFCGI_TEST_STRICT=1 (.ci/run sets it): whatever a test needs and does not find here (a front
// end, a tool, a transport, root) fails the test instead of skipping it, so that a machine that
// is meant to have everything cannot pass by skipping. Not the CI variable: hosted CI services
// set CI=true everywhere, also on systems where the front ends are not there to install.

#include <QString>

namespace fixtures {

inline bool strictMode()
{
    return qEnvironmentVariable("AFCGI_TEST_STRICT") == QLatin1String("1");
}

} // namespace fixtures
