#pragma once
// How the parser suites cut their inputs: everyByte() gives the cuts that feed an input of
// `size` bytes (or characters) one at a time, and feedInPieces() hands the pieces that cuts
// make to a parser, so that every suite feeds "whole, split anywhere and byte by byte" alike.

#include <QList>
#include <QtGlobal>

inline QList<qsizetype> everyByte(qsizetype size)
{
    QList<qsizetype> cuts;
    for (qsizetype i = 1; i < size; ++i)
        cuts.append(i);
    return cuts;
}

/// Calls `feed` with each piece of `input` between consecutive `cuts` (ascending offsets), the
/// last piece (from the last cut to the end, possibly empty) included. `View` is
/// QByteArrayView or QStringView.
template <typename View, typename Feed>
void feedInPieces(View input, const QList<qsizetype> &cuts, Feed &&feed)
{
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        feed(input.sliced(from, cut - from));
        from = cut;
    }
    feed(input.sliced(from));
}
