#include "serviceswindow.h"

#include "addservicedialog.h"
#include "channeladdress.h"
#include "channeldiscovery.h"
#include "mainwindow.h"
#include "servicelistmodel.h"
#include "servicestate.h"

#include <QCloseEvent>
#include <QFileInfo>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace afcgi::gui {

namespace {
constexpr int kDiscoveryIntervalMs = 3000;
}

ServicesWindow::ServicesWindow(QWidget *parent)
    : QWidget(parent), m_model(new ServiceListModel(this)), m_sidebar(new QListView(this)),
      m_addButton(new QPushButton(tr("&Add…"), this)),
      m_removeButton(new QPushButton(tr("Remo&ve"), this)), m_stack(new QStackedWidget(this)),
      m_splitter(new QSplitter(Qt::Horizontal, this))
{
    m_sidebar->setObjectName(QStringLiteral("services"));
    m_sidebar->setModel(m_model);
    m_sidebar->setSelectionMode(QAbstractItemView::SingleSelection);
    m_sidebar->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_sidebar->setUniformItemSizes(true);
    m_sidebar->setSpacing(3);
    m_addButton->setToolTip(tr("Watch a service on another host, reached through a command such as ssh"));
    m_removeButton->setToolTip(tr("Forget the selected remote service"));
    m_removeButton->setEnabled(false);

    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    auto *heading = new QLabel(tr("Services"), side);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    heading->setContentsMargins(4, 4, 4, 0);
    sideLayout->addWidget(heading);
    sideLayout->addWidget(m_sidebar, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_addButton);
    buttons->addWidget(m_removeButton);
    sideLayout->addLayout(buttons);

    m_splitter->setObjectName(QStringLiteral("servicesSplitter"));
    m_splitter->addWidget(side);
    m_splitter->addWidget(m_stack);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({ 190, 1000 });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);

    connect(m_sidebar->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ServicesWindow::onCurrentChanged);
    connect(m_addButton, &QPushButton::clicked, this, &ServicesWindow::askForRemoteService);
    connect(m_removeButton, &QPushButton::clicked, this, [this] { removeService(currentRow()); });
    m_discovery.setInterval(kDiscoveryIntervalMs);
    connect(&m_discovery, &QTimer::timeout, this, &ServicesWindow::discoverLocalChannels);

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("services/geometry")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("services/splitter")).toByteArray());
}

ServicesWindow::~ServicesWindow() = default;

MainWindow *ServicesWindow::addService(const ServiceEntry &entry)
{
    const int listed = m_model->rowOf(entry.key());
    if (listed >= 0)
        return m_windows.at(listed);
    auto *window = new MainWindow(entry.channel);
    // A window inside this one: its menus drawn in it, not in the desktop's global menu bar,
    // since each service has its own.
    window->setWindowFlags(Qt::Widget);
    window->menuBar()->setNativeMenuBar(false);
    if (entry.isRemote())
        window->client()->setVia(entry.via, entry.remoteProgram);
    const int row = m_model->add(entry);
    m_windows.append(window);
    m_stack->addWidget(window);

    const QString key = entry.key();
    const ServiceState *state = window->serviceState();
    connect(state, &ServiceState::changed, this, [this, key, state] {
        const int at = m_model->rowOf(key);
        if (at >= 0)
            m_model->setPhase(at, state->phase());
    });
    connect(window->client(), &MonitorClient::tickReceived, this, [this, key](const monitor::Tick &tick) {
        const int at = m_model->rowOf(key);
        if (at >= 0)
            m_model->setRate(at, tick.rates.requests);
    });
    connect(window, &QWidget::windowTitleChanged, this, [this, window](const QString &title) {
        if (window == current())
            setWindowTitle(title);
    });
    if (m_started)
        window->start();
    if (row == 0)
        setCurrent(0);
    return window;
}

MainWindow *ServicesWindow::addRemoteService(const ServiceEntry &entry)
{
    MainWindow *window = addService(entry);
    m_savedKeys.insert(entry.key());
    saveRemoteServices();
    return window;
}

void ServicesWindow::removeService(int row)
{
    if (row < 0 || row >= m_windows.size() || !m_savedKeys.contains(m_model->entry(row).key()))
        return;
    m_savedKeys.remove(m_model->entry(row).key());
    MainWindow *window = m_windows.takeAt(row);
    m_model->remove(row);
    window->client()->stop();
    m_stack->removeWidget(window);
    window->deleteLater();
    saveRemoteServices();
    onCurrentChanged();
}

void ServicesWindow::addSavedServices()
{
    QSettings settings;
    for (const ServiceEntry &entry : loadSavedServices(settings)) {
        m_savedKeys.insert(entry.key());
        addService(entry);
    }
}

void ServicesWindow::discoverLocalChannels()
{
    const QString directory = m_channelDirectory.isEmpty() ? monitor::userChannelDirectory()
                                                           : m_channelDirectory;
    QSet<QString> listed; // local channels' keys are their full addresses
    for (int row = 0; row < m_model->rowCount(); ++row)
        listed.insert(m_model->entry(row).key());
    for (const QString &path : findLocalChannels(directory, listed)) {
        ServiceEntry entry;
        entry.channel = path;
        entry.title = QFileInfo(path).fileName();
        addService(entry);
    }
}

void ServicesWindow::start()
{
    m_started = true;
    for (MainWindow *window : std::as_const(m_windows))
        window->start();
    m_discovery.start();
}

int ServicesWindow::serviceCount() const
{
    return int(m_windows.size());
}

MainWindow *ServicesWindow::service(int row) const
{
    return m_windows.value(row);
}

MainWindow *ServicesWindow::current() const
{
    return qobject_cast<MainWindow *>(m_stack->currentWidget());
}

int ServicesWindow::currentRow() const
{
    return int(m_windows.indexOf(current()));
}

void ServicesWindow::setCurrent(int row)
{
    m_sidebar->setCurrentIndex(m_model->index(row));
}

void ServicesWindow::onCurrentChanged()
{
    const int row = m_sidebar->currentIndex().row();
    if (row < 0 || row >= m_windows.size())
        return;
    m_stack->setCurrentWidget(m_windows.at(row));
    setWindowTitle(m_windows.at(row)->windowTitle());
    m_removeButton->setEnabled(m_savedKeys.contains(m_model->entry(row).key()));
}

void ServicesWindow::askForRemoteService()
{
    AddServiceDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    addRemoteService(dialog.entry());
    setCurrent(m_model->rowOf(dialog.entry().key()));
}

void ServicesWindow::saveRemoteServices() const
{
    QList<ServiceEntry> remote;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_savedKeys.contains(m_model->entry(row).key()))
            remote.append(m_model->entry(row));
    }
    QSettings settings;
    saveSavedServices(settings, remote);
}

void ServicesWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("services/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("services/splitter"), m_splitter->saveState());
    if (MainWindow *window = current())
        window->saveSettings();
    event->accept();
}

} // namespace afcgi::gui
