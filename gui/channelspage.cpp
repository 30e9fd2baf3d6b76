#include "channelspage.h"

#include "channelmodel.h"
#include "format.h"
#include "monitorclient.h"
#include "tableview.h"

#include <QLabel>
#include <QTableView>

namespace afcgi::gui {

ChannelsPage::ChannelsPage(MonitorClient *client, QWidget *parent)
    : QWidget(parent), m_model(new ChannelModel(this)),
      m_view(makeTableView(m_model, QStringLiteral("channelView"), ChannelModel::SubscribersColumn,
                           Qt::DescendingOrder, this)),
      m_note(new QLabel(this))
{
    setObjectName(QStringLiteral("channelsPage"));
    m_note->setObjectName(QStringLiteral("channelNote"));
    layOutNoteAboveTable(this, m_note, m_view);

    if (client) {
        connect(client, &MonitorClient::tickReceived, this, &ChannelsPage::applyTick);
        connect(client, &MonitorClient::helloReceived, this, &ChannelsPage::clear);
        connect(client, &MonitorClient::stateChanged, this, [this](MonitorClient::State state) {
            if (state == MonitorClient::State::Disconnected)
                clear();
        });
    }
    updateNote();
}

void ChannelsPage::applyTick(const monitor::Tick &tick)
{
    m_hub = tick.channels ? Hub::On : Hub::Off;
    m_model->applyTick(tick);
    updateNote();
}

void ChannelsPage::clear()
{
    m_hub = Hub::Unknown;
    m_model->clear();
    updateNote();
}

QString ChannelsPage::noteText() const
{
    switch (m_hub) {
    case Hub::Unknown:
        return tr("Waiting for the service…");
    case Hub::Off:
        return tr("The service runs without the publish/subscribe hub (start afcgid with --hub).");
    case Hub::On:
        break;
    }
    QString text = m_model->rowCount() == 0
        ? tr("No channels yet: a channel appears with its first subscriber or message.")
        : format::quantity(m_model->rowCount(), tr("channel"), tr("channels"));
    if (m_model->dropped() > 0)
        text += tr("; %1 more not shown (the service sends its busiest).")
                    .arg(format::total(m_model->dropped()));
    return text;
}

void ChannelsPage::updateNote()
{
    m_note->setText(noteText());
}

} // namespace afcgi::gui
