#include "channelmodel.h"

#include "format.h"

namespace afcgi::gui {

using monitor::ChannelGauge;

ChannelModel::ChannelModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ChannelModel::clear()
{
    m_hubKnown = false;
    m_dropped = 0;
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    endResetModel();
}

void ChannelModel::applyTick(const monitor::Tick &tick)
{
    if (tick.channels)
        setChannels(*tick.channels, tick.channelsDropped);
}

void ChannelModel::setChannels(const QList<ChannelGauge> &channels, qint64 dropped)
{
    m_hubKnown = true;
    m_dropped = dropped;
    QHash<QString, int> present; // name → position in `channels`
    present.reserve(channels.size());
    for (int i = 0; i < channels.size(); ++i)
        present.insert(channels.at(i).name, i);
    removeMissing(present);

    // Known channels change in place (one dataChanged over the rows), new ones append in one batch.
    // A name listed twice counts once, with its last entry.
    QList<ChannelGauge> appends;
    for (int i = 0; i < channels.size(); ++i) {
        const ChannelGauge &c = channels.at(i);
        if (present.value(c.name) != i)
            continue;
        const int row = m_index.value(c.name, -1);
        if (row >= 0)
            m_rows[row] = c;
        else
            appends.append(c);
    }
    const int updated = int(m_rows.size());
    if (updated > 0)
        Q_EMIT dataChanged(index(0, 0), index(updated - 1, ColumnCount - 1));
    if (!appends.isEmpty()) {
        beginInsertRows({}, updated, updated + int(appends.size()) - 1);
        for (const ChannelGauge &c : std::as_const(appends)) {
            m_index.insert(c.name, int(m_rows.size()));
            m_rows.append(c);
        }
        endInsertRows();
    }
}

void ChannelModel::removeMissing(const QHash<QString, int> &present)
{
    // From the end, one beginRemoveRows per run of neighbouring rows that went away.
    bool removed = false;
    for (int last = int(m_rows.size()) - 1; last >= 0; --last) {
        if (present.contains(m_rows.at(last).name))
            continue;
        int first = last;
        while (first > 0 && !present.contains(m_rows.at(first - 1).name))
            --first;
        beginRemoveRows({}, first, last);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
        removed = true;
        last = first;
    }
    if (removed) {
        m_index.clear();
        for (int row = 0; row < m_rows.size(); ++row)
            m_index.insert(m_rows.at(row).name, row);
    }
}

int ChannelModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ChannelModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ChannelModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ChannelGauge &c = m_rows.at(index.row());
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == ChannelColumn || index.column() == LastIdColumn)
            return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == SortRole) {
        switch (index.column()) {
        case ChannelColumn: return c.name;
        case SubscribersColumn: return c.subscribers;
        case RateColumn: return c.messagesPerSecond;
        case MessagesColumn: return c.messages;
        case LastIdColumn: return c.lastId;
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case ChannelColumn: return c.name;
    case SubscribersColumn: return format::total(c.subscribers);
    case RateColumn: return format::perSecond(c.messagesPerSecond);
    case MessagesColumn: return format::total(c.messages);
    case LastIdColumn: return c.lastId.isEmpty() ? tr("–") : c.lastId;
    }
    return {};
}

QVariant ChannelModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ChannelColumn: return tr("Channel");
    case SubscribersColumn: return tr("Subscribers");
    case RateColumn: return tr("Messages/s");
    case MessagesColumn: return tr("Messages");
    case LastIdColumn: return tr("Last id");
    }
    return {};
}

} // namespace afcgi::gui
