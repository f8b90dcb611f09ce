#ifndef RIVULET_STORE_MIGRATIONS_MIGRATIONS_H_
#define RIVULET_STORE_MIGRATIONS_MIGRATIONS_H_

#include <string_view>
#include <vector>

namespace rivulet::store {

// One forward-only schema step. Versions are dense and increasing; a shipped migration is
// never edited, only followed by a new one.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& SqliteMigrations();
// The same migrations in PostgreSQL's dialect: version for version, name for name.
const std::vector<Migration>& PostgresMigrations();

}  // namespace rivulet::store

#endif  // RIVULET_STORE_MIGRATIONS_MIGRATIONS_H_
