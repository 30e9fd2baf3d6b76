#pragma once

#include <QLoggingCategory>

namespace afcgi::gui {
Q_DECLARE_LOGGING_CATEGORY(lcClient)
Q_DECLARE_LOGGING_CATEGORY(lcWindow)
} // namespace afcgi::gui
