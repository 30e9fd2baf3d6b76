#pragma once

#include "notesstore.h"

#include <afcgi/handler.h>

#include <QString>

#include <memory>

// A JSON notes service under a prefix (here "/notes"):
//   GET    /notes       → 200 [{"id":1,"text":"..."}, ...]
//   POST   /notes       {"text":"..."} → 201 {"id":2,"text":"..."}
//   GET    /notes/2     → 200 {"id":2,"text":"..."}, or 404
//   DELETE /notes/2     → 204, or 404
// Other methods: 405. A body that is not {"text": a string} or above 64 KiB: 400 / 413.
class NotesHandler final : public afcgi::Handler
{
public:
    NotesHandler(QString prefix, std::shared_ptr<NotesStore> store);
    void handle(afcgi::Request *request) override;

private:
    void create(afcgi::Request *request);

    QString m_prefix;
    std::shared_ptr<NotesStore> m_store;
};
