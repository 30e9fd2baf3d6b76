#pragma once
// The monitor's File ▸ Export entries and "Copy request details": the recent completions to a
// CSV file, the log to a text file, the selected requests' details to the clipboard. The text
// itself comes from exports.h; this class asks for the file and says how it went.

#include <QObject>

QT_BEGIN_NAMESPACE
class QAction;
class QMainWindow;
class QMenu;
class QTableView;
QT_END_NAMESPACE

namespace afcgi::gui {

class CompletionModel;
class LogModel;
class RequestTableModel;

class ExportActions final : public QObject
{
    Q_OBJECT
public:
    struct Sources
    {
        RequestTableModel *requests = nullptr;
        QTableView *requestView = nullptr;
        CompletionModel *completions = nullptr;
        QTableView *completionView = nullptr;
        LogModel *logs = nullptr;
    };
    ExportActions(QMainWindow *window, const Sources &sources);

    void addTo(QMenu *fileMenu) const;

    // What the menu entries do once a file is chosen (the tests call these directly).
    bool exportCompletionsTo(const QString &path, QString *error) const;
    bool exportLogTo(const QString &path, QString *error) const;
    // The details of the requests selected in one of the two views, a block each; empty if
    // none is selected there.
    QString selectedRequestDetails(const QTableView *view) const;

private:
    void exportWithDialog(const QString &title, const QString &suggestedName, const QString &filter,
                          bool (ExportActions::*write)(const QString &, QString *) const);
    void attachCopyDetails(QTableView *view);

    QMainWindow *m_window;
    Sources m_sources;
    QAction *m_exportCompletions;
    QAction *m_exportLog;
};

} // namespace afcgi::gui
