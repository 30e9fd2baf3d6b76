#pragma once
// The cuts that feed an input of `size` bytes (or characters) one at a time: what the parser
// suites' oneByteAtATime() rows hand to their feed-in-pieces helpers.

#include <QList>
#include <QtGlobal>

inline QList<qsizetype> everyByte(qsizetype size)
{
    QList<qsizetype> cuts;
    for (qsizetype i = 1; i < size; ++i)
        cuts.append(i);
    return cuts;
}
