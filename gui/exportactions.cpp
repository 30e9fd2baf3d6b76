#include "exportactions.h"

#include "completionmodel.h"
#include "exports.h"
#include "logmodel.h"
#include "requesttablemodel.h"
#include "tableview.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>
#include <QTableView>

namespace afcgi::gui {

namespace {
constexpr int kMessageShownMs = 5000;

QString stamped(const QString &stem, const QString &suffix)
{
    return QStringLiteral("%1-%2.%3")
        .arg(stem, QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")), suffix);
}
} // namespace

ExportActions::ExportActions(QMainWindow *window, const Sources &sources)
    : QObject(window),
      m_window(window),
      m_sources(sources)
{
    m_exportCompletions = new QAction(tr("Export completed requests as &CSV…"), this);
    m_exportCompletions->setToolTip(tr("The recent completions the window holds, with raw values"));
    connect(m_exportCompletions, &QAction::triggered, this, [this] {
        exportWithDialog(tr("Export completed requests"), stamped(QStringLiteral("afcgi-completions"), QStringLiteral("csv")),
                         tr("CSV files (*.csv)"), &ExportActions::exportCompletionsTo);
    });
    m_exportLog = new QAction(tr("Export &log as text…"), this);
    m_exportLog->setToolTip(tr("Every log line the window holds, as afcgid prints them"));
    connect(m_exportLog, &QAction::triggered, this, [this] {
        exportWithDialog(tr("Export log"), stamped(QStringLiteral("afcgi-log"), QStringLiteral("log")),
                         tr("Text files (*.log *.txt)"), &ExportActions::exportLogTo);
    });
    attachCopyDetails(m_sources.requestView);
    attachCopyDetails(m_sources.completionView);
}

// Ctrl+C on a requests table (and its context menu): every field of its selected rows.
void ExportActions::attachCopyDetails(QTableView *view)
{
    if (!view)
        return;
    auto *copy = new QAction(tr("&Copy request details"), view);
    copy->setObjectName(QStringLiteral("copyDetails"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, [this, view] {
        const QString details = selectedRequestDetails(view);
        if (details.isEmpty()) {
            m_window->statusBar()->showMessage(tr("Select a request first"), kMessageShownMs);
            return;
        }
        QApplication::clipboard()->setText(details);
        m_window->statusBar()->showMessage(tr("Copied the request's details"), kMessageShownMs);
    });
    view->addAction(copy);
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
}

void ExportActions::addTo(QMenu *fileMenu) const
{
    fileMenu->addAction(m_exportCompletions);
    fileMenu->addAction(m_exportLog);
}

bool ExportActions::exportCompletionsTo(const QString &path, QString *error) const
{
    return exports::writeTextFile(path, exports::completionsCsv(*m_sources.completions), error);
}

bool ExportActions::exportLogTo(const QString &path, QString *error) const
{
    return exports::writeTextFile(path, exports::logText(*m_sources.logs), error);
}

QString ExportActions::selectedRequestDetails(const QTableView *view) const
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    QStringList blocks;
    for (int row : selectedSourceRows(view)) {
        if (view == m_sources.completionView)
            blocks.append(exports::requestDetails(m_sources.completions->completionAt(row), true, nowMs));
        else if (view == m_sources.requestView)
            blocks.append(exports::requestDetails(m_sources.requests->requestAt(row), false, nowMs));
    }
    return blocks.join(QLatin1Char('\n'));
}

void ExportActions::exportWithDialog(const QString &title, const QString &suggestedName, const QString &filter,
                                     bool (ExportActions::*write)(const QString &, QString *) const)
{
    const QString path = QFileDialog::getSaveFileName(m_window, title, QDir::home().filePath(suggestedName), filter);
    if (path.isEmpty())
        return;
    QString error;
    if (!(this->*write)(path, &error)) {
        QMessageBox::warning(m_window, title, tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), error));
        return;
    }
    m_window->statusBar()->showMessage(tr("Written to %1").arg(QDir::toNativeSeparators(path)), kMessageShownMs);
}

} // namespace afcgi::gui
