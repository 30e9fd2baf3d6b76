#include "logging.h"

namespace afcgi::gui {
Q_LOGGING_CATEGORY(lcClient, "afcgi.gui.client", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWindow, "afcgi.gui.window", QtInfoMsg)
} // namespace afcgi::gui
