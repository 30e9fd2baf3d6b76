#pragma once

#include "monitorprotocol.h"

#include <QAbstractTableModel>
#include <QHash>

namespace afcgi::gui {

// The publish/subscribe hub's channels as the service's ticks list them (monitor protocol r3):
// channel, subscribers, messages/s, messages, last id. A tick's list is the whole truth for its
// moment: a channel it leaves out has gone (or fell past the service's cap, counted in dropped()).
// Rows keep their place between ticks; the view sorts.
class ChannelModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        ChannelColumn,
        SubscribersColumn,
        RateColumn,
        MessagesColumn,
        LastIdColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole };

    explicit ChannelModel(QObject *parent = nullptr);

    void clear();
    // A tick without `channels` (a service without the hub, or older than r3) changes nothing.
    void applyTick(const afcgi::monitor::Tick &tick);
    void setChannels(const QList<afcgi::monitor::ChannelGauge> &channels, qint64 dropped);

    // False until a tick has told about the hub; then whether the service runs one.
    bool hubKnown() const { return m_hubKnown; }
    qint64 dropped() const { return m_dropped; }
    int findRow(const QString &channel) const { return m_index.value(channel, -1); }
    const afcgi::monitor::ChannelGauge &channelAt(int row) const { return m_rows.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void removeMissing(const QHash<QString, int> &present);

    QList<afcgi::monitor::ChannelGauge> m_rows;
    QHash<QString, int> m_index; // channel name → row
    qint64 m_dropped = 0;
    bool m_hubKnown = false;
};

} // namespace afcgi::gui
