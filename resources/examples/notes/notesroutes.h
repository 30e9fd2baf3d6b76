#pragma once

#include "notesstore.h"

#include <afcgi/router.h>

#include <QByteArray>

#include <memory>

// The notes service's routes, relative to where its router is mounted (here /notes):
//   GET    /                  200 [{"id":1,"title":"...","text":"..."}, ...]
//   POST   /                  {"title":"...","text":"..."} -> 201 the note; 400 without a title
//   GET    /{id}              200 the note, or 404
//   PUT    /{id}              {"text":"..."} -> 200 the changed note, or 404
//   DELETE /{id}              204, or 404
//   POST   /{id}/attachment   multipart/form-data, one file part (and a "caption" field) ->
//                             201 {"size", "sha256", "caption"}, the file kept beside the notes
//   GET    /{id}/attachment   the file, sent by the front end through X-Accel-Redirect under
//                             `accelPrefix`; with ?direct=1 streamed by afcgi (Range works)
//   GET    /prefs?theme=dark  sets the "theme" cookie; answers what the request's cookie was
// Every answer carries an X-Request-Id header (a middleware). A wrong method gets 405 with Allow,
// HEAD is answered from GET, a malformed JSON body or query 400 with the reason.
struct NotesOptions
{
    QByteArray accelPrefix = "/protected/"; // the front end's internal location for the directory
};

void addNotesRoutes(afcgi::Router &router, std::shared_ptr<NotesStore> store, NotesOptions options = {});
