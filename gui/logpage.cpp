#include "logpage.h"

#include "logfilterproxy.h"
#include "logmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace afcgi::gui {

LogPage::LogPage(LogModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_proxy(new LogFilterProxy(this)),
      m_view(new QTableView(this)), m_level(new QComboBox(this)), m_search(new QLineEdit(this)),
      m_pauseButton(new QToolButton(this)), m_pending(new QLabel(this)),
      m_pause(new QAction(tr("&Pause"), this)), m_clear(new QAction(tr("C&lear"), this)),
      m_copy(new QAction(tr("&Copy"), this))
{
    m_proxy->setSourceModel(model);

    for (int level = LogModel::Debug; level <= LogModel::Error; ++level)
        m_level->addItem(LogModel::levelName(level), level);
    m_level->setToolTip(tr("Show lines at this level and above"));
    m_level->setObjectName(QStringLiteral("logLevelFilter"));
    connect(m_level, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_proxy->setMinimumLevel(m_level->itemData(index).toInt()); });

    m_search->setPlaceholderText(tr("Search (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setObjectName(QStringLiteral("logSearch"));
    connect(m_search, &QLineEdit::textChanged, m_proxy, &LogFilterProxy::setSearchText);

    m_pause->setCheckable(true);
    m_pause->setShortcut(Qt::Key_Space);
    m_pause->setShortcutContext(Qt::WidgetWithChildrenShortcut); // only on this tab
    m_pause->setToolTip(tr("Pause (Space): freeze the view; new lines wait until you resume"));
    connect(m_pause, &QAction::toggled, this, &LogPage::setPaused);
    m_pauseButton->setDefaultAction(m_pause);
    m_pauseButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    addAction(m_pause);

    m_clear->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_clear->setToolTip(tr("Clear the log view (Ctrl+L)"));
    connect(m_clear, &QAction::triggered, m_model, &LogModel::clear);
    auto *clearButton = new QToolButton(this);
    clearButton->setDefaultAction(m_clear);

    m_copy->setShortcut(QKeySequence::Copy);
    m_copy->setShortcutContext(Qt::WidgetShortcut);
    m_copy->setToolTip(tr("Copy the selected lines"));
    connect(m_copy, &QAction::triggered, this, &LogPage::copySelection);
    auto *copyButton = new QToolButton(this);
    copyButton->setDefaultAction(m_copy);
    m_view->addAction(m_copy);

    connect(m_model, &LogModel::pendingCountChanged, this, &LogPage::updatePendingLabel);
    updatePendingLabel(0);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Level:"), this));
    bar->addWidget(m_level);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_pauseButton);
    bar->addWidget(m_pending);
    bar->addWidget(clearButton);
    bar->addWidget(copyButton);

    m_view->setObjectName(QStringLiteral("logView"));
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setWordWrap(false);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 4);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(LogModel::TimeColumn,
                           m_view->fontMetrics().horizontalAdvance(QStringLiteral("00:00:00.000")) + 16);
    m_view->setColumnWidth(LogModel::CategoryColumn,
                           m_view->fontMetrics().horizontalAdvance(QStringLiteral("afcgi.server.request")) + 16);
    // Following: keep the newest line in view.
    connect(m_proxy, &QAbstractItemModel::rowsInserted, m_view, [this] {
        if (!m_model->isPaused())
            m_view->scrollToBottom();
    });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
}

void LogPage::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

QString LogPage::selectedText() const
{
    QList<int> rows;
    const QModelIndexList selected = m_view->selectionModel()->selectedRows();
    for (const QModelIndex &i : selected)
        rows.append(i.row());
    std::sort(rows.begin(), rows.end());
    QStringList lines;
    for (int row : std::as_const(rows))
        lines.append(m_model->lineAt(m_proxy->mapToSource(m_proxy->index(row, 0)).row()));
    return lines.join(QLatin1Char('\n'));
}

void LogPage::copySelection()
{
    const QString text = selectedText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text + QLatin1Char('\n'));
}

void LogPage::setPaused(bool paused)
{
    m_model->setPaused(paused);
    m_pause->setText(paused ? tr("&Resume") : tr("&Pause"));
    if (!paused)
        m_view->scrollToBottom();
}

void LogPage::updatePendingLabel(int pending)
{
    m_pending->setText(pending > 0 ? tr("%n new", nullptr, pending) : QString());
    m_pending->setVisible(pending > 0);
}

} // namespace afcgi::gui
