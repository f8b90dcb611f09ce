#ifndef RIVULET_STORE_SQLITE_ROW_HELPERS_H_
#define RIVULET_STORE_SQLITE_ROW_HELPERS_H_

#include <string>
#include <vector>

#include "store/sqlite/connection.h"

// Helpers for running bound statements and mapping their rows; internal to sqlite/.
namespace rivulet::store::sqlite {

// Runs a bound statement expected to yield at most one row, mapping it with read.
template <typename T, typename F>
core::Result<T> One(Statement* st, F read, const char* what) {
  auto row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return core::NotFound(std::string(what) + " not found");
  T out = read(*st);
  st->Reset();
  return out;
}

template <typename T, typename F>
core::Result<std::vector<T>> All(Statement* st, F read) {
  std::vector<T> out;
  while (true) {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(read(*st));
  }
  st->Reset();
  return out;
}

// Runs a bound "SELECT EXISTS (…)" and returns its answer.
inline core::Result<bool> Exists(Statement* st) {
  return One<bool>(
      st, [](const Statement& s) { return s.Int(0) != 0; }, "row");
}

inline core::Status ExpectChange(Connection& conn, Statement* st, const char* what) {
  RIVULET_RETURN_IF_ERROR(st->Exec());
  if (conn.Changes() == 0) return core::NotFound(std::string(what) + " not found");
  return core::Status::Ok();
}


}  // namespace rivulet::store::sqlite

#endif  // RIVULET_STORE_SQLITE_ROW_HELPERS_H_
