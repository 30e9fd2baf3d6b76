#pragma once

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QTableView;
QT_END_NAMESPACE

namespace afcgi::monitor {
struct Tick;
}

namespace afcgi::gui {

class ChannelModel;
class MonitorClient;

// The Channels tab: the publish/subscribe hub's channels (subscribers, messages/s, messages,
// last id), busiest first, fed by the client's ticks; a line above says when the service runs
// without the hub or left channels out.
class ChannelsPage final : public QWidget
{
    Q_OBJECT
public:
    explicit ChannelsPage(MonitorClient *client, QWidget *parent = nullptr);

    ChannelModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QString noteText() const;

    void applyTick(const afcgi::monitor::Tick &tick);
    void clear(); // a new stream (hello) or a lost connection: nothing known

private:
    void updateNote();

    enum class Hub { Unknown, Off, On };
    ChannelModel *m_model;
    QTableView *m_view;
    QLabel *m_note;
    Hub m_hub = Hub::Unknown;
};

} // namespace afcgi::gui
