#include <afcgi/handler.h>

namespace afcgi {

// Out of line: the vtable and type information live in the library, once.
Handler::~Handler() = default;

} // namespace afcgi
