#pragma once

#include <QHash>
#include <QList>

#include <optional>
#include <utility>

namespace afcgi {

// A connection's table keyed by FastCGI request id, sized for the common case. Behind nginx a
// connection carries one request at a time: that one entry lives inline and costs no
// allocation (a QHash takes about 1.2 to 3 KB on its first insert). A second id at once (HAProxy
// multiplexing) moves everything into a QHash, which the map then keeps for good, so a
// multiplexed connection stays O(1) per lookup and allocates no more once its table has grown.
// Pointers returned by find() and insert() stay valid until the next insert() or removal.
template <typename T>
class RequestIdMap
{
public:
    qsizetype size() const { return m_spilled ? m_many.size() : (m_one ? 1 : 0); }
    bool isEmpty() const { return size() == 0; }
    bool contains(quint16 id) const { return find(id) != nullptr; }

    T *find(quint16 id)
    {
        return const_cast<T *>(std::as_const(*this).find(id));
    }
    const T *find(quint16 id) const
    {
        if (m_spilled) {
            const auto it = m_many.constFind(id);
            return it == m_many.constEnd() ? nullptr : &it.value();
        }
        return (m_one && m_oneId == id) ? &*m_one : nullptr;
    }
    // The value for `id`, or a default-constructed one when there is none.
    T value(quint16 id) const
    {
        const T *found = find(id);
        return found ? *found : T();
    }

    // Inserts or replaces.
    T &insert(quint16 id, T value)
    {
        if (!m_spilled) {
            if (!m_one || m_oneId == id) {
                m_oneId = id;
                m_one = std::move(value);
                return *m_one;
            }
            m_spilled = true;
            m_many.insert(m_oneId, std::move(*m_one));
            m_one.reset();
        }
        return *m_many.insert(id, std::move(value));
    }

    std::optional<T> take(quint16 id)
    {
        if (m_spilled) {
            const auto it = m_many.find(id);
            if (it == m_many.end())
                return std::nullopt;
            std::optional<T> taken(std::move(it.value()));
            m_many.erase(it); // erased, never clear()ed: the table keeps its storage
            return taken;
        }
        if (!m_one || m_oneId != id)
            return std::nullopt;
        return std::exchange(m_one, std::nullopt);
    }
    bool remove(quint16 id) { return take(id).has_value(); }

    // f(quint16 id, T &value) for each entry, in no particular order; f must not insert or remove.
    template <typename F>
    void forEach(F &&f)
    {
        if (m_spilled) {
            for (auto it = m_many.begin(); it != m_many.end(); ++it)
                f(it.key(), it.value());
        } else if (m_one) {
            f(m_oneId, *m_one);
        }
    }
    template <typename F>
    void forEach(F &&f) const
    {
        if (m_spilled) {
            for (auto it = m_many.cbegin(); it != m_many.cend(); ++it)
                f(it.key(), it.value());
        } else if (m_one) {
            f(m_oneId, *m_one);
        }
    }

    QList<quint16> keys() const
    {
        if (m_spilled)
            return m_many.keys();
        return m_one ? QList<quint16>{m_oneId} : QList<quint16>();
    }

private:
    std::optional<T> m_one; // the only entry while !m_spilled
    QHash<quint16, T> m_many; // every entry once m_spilled; allocates nothing until then
    quint16 m_oneId = 0;
    bool m_spilled = false;
};

} // namespace afcgi
