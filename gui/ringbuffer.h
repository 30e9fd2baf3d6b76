#pragma once

#include <QList>
#include <QtGlobal>

namespace afcgi::gui {

// A fixed-capacity FIFO: push() drops the oldest item once full. Index 0 is the oldest item.
// The storage grows up to the capacity and is then reused in place, so a full ring never
// allocates or moves its items.
template<typename T>
class RingBuffer
{
public:
    explicit RingBuffer(qsizetype capacity) : m_capacity(qMax<qsizetype>(1, capacity)) {}

    qsizetype size() const { return m_size; }
    qsizetype capacity() const { return m_capacity; }
    bool isEmpty() const { return m_size == 0; }
    bool isFull() const { return m_size == m_capacity; }

    const T &at(qsizetype i) const { return m_items.at(physical(i)); }
    T &operator[](qsizetype i) { return m_items[physical(i)]; }
    const T &last() const { return at(m_size - 1); }

    void push(T item)
    {
        if (isFull()) {
            m_items[m_head] = std::move(item);
            m_head = (m_head + 1) % m_capacity;
            return;
        }
        // While the storage is still growing the ring has never wrapped, so the next slot is
        // either the first one past the storage (append) or a slot freed by dropOldest().
        const qsizetype p = (m_head + m_size) % m_capacity;
        if (p == m_items.size())
            m_items.append(std::move(item));
        else
            m_items[p] = std::move(item);
        ++m_size;
    }

    void dropOldest(qsizetype n)
    {
        n = qBound<qsizetype>(0, n, m_size);
        m_head = (m_head + n) % m_capacity;
        m_size -= n;
        if (m_size == 0)
            clear();
    }

    void clear()
    {
        m_items.clear();
        m_head = 0;
        m_size = 0;
    }

    // Keeps the newest items that fit.
    void setCapacity(qsizetype capacity)
    {
        capacity = qMax<qsizetype>(1, capacity);
        QList<T> items;
        const qsizetype keep = qMin(m_size, capacity);
        items.reserve(keep);
        for (qsizetype i = m_size - keep; i < m_size; ++i)
            items.append(at(i));
        m_items = std::move(items);
        m_capacity = capacity;
        m_head = 0;
        m_size = keep;
    }

private:
    qsizetype physical(qsizetype i) const
    {
        Q_ASSERT(i >= 0 && i < m_size);
        return (m_head + i) % m_capacity;
    }

    QList<T> m_items;
    qsizetype m_capacity;
    qsizetype m_head = 0; // physical index of the oldest item
    qsizetype m_size = 0;
};

} // namespace afcgi::gui
