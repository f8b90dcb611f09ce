#ifndef RIVULET_STORE_POSTGRES_PG_ROWS_H_
#define RIVULET_STORE_POSTGRES_PG_ROWS_H_

#include <string>
#include <vector>

#include "store/postgres/pg_connection.h"

// Helpers for mapping query results to domain values; internal to postgres/.
namespace rivulet::store::postgres {

// The first row mapped with read(rows, 0), or NotFound naming `what`.
template <typename T, typename F>
core::Result<T> One(core::Result<Rows> rows, F read, const char* what) {
  if (!rows.ok()) return rows.status();
  if (rows->size() == 0) return core::NotFound(std::string(what) + " not found");
  return read(*rows, 0);
}

template <typename T, typename F>
core::Result<std::vector<T>> All(core::Result<Rows> rows, F read) {
  if (!rows.ok()) return rows.status();
  std::vector<T> out;
  out.reserve(rows->size());
  for (int i = 0; i < rows->size(); ++i) out.push_back(read(*rows, i));
  return out;
}

// Runs a statement that must change a row; NotFound naming `what` when none changed.
inline core::Status ExpectChange(core::Result<Rows> rows, const char* what) {
  if (!rows.ok()) return rows.status();
  if (rows->affected() == 0) return core::NotFound(std::string(what) + " not found");
  return core::Status::Ok();
}

// The id of an INSERT … RETURNING id.
inline core::Result<int64_t> ReturnedId(core::Result<Rows> rows) {
  if (!rows.ok()) return rows.status();
  if (rows->size() != 1) return core::Internal("insert returned no id");
  return rows->Int(0, 0);
}

}  // namespace rivulet::store::postgres

#endif  // RIVULET_STORE_POSTGRES_PG_ROWS_H_
