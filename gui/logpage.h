#pragma once

#include <QWidget>

QT_BEGIN_NAMESPACE
class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QToolButton;
QT_END_NAMESPACE

namespace afcgi::gui {

class LogFilterProxy;
class LogModel;

// The Logs tab: the log table behind a level filter and a text search, with pause/follow,
// clear and copy. While following, the view stays on the newest line; pausing freezes it.
class LogPage final : public QWidget
{
    Q_OBJECT
public:
    explicit LogPage(LogModel *model, QWidget *parent = nullptr);

    LogFilterProxy *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    QLineEdit *searchEdit() const { return m_search; }
    QComboBox *levelCombo() const { return m_level; }
    QAction *pauseAction() const { return m_pause; }
    QAction *clearAction() const { return m_clear; }
    QAction *copyAction() const { return m_copy; }

    void focusSearch();
    // The selected lines (in view order) as afcgid prints them, one per line.
    QString selectedText() const;
    void copySelection();

private:
    void setPaused(bool paused);
    void updatePendingLabel(int pending);

    LogModel *m_model;
    LogFilterProxy *m_proxy;
    QTableView *m_view;
    QComboBox *m_level;
    QLineEdit *m_search;
    QToolButton *m_pauseButton;
    QLabel *m_pending;
    QAction *m_pause;
    QAction *m_clear;
    QAction *m_copy;
};

} // namespace afcgi::gui
