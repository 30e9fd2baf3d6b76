#pragma once

#include <QSortFilterProxyModel>

namespace afcgi::gui {

// Filters a LogModel by minimum level and by a case-insensitive text found in the message or
// the category. Keeps the source order (no sorting).
class LogFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit LogFilterProxy(QObject *parent = nullptr);

    void setMinimumLevel(int level); // LogModel::Level
    int minimumLevel() const { return m_minimumLevel; }
    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    int m_minimumLevel = 0;
    QString m_search;
};

} // namespace afcgi::gui
