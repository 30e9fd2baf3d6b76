#pragma once

#include "handlers/hub/channelhistory.h"

namespace afcgi {

class Request;

// The answers of a long poll or an interval poll: JSON with the messages (or a reset, or the
// channel that was closed) and the ids to resume from, which is also the ETag, so a client can
// resume with If-None-Match as well as with ?last_id=.
//   {"last_id":"E:S","reset":"history","closed":"news",
//    "messages":[{"channel":"news","id":"E:S","event":"message","data":"..."}]}
void respondPoll(Request *request, const QByteArray &ids, const QList<HubMessage> &messages,
                 ResetReason reset, const QByteArray &closedChannel = {});
// 304 Not Modified with the same ETag: nothing new before the poll's time ran out.
void respondNotModified(Request *request, const QByteArray &ids);

} // namespace afcgi
