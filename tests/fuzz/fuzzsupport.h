#pragma once
// Shared by the libFuzzer targets: invariant checks that abort() (libFuzzer then saves the
// input as a crash), and a deterministic way to cut an input into pieces.

#include <QByteArrayView>
#include <QtGlobal>

#include <cstdio>
#include <cstdlib>

namespace fuzz {

// An invariant of the code under test: on violation, say which and abort() so that libFuzzer
// records the input (`crash-<sha1>` in the artifact directory).
#define FUZZ_CHECK(cond)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            std::fprintf(stderr, "invariant violated at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                        \
        }                                                                                        \
    } while (false)

inline quint32 hash(QByteArrayView data) // FNV-1a
{
    quint32 h = 2166136261u;
    for (char c : data)
        h = (h ^ quint8(c)) * 16777619u;
    return h;
}

// Cuts a byte string into pieces whose sizes (1 to 2048, log-uniform) come from a small PRNG
// seeded by the bytes themselves: the same input always splits the same way, and libFuzzer's
// mutations move the cuts around.
class Splitter
{
public:
    explicit Splitter(QByteArrayView data) : m_data(data), m_state(hash(data) | 1) {}

    bool atEnd() const { return m_pos >= m_data.size(); }

    QByteArrayView nextPiece()
    {
        const qsizetype size = qMin<qsizetype>(nextSize(), m_data.size() - m_pos);
        const QByteArrayView piece = m_data.sliced(m_pos, size);
        m_pos += size;
        return piece;
    }

    qsizetype nextSize()
    {
        m_state = m_state * 1664525u + 1013904223u; // LCG: the top bits are good enough here
        const int shift = int((m_state >> 24) % 12);
        return 1 + qsizetype((m_state >> 8) & ((1u << shift) - 1));
    }

private:
    QByteArrayView m_data;
    qsizetype m_pos = 0;
    quint32 m_state;
};

} // namespace fuzz
